import { describe, expect, it } from 'vitest';
import manifestJson from '../../../models/manifest.json';
import { getProfile, manifestProblems } from '../manifest';
import { DEFAULT_NEGATION_WEIGHT, negationWeightOf, subtractConcepts } from './concept-arithmetic';

const length = (v: Float32Array) => Math.hypot(...v);
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('subtractConcepts', () => {
  const q = new Float32Array([0.6, 0.8, 0]);
  const red = new Float32Array([0, 2, 0]); // not unit length: it is normalised first

  it('is the query itself at λ = 0 or with nothing to subtract', () => {
    expect(Array.from(subtractConcepts(q, [red], 0))).toEqual(Array.from(q));
    expect(Array.from(subtractConcepts(q, [], 0.8))).toEqual(Array.from(q));
    expect(Array.from(subtractConcepts(new Float32Array([3, 4, 0]), [], 1))).toEqual(Array.from(q));
  });

  it('is normalise(q − λ·t̂): unit length, and further from the concept the larger λ', () => {
    const half = subtractConcepts(q, [red], 0.5);
    expect(length(half)).toBeCloseTo(1, 6);
    // q − 0.5·(0, 1, 0) = (0.6, 0.3, 0), normalised.
    expect(half[0]).toBeCloseTo(0.6 / Math.hypot(0.6, 0.3), 6);
    expect(half[1]).toBeCloseTo(0.3 / Math.hypot(0.6, 0.3), 6);
    const unitRed = new Float32Array([0, 1, 0]);
    const closeness = [0, 0.5, 1, 2].map((l) => dot(subtractConcepts(q, [red], l), unitRed));
    expect(closeness).toEqual([...closeness].sort((a, b) => b - a));
    expect(closeness.at(-1)).toBeLessThan(0);
  });

  it('subtracts every concept, each at unit length, and leaves its inputs alone', () => {
    const blue = new Float32Array([0, 0, 5]);
    const both = subtractConcepts(q, [red, blue], 1);
    // (0.6, 0.8 − 1, −1), normalised.
    const norm = Math.hypot(0.6, 0.2, 1);
    expect(Array.from(both).map((x) => x * norm)).toEqual([
      expect.closeTo(0.6, 5),
      expect.closeTo(-0.2, 5),
      expect.closeTo(-1, 5),
    ]);
    expect(Array.from(q)).toEqual([0.6000000238418579, 0.800000011920929, 0]);
    expect(Array.from(red)).toEqual([0, 2, 0]);
  });

  it('refuses a concept of another model’s size', () => {
    expect(() => subtractConcepts(q, [new Float32Array(4)], 1)).toThrow(/4 dimensions/);
  });
});

describe('negationWeightOf', () => {
  it('reads the λ a profile records, and the default where it records none', () => {
    // The tiny world's value is the train/val winner (checked in models/negation.spec.ts).
    expect(negationWeightOf(getProfile('tiny-world'))).toBe(
      getProfile('tiny-world').negationWeight,
    );
    expect(negationWeightOf(getProfile('default'))).toBe(DEFAULT_NEGATION_WEIGHT);
    expect(negationWeightOf({})).toBe(DEFAULT_NEGATION_WEIGHT);
  });
});

describe('manifest negationWeight', () => {
  it('refuses a λ that is negative or not a number', () => {
    const withWeight = (negationWeight: unknown) => {
      const copy = structuredClone(manifestJson) as { profiles: Record<string, object> };
      copy.profiles['tiny-world'] = { ...copy.profiles['tiny-world'], negationWeight };
      return manifestProblems(copy);
    };
    expect(withWeight(0.8)).toEqual([]);
    expect(withWeight(0)).toEqual([]);
    expect(withWeight(-1)).toEqual(['tiny-world: negationWeight must be a number ≥ 0']);
    expect(withWeight('strong')).toEqual(['tiny-world: negationWeight must be a number ≥ 0']);
  });
});
