import { describe, expect, it } from 'vitest';
import {
  distinctCombinations,
  formatSummary,
  mean,
  meanQuality,
  precisionAt,
  spearman,
  std,
  summarise,
  tieAveragedRanks,
} from './metrics';

const photo = (shape: string, colour: string, background: string, quality = 1) => ({
  shape,
  colour,
  background,
  quality,
});
const redStar = { relevant: { shape: 'star', colour: 'red' } };

describe('precisionAt', () => {
  const row = [
    photo('star', 'red', 'sky'),
    photo('star', 'blue', 'sky'),
    photo('star', 'red', 'snow'),
    photo('heart', 'red', 'sky'),
  ];

  it('counts relevant photos among the first n', () => {
    expect(precisionAt(1, row, redStar)).toBe(1);
    expect(precisionAt(2, row, redStar)).toBe(0.5);
    expect(precisionAt(4, row, redStar)).toBe(0.5);
  });

  it('divides by n when the row is shorter', () => {
    expect(precisionAt(10, row, redStar)).toBeCloseTo(0.2, 12);
  });

  it('refuses a cut-off that is not a positive integer', () => {
    expect(() => precisionAt(0, row, redStar)).toThrow(RangeError);
    expect(() => precisionAt(2.5, row, redStar)).toThrow(RangeError);
  });
});

describe('meanQuality', () => {
  it('averages the first n photos, relevant or not', () => {
    const row = [photo('a', 'b', 'c', 1), photo('x', 'y', 'z', 0.2), photo('a', 'b', 'c', 0.6)];
    expect(meanQuality(row, 2)).toBeCloseTo(0.6, 12);
    expect(meanQuality(row, 10)).toBeCloseTo(0.6, 12);
    expect(meanQuality([], 10)).toBeNaN();
  });
});

describe('distinctCombinations', () => {
  it('counts each (shape, colour, background) once', () => {
    const row = [
      photo('star', 'red', 'sky'),
      photo('star', 'red', 'sky'),
      photo('star', 'red', 'snow'),
      photo('heart', 'red', 'sky'),
    ];
    expect(distinctCombinations(row)).toBe(3);
    expect(distinctCombinations([])).toBe(0);
  });

  it('does not confuse labels that join into the same text', () => {
    expect(distinctCombinations([photo('a b', 'c', 'd'), photo('a', 'b c', 'd')])).toBe(2);
  });
});

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('spearman', () => {
  it('averages the ranks of ties', () => {
    expect(tieAveragedRanks([5, 6, 7, 8, 7])).toEqual([0, 1, 2.5, 4, 2.5]);
    // Worked by hand from those ranks: 8 / sqrt(10 * 9.5).
    expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(8 / Math.sqrt(95), 12);
  });

  it('matches 1 − 6Σd²/(n(n²−1)) on data without ties', () => {
    const random = mulberry32(11);
    const a = Array.from({ length: 50 }, random);
    const b = a.map((x) => x + random() * 0.8);
    const ra = tieAveragedRanks(a);
    const rb = tieAveragedRanks(b);
    const d2 = ra.reduce((s, r, i) => s + (r - rb[i]!) ** 2, 0);
    const n = a.length;
    expect(spearman(a, b)).toBeCloseTo(1 - (6 * d2) / (n * (n * n - 1)), 10);
  });

  it('depends on order only', () => {
    const a = [0.3, 0.1, 0.9, 0.5];
    expect(
      spearman(
        a,
        a.map((x) => Math.exp(10 * x)),
      ),
    ).toBeCloseTo(1, 12);
    expect(
      spearman(
        a,
        a.map((x) => -x),
      ),
    ).toBeCloseTo(-1, 12);
  });

  it('is undefined for a constant series and refuses bad input', () => {
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(() => spearman([1, 2], [1])).toThrow(RangeError);
    expect(() => spearman([1], [1])).toThrow(RangeError);
    expect(() => spearman([1, NaN], [1, 2])).toThrow(RangeError);
  });
});

describe('multi-seed summaries', () => {
  it('reports the mean and sample standard deviation', () => {
    const s = summarise([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(s.mean).toBe(5);
    // Σ(x − 5)² = 32 over n − 1 = 7.
    expect(s.std).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(s.n).toBe(8);
    expect(formatSummary({ mean: 0.4521, std: 0.0131, n: 5 })).toBe('0.452 ± 0.013 (n=5)');
  });

  it('has no spread for one seed and no value for none', () => {
    expect(std([0.4])).toBe(0);
    expect(mean([])).toBeNaN();
    expect(std([])).toBeNaN();
  });
});
