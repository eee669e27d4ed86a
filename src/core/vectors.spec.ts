import { describe, expect, it } from 'vitest';
import { blend, normalize } from './vectors';

describe('vectors', () => {
  it('scales to unit length in place and leaves zero vectors alone', () => {
    const v = new Float32Array([3, 4]);
    expect(normalize(v)).toBe(v);
    expect(Array.from(v)).toEqual([0.6000000238418579, 0.800000011920929]);
    expect(Array.from(normalize(new Float32Array([0, 0])))).toEqual([0, 0]);
  });

  it('blends two unit vectors by weight and returns a unit vector', () => {
    const a = new Float32Array([1, 0]);
    const b = new Float32Array([0, 1]);
    const half = blend(a, b, 0.5);
    expect(half[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(half[1]).toBeCloseTo(Math.SQRT1_2, 6);
    // Weights outside 0..1 are clamped rather than extrapolated.
    expect(Array.from(blend(a, b, 2))).toEqual([0, 1]);
    expect(Array.from(blend(a, b, -1))).toEqual([1, 0]);
    // The inputs are not changed.
    expect(Array.from(a)).toEqual([1, 0]);
  });
});
