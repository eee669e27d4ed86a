import { describe, expect, it } from 'vitest';
import { gaussian, mulberry32 } from '../../../workers/tuning/random';
import {
  headDoubt,
  headInformation,
  headStats,
  headValues,
  headZInt8,
  laplaceSolver,
  pairUncertainty,
  standardise,
  trainTasteHead,
} from './taste-head';

const DIM = 16;

function unit(v: Float32Array): Float32Array {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function photos(count: number, seed: number): Float32Array[] {
  const normal = gaussian(mulberry32(seed));
  return Array.from({ length: count }, () => unit(Float32Array.from({ length: DIM }, normal)));
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j]! * b[j]!;
  return s;
};

/** A person who prefers photos further along dimension 0. */
const taste = (x: Float32Array) => x[0]!;

function picks(xs: Float32Array[], count: number) {
  const out = [];
  for (let i = 0; i + 1 < xs.length && out.length < count; i += 2) {
    const [a, b] = [xs[i]!, xs[i + 1]!];
    out.push(
      taste(a) > taste(b) ? { winner: a, loser: b, weight: 3 } : { winner: b, loser: a, weight: 3 },
    );
  }
  return out;
}

describe('the taste head', () => {
  it('learns the direction a person prefers from a few picks', () => {
    const head = trainTasteHead(picks(photos(80, 1), 30), DIM, { l2: 1 });
    const cos = head.w[0]! / Math.hypot(...head.w);
    expect(cos).toBeGreaterThan(0.6);
    // Held-out photos are ordered as the person orders them far more often than by chance.
    const test = photos(200, 2);
    let right = 0;
    for (let i = 0; i < test.length; i += 2) {
      const [a, b] = [test[i]!, test[i + 1]!];
      if (dot(head.w, a) - dot(head.w, b) > 0 === taste(a) > taste(b)) right++;
    }
    expect(right / 100).toBeGreaterThan(0.75);
  });

  it('a stronger L2 keeps the direction smaller', () => {
    const data = picks(photos(80, 3), 30);
    const weak = trainTasteHead(data, DIM, { l2: 0.1 });
    const strong = trainTasteHead(data, DIM, { l2: 10 });
    expect(Math.hypot(...strong.w)).toBeLessThan(Math.hypot(...weak.w));
  });

  /** Unit vector j scaled by s. */
  const e = (j: number, s: number) =>
    Float32Array.from({ length: DIM }, (_, k) => (k === j ? s : 0));
  /** A head trained on 20 picks that all differ along dimension 0 only, with its solver. */
  const headSeeingOnlyDim0 = () => {
    const data = Array.from({ length: 20 }, () => ({
      winner: e(0, 1),
      loser: e(0, -1),
      weight: 1,
    }));
    const head = trainTasteHead(data, DIM, { l2: 0.1 });
    return { head, solver: laplaceSolver(head) };
  };

  it('is unsure of what its picks never showed it, and sure of what they did', () => {
    const { head, solver } = headSeeingOnlyDim0();
    const seen = pairUncertainty(head, e(0, 1), e(0, -1), solver);
    const unseen = pairUncertainty(head, e(1, 1), e(1, -1), solver);
    expect(seen.margin).toBeGreaterThan(0);
    expect(unseen.margin).toBeCloseTo(0, 6);
    expect(unseen.variance).toBeGreaterThan(3 * seen.variance);
    // The chooser's doubt: the unseen pair is the one to ask.
    expect(headDoubt(head, e(1, 1), e(1, -1), solver)).toBeLessThan(
      headDoubt(head, e(0, 1), e(0, -1), solver),
    );
  });

  it('would learn most from a pair it has not seen, and nothing from one relevance decides', () => {
    const { head, solver } = headSeeingOnlyDim0();
    const seen = headInformation(head, e(0, 1), e(0, -1), 0, solver);
    const unseen = headInformation(head, e(1, 1), e(1, -1), 0, solver);
    expect(unseen).toBeGreaterThan(2 * seen);
    expect(seen).toBeGreaterThanOrEqual(0);
    // The same unseen pair, when the person's relevance alone decides it (a large offset
    // either way), teaches the head almost nothing.
    expect(headInformation(head, e(1, 1), e(1, -1), 12, solver)).toBeLessThan(unseen / 20);
    expect(headInformation(head, e(1, 1), e(1, -1), -12, solver)).toBeLessThan(unseen / 20);
    // Information never exceeds one bit, and a pair of one photo with itself teaches nothing.
    expect(unseen).toBeLessThanOrEqual(1);
    expect(headInformation(head, e(2, 1), e(2, 1), 0, solver)).toBeCloseTo(0, 6);
  });

  it('scores a library the same from float and int8 rows, standardised', () => {
    const xs = photos(50, 4);
    const head = trainTasteHead(picks(xs, 20), DIM);
    const flat = new Float32Array(xs.length * DIM);
    xs.forEach((x, i) => flat.set(x, i * DIM));
    const z = standardise(headValues(head, flat, xs.length, DIM));
    const { mean, sd } = headStats(head.w, flat, xs.length, DIM);
    expect(z.reduce((a, b) => a + b, 0) / z.length).toBeCloseTo(0, 5);
    expect((dot(head.w, xs[7]!) - mean) / sd).toBeCloseTo(z[7]!, 4);
    // int8 rows: each row's scale times its codes.
    const codes = new Int8Array(flat.length);
    const scales = new Float32Array(xs.length);
    xs.forEach((x, i) => {
      const s = Math.max(...x.map(Math.abs)) / 127;
      scales[i] = s;
      x.forEach((v, j) => (codes[i * DIM + j] = Math.round(v / s)));
    });
    const zi = headZInt8(head.w, codes, scales, xs.length, DIM);
    for (let i = 0; i < xs.length; i++) expect(zi[i]!).toBeCloseTo(z[i]!, 1);
  });

  it('without picks the direction is zero and every z is 0', () => {
    const head = trainTasteHead([], DIM);
    expect(head.w.every((v) => v === 0)).toBe(true);
    expect([...standardise(new Float32Array([2, 2, 2]))]).toEqual([0, 0, 0]);
  });
});
