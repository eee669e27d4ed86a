import { describe, expect, it } from 'vitest';
import {
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
