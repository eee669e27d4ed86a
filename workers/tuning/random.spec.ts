import { describe, expect, it } from 'vitest';
import { gaussian, hashString, mulberry32, shuffleInPlace } from './random';

describe('seeded random', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = Array.from({ length: 5 }, mulberry32(3));
    const b = Array.from({ length: 5 }, mulberry32(3));
    const c = Array.from({ length: 5 }, mulberry32(4));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    for (const x of a) expect(x >= 0 && x < 1).toBe(true);
  });

  it('draws roughly uniform and roughly normal numbers', () => {
    const random = mulberry32(11);
    const uniform = Array.from({ length: 20_000 }, random);
    const mean = uniform.reduce((s, x) => s + x, 0) / uniform.length;
    expect(mean).toBeCloseTo(0.5, 1);
    const normal = gaussian(mulberry32(12));
    const draws = Array.from({ length: 20_000 }, normal);
    const m = draws.reduce((s, x) => s + x, 0) / draws.length;
    const variance = draws.reduce((s, x) => s + (x - m) ** 2, 0) / draws.length;
    expect(Math.abs(m)).toBeLessThan(0.05);
    expect(variance).toBeGreaterThan(0.9);
    expect(variance).toBeLessThan(1.1);
  });

  it('shuffles into a permutation', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = shuffleInPlace([...items], mulberry32(5));
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((x, y) => x - y)).toEqual(items);
  });

  it('hashes strings stably and seed-dependently', () => {
    expect(hashString('sunset')).toBe(hashString('sunset'));
    expect(hashString('sunset')).not.toBe(hashString('sunrise'));
    expect(hashString('sunset', 1)).not.toBe(hashString('sunset', 2));
  });
});
