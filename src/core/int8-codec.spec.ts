import { describe, expect, it } from 'vitest';
import {
  alignScales,
  compactBatch,
  decodeRow,
  dequantize,
  fineBytes,
  quantize,
  quantizeBatch,
  queryLevels,
  quantizeQuery,
  refineBatch,
  refinedDot,
} from './int8-codec';
import { mulberry32 } from '../../workers/tuning/random';

const random = (seed: number) => {
  const u = mulberry32(seed);
  return () => u() - 0.5;
};

const vectorOf = (rand: () => number, dim: number, spread = 1) =>
  Float32Array.from({ length: dim }, () => rand() * spread);

describe('int8 codec', () => {
  it('round-trips within half a step per component, the largest one exactly to ±127', () => {
    const rand = random(1);
    for (const [dim, spread] of [
      [512, 0.1],
      [7, 1000],
      [33, 1e-6],
    ] as const) {
      const x = vectorOf(rand, dim, spread);
      const { codes, scale } = quantize(x);
      const maxAbs = Math.max(...x.map(Math.abs));
      expect(scale).toBeCloseTo(maxAbs / 127, 6);
      const back = dequantize(codes, scale);
      for (let j = 0; j < dim; j++) {
        expect(Math.abs(back[j]! - x[j]!)).toBeLessThanOrEqual(scale * 0.5 * (1 + 1e-5));
        expect(Math.abs(codes[j]!)).toBeLessThanOrEqual(127);
      }
      const argmax = x.findIndex((v) => Math.abs(v) === maxAbs);
      expect(Math.abs(codes[argmax]!)).toBe(127);
    }
  });

  it('keeps a 512-d unit vector at cosine > 0.9999 with itself', () => {
    const x = vectorOf(random(2), 512);
    const norm = Math.hypot(...x);
    const { codes, scale } = quantize(x.map((v) => v / norm));
    const back = dequantize(codes, scale);
    const dot = back.reduce((s, v, j) => s + (v * x[j]!) / norm, 0);
    expect(dot / Math.hypot(...back)).toBeGreaterThan(0.9999);
  });

  it('maps a zero vector to scale 0 and zero codes', () => {
    const { codes, scale } = quantize(new Float32Array(16));
    expect(scale).toBe(0);
    expect([...codes].every((c) => c === 0)).toBe(true);
    expect([...dequantize(codes, scale)].every((v) => v === 0)).toBe(true);
  });

  it('quantises a batch row by row, each row with its own scale', () => {
    const rand = random(3);
    const dim = 19;
    const rows = [vectorOf(rand, dim, 1), new Float32Array(dim), vectorOf(rand, dim, 50)];
    const flat = new Float32Array(rows.flatMap((r) => [...r]));
    const batch = quantizeBatch(flat, dim);
    expect(batch.n).toBe(3);
    rows.forEach((r, i) => {
      const single = quantize(r);
      expect(batch.scales[i]).toBe(single.scale);
      expect([...batch.codes.subarray(i * dim, (i + 1) * dim)]).toEqual([...single.codes]);
    });
    expect(batch.scales[2]! / batch.scales[0]!).toBeGreaterThan(10);
    expect(() => quantizeBatch(new Float32Array(10), 3)).toThrow(RangeError);
  });

  it('chooses query levels that keep an int8 × int16 dot product inside i32', () => {
    for (const dim of [16, 512, 768, 1024, 4096]) {
      const levels = queryLevels(dim);
      expect(128 * levels * dim).toBeLessThan(2 ** 31);
      expect(128 * (levels + 1) * dim >= 2 ** 31 || levels === 32767).toBe(true);
    }
  });

  it('quantises a query to int16 and zeroes the padding', () => {
    const x = vectorOf(random(4), 20);
    const out = new Int16Array(32).fill(9);
    const { codes, scale } = quantizeQuery(x, out, 1000);
    expect(codes).toBe(out);
    expect(Math.max(...[...codes].map(Math.abs))).toBe(1000);
    expect([...codes.subarray(20)].every((c) => c === 0)).toBe(true);
    for (let j = 0; j < 20; j++) {
      expect(Math.abs(codes[j]! * scale - x[j]!)).toBeLessThanOrEqual(scale * 0.5 * (1 + 1e-5));
    }
  });
});

describe('2-bit refinement', () => {
  const rows = (seed: number, n: number, dim: number) => {
    const rand = random(seed);
    return Float32Array.from({ length: n * dim }, () => rand());
  };

  it('decodes every component within an eighth of a step, also for odd sizes and zero rows', () => {
    for (const dim of [512, 7, 33]) {
      const n = 5;
      const x = rows(dim, n, dim);
      x.fill(0, 2 * dim, 3 * dim); // a zero row
      const { codes, scales } = quantizeBatch(x, dim);
      const fine = refineBatch(x, codes, scales, n, dim);
      expect(fine.length).toBe(n * fineBytes(dim));
      let fineErr = 0;
      let plainErr = 0;
      for (let i = 0; i < n; i++) {
        const back = decodeRow(codes, fine, scales, i, dim);
        const plain = decodeRow(codes, undefined, scales, i, dim);
        for (let j = 0; j < dim; j++) {
          const want = x[i * dim + j]!;
          expect(Math.abs(back[j]! - want)).toBeLessThanOrEqual(scales[i]! / 8 + 1e-7);
          fineErr += (back[j]! - want) ** 2;
          plainErr += (plain[j]! - want) ** 2;
        }
        if (i === 2) expect(Array.from(back)).toEqual(new Array(dim).fill(0));
      }
      // A quarter step is about four times finer than int8 alone: ~16× less squared error.
      expect(fineErr).toBeLessThan(plainErr / 6);
    }
  });

  it('scores a row exactly as its decoded floats do, before the row scale', () => {
    const dim = 37;
    const x = rows(9, 3, dim);
    const { codes, scales } = quantizeBatch(x, dim);
    const fine = refineBatch(x, codes, scales, 3, dim);
    const q = rows(10, 1, dim);
    for (let i = 0; i < 3; i++) {
      const back = decodeRow(codes, fine, scales, i, dim);
      const dot = back.reduce((s, v, j) => s + v * q[j]!, 0);
      expect(refinedDot(codes, fine, i, dim, q) * scales[i]!).toBeCloseTo(dot, 5);
    }
  });
});

describe('aligned scales', () => {
  /** Unit rows in clusters whose members meet at cosine ≈ 0.8, as photos of one subject do. */
  const clustered = (seed: number, n: number, dim: number, clusters: number) => {
    const rand = random(seed);
    const unit = (v: Float32Array) => {
      const norm = Math.hypot(...v);
      return v.map((x) => x / norm);
    };
    const centres = Array.from({ length: clusters }, () => unit(vectorOf(rand, dim)));
    const near = (c: Float32Array, spread: number) =>
      unit(c.map((x) => x + spread * rand() * Math.sqrt(12 / dim)));
    const x = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) x.set(near(centres[i % clusters]!, 0.5), i * dim);
    const queries = Array.from({ length: 20 }, (_, i) => near(centres[i % clusters]!, 0.4));
    return { x, queries };
  };
  const dot = (a: ArrayLike<number>, b: ArrayLike<number>, offset = 0) => {
    let s = 0;
    for (let j = 0; j < a.length; j++) s += a[j]! * b[offset + j]!;
    return s;
  };

  it("decodes each row with the original's own projection on it, codes unchanged", () => {
    const dim = 100;
    const { x } = clustered(3, 8, dim, 2);
    const { codes, scales, n } = quantizeBatch(x, dim);
    const fine = refineBatch(x, codes, scales, n, dim);
    const before = Float32Array.from(scales);
    alignScales(x, codes, fine, scales, n, dim);
    for (let i = 0; i < n; i++) {
      const back = decodeRow(codes, fine, scales, i, dim);
      const self = dot(x.subarray(i * dim, (i + 1) * dim), x, i * dim);
      expect(dot(back, x, i * dim)).toBeCloseTo(self, 6);
      // A small move: the codes were rounded with the max-abs scale.
      expect(Math.abs(scales[i]! / before[i]! - 1)).toBeLessThan(0.01);
    }
    expect(compactBatch(x, dim).codes).toEqual(codes);
  });

  it('leaves a zero row and a row with non-finite values decodable', () => {
    const dim = 16;
    const x = new Float32Array(3 * dim).fill(0.25);
    x.fill(0, dim, 2 * dim);
    x[2 * dim] = NaN;
    const { codes, scales, fine } = compactBatch(x, dim);
    expect(scales[1]).toBe(0);
    expect(Array.from(decodeRow(codes, fine, scales, 1, dim))).toEqual(new Array(dim).fill(0));
    for (const s of scales) expect(Number.isFinite(s)).toBe(true);
    expect(decodeRow(codes, fine, scales, 2, dim)[1]).toBeCloseTo(0.25, 2);
  });

  it('scores queries near a photo with less error than the max-abs scale', () => {
    const dim = 512;
    const { x, queries } = clustered(4, 200, dim, 10);
    const { codes, scales, n } = quantizeBatch(x, dim);
    const fine = refineBatch(x, codes, scales, n, dim);
    const aligned = Float32Array.from(scales);
    alignScales(x, codes, fine, aligned, n, dim);
    let plainErr = 0;
    let alignedErr = 0;
    for (const q of queries) {
      for (let i = 0; i < n; i++) {
        const exact = dot(q, x, i * dim);
        if (exact < 0.5) continue; // only photos that compete for the query's top results
        const d = refinedDot(codes, fine, i, dim, q);
        plainErr += (d * scales[i]! - exact) ** 2;
        alignedErr += (d * aligned[i]! - exact) ** 2;
      }
    }
    expect(plainErr).toBeGreaterThan(0);
    // The error along the photo is (q·x)² ≈ 0.6 of the whole here: at least half goes.
    expect(alignedErr).toBeLessThan(plainErr / 2);
  });
});
