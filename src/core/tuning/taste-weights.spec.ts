import { describe, expect, it } from 'vitest';
import { AUTO_SHARE, tasteTrainingPairs, type WeightedPair } from './taste-weights';

const many = (n: number, p: WeightedPair) => Array.from({ length: n }, () => ({ ...p }));
const total = (pairs: WeightedPair[], origin?: string) =>
  pairs.filter((p) => !origin || p.origin === origin).reduce((s, p) => s + p.weight, 0);

describe('picks against automatic pairs', () => {
  const picks = many(50, { origin: 'chosen', weight: 3 });
  const auto = many(4500, { origin: 'auto', weight: 1 });

  it('50 picks are not drowned by 4,500 automatic pairs', () => {
    const pairs = tasteTrainingPairs([...picks, ...auto], { includeAuto: true });
    expect(pairs).toHaveLength(4550);
    expect(total(pairs, 'auto')).toBeCloseTo(AUTO_SHARE * total(pairs, 'chosen'));
    // Two thirds of the loss is the person's, not 3% as with unscaled weights.
    expect(total(pairs, 'chosen') / total(pairs)).toBeCloseTo(2 / 3);
  });

  it('leaves the automatic pairs out unless asked, and keeps pick weights', () => {
    const pairs = tasteTrainingPairs([...picks, ...auto], { includeAuto: false });
    expect(pairs).toHaveLength(50);
    expect(pairs.every((p) => p.weight === 3)).toBe(true);
  });

  it('a taste without picks trains on the automatic pairs as before', () => {
    const pairs = tasteTrainingPairs(auto, { includeAuto: false });
    expect(pairs).toHaveLength(4500);
    expect(total(pairs)).toBe(4500);
  });
});
