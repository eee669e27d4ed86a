import { describe, expect, it } from 'vitest';
import {
  decodeAdapter,
  encodeAdapter,
  identityAdapter,
  transformQuery,
  tunedEmbedding,
  tunedScales,
} from './adapter';
import { DEFAULT_TRAIN_SETTINGS, type AdapterWeights, type TrainSummary } from './protocol';
import { gaussian, mulberry32 } from './random';

function randomAdapter(dim: number, rank: number, seed: number, size = 0.3): AdapterWeights {
  const normal = gaussian(mulberry32(seed));
  return {
    baseModel: 'clip-test@1',
    dim,
    rank,
    a: Float32Array.from({ length: rank * dim }, () => (normal() * size) / Math.sqrt(dim)),
    b: Float32Array.from({ length: dim * rank }, () => normal() * size),
  };
}

function randomVectors(n: number, dim: number, seed: number): Float32Array {
  const normal = gaussian(mulberry32(seed));
  // Lengths between 0.5 and 1.5: the fast path must not assume unit vectors.
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const row = Float64Array.from({ length: dim }, normal);
    const norm = Math.hypot(...row);
    const length = 0.5 + (i % 11) / 10;
    for (let j = 0; j < dim; j++) out[i * dim + j] = (row[j]! / norm) * length;
  }
  return out;
}

const dot = (x: ArrayLike<number>, y: ArrayLike<number>) => {
  let s = 0;
  for (let j = 0; j < x.length; j++) s += x[j]! * y[j]!;
  return s;
};

const summary: TrainSummary = {
  baseModel: 'clip-test@1',
  settings: { ...DEFAULT_TRAIN_SETTINGS, rank: 3 },
  trainPairs: 900,
  validationPairs: 100,
  droppedPairs: 2,
  queries: 12,
  epochs: 7,
  bestEpoch: 5,
  steps: 56,
  stoppedEarly: true,
  trainLoss: 0.51,
  validationLoss: 0.55,
  validationAccuracy: 0.74,
  baseValidationAccuracy: 0.5,
  durationMs: 1234,
};

describe('adapter scoring', () => {
  it('fast path equals the explicit tuned cosine (odd n, dim and 2r not multiples of 4)', () => {
    const [n, dim, rank] = [37, 67, 3];
    const w = randomAdapter(dim, rank, 1, 1);
    const vectors = randomVectors(n, dim, 2);
    const q = randomVectors(1, dim, 3);
    const qUnit = q.map((x) => x / Math.hypot(...q));
    const q2 = transformQuery(w, qUnit);
    const scales = tunedScales(w, vectors, n, dim);
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const e = vectors.subarray(i * dim, (i + 1) * dim);
      const explicit = dot(qUnit, tunedEmbedding(w, e));
      expect(dot(q2, e) * scales[i]!).toBeCloseTo(explicit, 5);
      changed = Math.max(changed, Math.abs(explicit - dot(qUnit, e) / Math.hypot(...e)));
    }
    // The adapter is large enough that a wrong fast path could not pass by accident.
    expect(changed).toBeGreaterThan(0.05);
  });

  it('works on int8 codes with per-vector scales: the scale cancels', () => {
    const [n, dim, rank] = [20, 32, 4];
    const w = randomAdapter(dim, rank, 4);
    const vectors = randomVectors(n, dim, 5);
    const codes = new Int8Array(n * dim);
    const sigma = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const row = vectors.subarray(i * dim, (i + 1) * dim);
      sigma[i] = Math.max(...row.map(Math.abs)) / 127;
      for (let j = 0; j < dim; j++) codes[i * dim + j] = Math.round(row[j]! / sigma[i]!);
    }
    const q = randomVectors(1, dim, 6).map((x, _, all) => x / Math.hypot(...all));
    const q2 = transformQuery(w, q);
    const scales = tunedScales(w, codes, n, dim);
    for (let i = 0; i < n; i++) {
      const codeRow = codes.subarray(i * dim, (i + 1) * dim);
      const e = Float32Array.from(codeRow, (c) => c * sigma[i]!);
      expect(dot(q2, codeRow) * scales[i]!).toBeCloseTo(dot(q, tunedEmbedding(w, e)), 5);
    }
  });

  it('is the identity when B is zero', () => {
    const [n, dim] = [9, 16];
    const w = randomAdapter(dim, 2, 7);
    w.b.fill(0);
    const vectors = randomVectors(n, dim, 8);
    const q = randomVectors(1, dim, 9);
    expect(Array.from(transformQuery(w, q))).toEqual(Array.from(q));
    const scales = tunedScales(w, vectors, n, dim);
    for (let i = 0; i < n; i++) {
      const e = vectors.subarray(i * dim, (i + 1) * dim);
      expect(scales[i]!).toBeCloseTo(1 / Math.hypot(...e), 6);
      const tuned = tunedEmbedding(w, e);
      e.forEach((x, j) => expect(tuned[j]!).toBeCloseTo(x / Math.hypot(...e), 6));
    }
  });

  it('gives a zero vector a zero scale and refuses mismatched shapes', () => {
    const w = randomAdapter(8, 2, 10);
    expect(tunedScales(w, new Float32Array(16), 2, 8)[1]).toBe(0);
    expect(() => tunedScales(w, new Float32Array(18), 2, 9)).toThrow(/8-dim/);
    expect(() => tunedScales(w, new Float32Array(8), 2, 8)).toThrow(/Expected 2×8/);
  });
});

describe('adapter file', () => {
  it('round-trips weights and summary', () => {
    const w = randomAdapter(24, 3, 11);
    const decoded = decodeAdapter(encodeAdapter(w, summary));
    expect(decoded.weights).toEqual(w);
    expect(decoded.summary).toEqual(summary);
    // An ArrayBuffer, and a view at an offset into a larger buffer, decode the same.
    const bytes = encodeAdapter(w, summary);
    const padded = new Uint8Array(bytes.length + 5);
    padded.set(bytes, 5);
    expect(decodeAdapter(padded.subarray(5)).weights).toEqual(w);
    expect(decodeAdapter(bytes.slice().buffer).weights).toEqual(w);
  });

  it('refuses corrupt, truncated, foreign and future files with a reason', () => {
    const w = randomAdapter(24, 3, 12);
    const good = encodeAdapter(w, summary);
    const flipped = good.slice();
    flipped[good.length - 40]! ^= 0x10;
    expect(() => decodeAdapter(flipped)).toThrow(/checksum/);
    expect(() => decodeAdapter(good.subarray(0, good.length - 4))).toThrow(/truncated/);
    expect(() => decodeAdapter(good.subarray(0, 30))).toThrow(/truncated/);
    expect(() => decodeAdapter(new Uint8Array(3))).toThrow(/truncated/);
    const trailing = new Uint8Array(good.length + 4);
    trailing.set(good);
    expect(() => decodeAdapter(trailing)).toThrow(/trailing/);
    const json = new TextEncoder().encode(JSON.stringify({ dim: 24, rank: 3, weights: [] }));
    expect(() => decodeAdapter(json)).toThrow(/magic/);
    const future = good.slice();
    future[4] = 2;
    expect(() => decodeAdapter(future)).toThrow(/version 2/);
  });

  it('refuses well-formed files with bad content', () => {
    const w = randomAdapter(8, 2, 13);
    const nan = { ...w, a: w.a.map((x, i) => (i === 3 ? NaN : x)) };
    expect(() =>
      decodeAdapter(encodeAdapter(nan, { ...summary, settings: { ...summary.settings, rank: 2 } })),
    ).toThrow(/NaN/);
    expect(() => decodeAdapter(encodeAdapter(w, summary))).toThrow(/rank/);
    const noSummary = { ...summary, trainLoss: 'low' } as unknown as TrainSummary;
    expect(() =>
      decodeAdapter(encodeAdapter(w, { ...noSummary, settings: { ...summary.settings, rank: 2 } })),
    ).toThrow(/trainLoss/);
    expect(() => encodeAdapter({ ...w, rank: 3 }, summary)).toThrow(/rank and dim/);
  });

  it('carries a taste head, and refuses one that does not fit the weights', () => {
    const w = randomAdapter(24, 3, 11);
    const head = {
      w: Array.from({ length: 24 }, (_, j) => (j - 12) / 100),
      lambda: 0.01,
      l2: 1,
      pairs: 9,
    };
    const decoded = decodeAdapter(encodeAdapter(w, { ...summary, head }));
    expect(decoded.summary.head).toEqual(head);
    expect(() =>
      decodeAdapter(encodeAdapter(w, { ...summary, head: { ...head, w: head.w.slice(1) } })),
    ).toThrow(/head direction differs/);
    const bad = { ...head, w: [...head.w.slice(1), 'x'] } as unknown as typeof head;
    expect(() => decodeAdapter(encodeAdapter(w, { ...summary, head: bad }))).toThrow(/head/);
  });

  it('keeps identity adapters an identity through the file', () => {
    const w = identityAdapter('clip-test@1', 6, 3);
    const decoded = decodeAdapter(encodeAdapter(w, summary)).weights;
    expect(Array.from(transformQuery(decoded, [1, 2, 3, 4, 5, 6]))).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
