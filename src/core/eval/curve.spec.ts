import { describe, expect, it } from 'vitest';
import {
  areaUnder,
  bestWithin,
  curvePoint,
  meanCurve,
  nearestPrecision,
  qualityAtPrecision,
  summariseCurve,
  upperEnvelope,
  type CurvePoint,
} from './curve';

const pt = (beauty: number, precision: number, quality: number): CurvePoint => ({
  beauty,
  precision,
  quality,
});

describe('curvePoint', () => {
  const star = { relevant: { shape: 'star' } };
  const photo = (shape: string, quality: number) => ({
    shape,
    colour: 'red',
    background: 'sky',
    quality,
  });

  it('averages precision@10 and top-10 quality over the queries', () => {
    const allStars = Array.from({ length: 10 }, () => photo('star', 0.5));
    const halfStars = Array.from({ length: 10 }, (_, i) => photo(i < 5 ? 'star' : 'heart', 0.9));
    const p = curvePoint(0.3, [
      { query: star, row: allStars },
      { query: star, row: halfStars },
    ]);
    expect(p.beauty).toBe(0.3);
    expect(p.precision).toBeCloseTo(0.75, 12);
    expect(p.quality).toBeCloseTo(0.7, 12);
  });

  it('refuses a point with no query', () => {
    expect(() => curvePoint(0, [])).toThrow(RangeError);
  });
});

describe('upperEnvelope', () => {
  it('drops a setting that loses precision without gaining quality, and sorts by precision', () => {
    const env = upperEnvelope([
      pt(0, 0.8, 0.7),
      pt(0.1, 0.78, 0.8),
      pt(0.2, 0.75, 0.78), // less precise and less beautiful than beauty 0.1
      pt(0.3, 0.7, 0.9),
    ]);
    expect(env.map((p) => p.beauty)).toEqual([0.3, 0.1, 0]);
  });

  it('keeps the more beautiful of two points at the same precision', () => {
    const env = upperEnvelope([pt(0, 0.8, 0.7), pt(0.1, 0.8, 0.75)]);
    expect(env).toEqual([pt(0.1, 0.8, 0.75)]);
  });
});

describe('qualityAtPrecision', () => {
  const env = upperEnvelope([pt(0, 0.8, 0.7), pt(0.5, 0.7, 0.9)]);

  it('interpolates linearly between envelope points', () => {
    expect(qualityAtPrecision(env, 0.75)).toBeCloseTo(0.8, 12);
    expect(qualityAtPrecision(env, 0.8)).toBeCloseTo(0.7, 12);
  });

  it('keeps the least precise point below the curve, and cannot reach above it', () => {
    expect(qualityAtPrecision(env, 0.5)).toBeCloseTo(0.9, 12);
    expect(qualityAtPrecision(env, 0.81)).toBeUndefined();
  });
});

describe('bestWithin (quality at matched precision)', () => {
  const points = [pt(0, 0.8, 0.7), pt(0.1, 0.795, 0.78), pt(0.2, 0.79, 0.85), pt(0.3, 0.77, 0.9)];

  it('picks the most beautiful measured point that keeps the floor, the bound included', () => {
    expect(bestWithin(points, 0.79)?.beauty).toBe(0.2);
    // 0.8 − 0.01 in floating point is 0.79000000000000004, which 0.79 must still meet.
    expect(bestWithin(points, 0.8 - 0.01)?.beauty).toBe(0.2);
    expect(bestWithin(points, 0.796)?.beauty).toBe(0);
  });

  it('finds nothing when no point keeps the floor', () => {
    expect(bestWithin(points, 0.81)).toBeUndefined();
  });
});

describe('areaUnder', () => {
  it('integrates the interpolated envelope by trapezoids over the range', () => {
    // Quality falls linearly from 0.9 at P 0.7 to 0.7 at P 0.8; over [0.75, 0.8] the mean is 0.75.
    const env = upperEnvelope([pt(0, 0.8, 0.7), pt(0.5, 0.7, 0.9)]);
    const { area, covered } = areaUnder(env, 0.75, 0.8);
    expect(area).toBeCloseTo(0.05 * 0.75, 12);
    expect(covered).toBe(1);
  });

  it('follows a kink inside the range', () => {
    const env = upperEnvelope([pt(0, 0.8, 0.7), pt(0.1, 0.78, 0.9), pt(0.5, 0.7, 0.95)]);
    // [0.76, 0.78]: 0.9 + (0.78−0.76)/0.08·... → 0.9125 at 0.76; trapezoid (0.9125+0.9)/2·0.02;
    // [0.78, 0.8]: (0.9+0.7)/2·0.02.
    const { area } = areaUnder(env, 0.76, 0.8);
    expect(area).toBeCloseTo(((0.9125 + 0.9) / 2) * 0.02 + ((0.9 + 0.7) / 2) * 0.02, 12);
  });

  it('counts precision the system cannot keep as 0 and says how much it covers', () => {
    const env = upperEnvelope([pt(0, 0.78, 0.8), pt(0.5, 0.7, 0.9)]);
    const { area, covered } = areaUnder(env, 0.75, 0.8);
    // Reaches 0.78 of the range's top 0.8: 3 of 5 points covered.
    expect(covered).toBeCloseTo(0.6, 12);
    const q75 = 0.8 + (0.03 / 0.08) * 0.1;
    expect(area).toBeCloseTo(((q75 + 0.8) / 2) * 0.03, 12);
  });

  it('is zero for a curve wholly below the range', () => {
    expect(areaUnder([pt(0.5, 0.6, 0.99)], 0.75, 0.8)).toEqual({ area: 0, covered: 0 });
  });
});

describe('summariseCurve', () => {
  it('reports matched quality and area against base precision', () => {
    const s = summariseCurve([pt(0, 0.8, 0.7), pt(0.1, 0.795, 0.8), pt(0.5, 0.7, 0.9)], 0.8);
    expect(s.matched?.beauty).toBe(0.1);
    expect(s.matchedInterpolated).toBeCloseTo(0.8 + (0.005 / 0.095) * 0.1, 12);
    expect(s.covered).toBe(1);
    expect(s.envelope).toHaveLength(3);
  });

  it('has no matched point when the curve stays over a point below base', () => {
    const s = summariseCurve([pt(0, 0.78, 0.83), pt(0.3, 0.72, 0.93)], 0.8);
    expect(s.matched).toBeNull();
    expect(s.matchedInterpolated).toBeNull();
    expect(s.covered).toBeCloseTo(0.6, 12);
  });
});

describe('meanCurve and nearestPrecision', () => {
  it('averages seeds beauty by beauty', () => {
    const m = meanCurve([
      [pt(0, 0.8, 0.7), pt(1, 0.5, 1)],
      [pt(0, 0.7, 0.8), pt(1, 0.4, 0.9)],
    ]);
    expect(m[0]!.precision).toBeCloseTo(0.75, 12);
    expect(m[1]!.quality).toBeCloseTo(0.95, 12);
    expect(() => meanCurve([[pt(0, 0.8, 0.7)], [pt(0.1, 0.8, 0.7)]])).toThrow(RangeError);
  });

  it('matches a precision, preferring more beauty among equally near settings', () => {
    const points = [pt(0, 0.8, 0.7), pt(0.1, 0.79, 0.75), pt(0.2, 0.77, 0.8), pt(0.3, 0.76, 0.85)];
    expect(nearestPrecision(points, 0.785).beauty).toBe(0.1);
    expect(nearestPrecision(points, 0.765).beauty).toBe(0.3);
  });
});
