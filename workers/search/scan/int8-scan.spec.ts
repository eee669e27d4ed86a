import { describe, expect, it } from 'vitest';
import { quantizeBatch, queryLevels } from '../../../src/core/int8-codec';
import { Int8Scan, type ScanResult } from './int8-scan';
import { referenceScan } from './scan-reference';
import { mulberry32 } from '../../tuning/random';

const padded = (dim: number) => Math.ceil(dim / 16) * 16;

function randomCodes(rand: () => number, length: number, lo = -128, hi = 127) {
  return Int8Array.from({ length }, () => lo + Math.floor(rand() * (hi - lo + 1)));
}

function randomScales(rand: () => number, n: number) {
  return Float32Array.from({ length: n }, () => 0.001 + rand() * 0.01);
}

function randomQuery(rand: () => number, dim: number) {
  return Float32Array.from({ length: dim }, () => rand() - 0.5);
}

function expectSame(got: ScanResult, want: ScanResult) {
  expect([...got.indices]).toEqual([...want.indices]);
  expect([...got.scores]).toEqual([...want.scores]);
  expect(got.mean).toBe(want.mean);
}

function check(
  scan: Int8Scan,
  vectors: Int8Array,
  scales: Float32Array,
  query: Float32Array,
  k: number,
  exclude = -1,
) {
  const n = scales.length;
  const got = scan.search(query, k, exclude >= 0 ? { exclude } : {});
  const levels = queryLevels(padded(scan.dim));
  expectSame(got, referenceScan(vectors, scales, n, scan.dim, query, k, levels, exclude));
  return got;
}

describe('Int8Scan kernel against the scalar reference', () => {
  it('agrees bit for bit on random data across dims, lengths and k', () => {
    const rand = mulberry32(11);
    for (const dim of [1, 7, 16, 17, 33, 100, 512]) {
      for (const n of [1, 5, 64, 333]) {
        const vectors = randomCodes(rand, n * dim);
        const scales = randomScales(rand, n);
        const scan = new Int8Scan(dim, { warmUp: false });
        scan.load(vectors, scales);
        for (const k of [1, 3, 10, n + 5]) check(scan, vectors, scales, randomQuery(rand, dim), k);
      }
    }
  });

  it('does not overflow on ±127/−128 extremes at the largest query codes', () => {
    for (const dim of [512, 1000]) {
      const n = 6;
      const vectors = new Int8Array(n * dim);
      vectors.fill(-128, 0, dim);
      vectors.fill(127, dim, 2 * dim);
      for (let j = 0; j < dim; j++) vectors[2 * dim + j] = j % 2 ? 127 : -128;
      vectors.fill(-127, 3 * dim, 4 * dim);
      const scales = new Float32Array(n).fill(1);
      const scan = new Int8Scan(dim, { warmUp: false });
      scan.load(vectors, scales);
      const query = new Float32Array(dim).fill(-1);
      const got = check(scan, vectors, scales, query, n);
      expect(got.indices[0]).toBe(0);
      // -128 · -1 summed over the row: exact, not wrapped to a negative i32
      expect(got.scores[0]! / dim).toBeCloseTo(128, 3);
      expect(got.scores[n - 1]! / dim).toBeCloseTo(-127, 3);
    }
  });

  it('scans only a list of rows when given one, as if the library held just those', () => {
    const rand = mulberry32(21);
    for (const dim of [16, 33, 512]) {
      const n = 400;
      const vectors = randomCodes(rand, n * dim);
      const scales = randomScales(rand, n);
      const scan = new Int8Scan(dim, { warmUp: false });
      scan.load(vectors, scales);
      const rows = Uint32Array.from({ length: n }, (_, i) => i).filter(() => rand() < 0.3);
      const subCodes = new Int8Array(rows.length * dim);
      rows.forEach((row, i) => subCodes.set(vectors.subarray(row * dim, (row + 1) * dim), i * dim));
      const subScales = Float32Array.from(rows, (row) => scales[row]!);
      const query = randomQuery(rand, dim);
      for (const [k, excludeAt] of [
        [10, -1],
        [7, 3],
        [rows.length + 2, 0],
      ] as const) {
        const exclude = excludeAt >= 0 ? rows[excludeAt]! : -1;
        const got = scan.search(query, k, { rows, exclude });
        const levels = queryLevels(padded(dim));
        const want = referenceScan(
          subCodes,
          subScales,
          rows.length,
          dim,
          query,
          k,
          levels,
          excludeAt,
        );
        expect([...got.indices]).toEqual([...want.indices].map((i) => rows[i]!));
        expect([...got.scores]).toEqual([...want.scores]);
        expect(got.mean).toBe(want.mean);
      }
      // Whole scans afterwards are unaffected.
      check(scan, vectors, scales, query, 10);
    }
  });

  it('handles zero rows, a zero query and k = 0', () => {
    const dim = 24;
    const rand = mulberry32(5);
    const vectors = randomCodes(rand, 10 * dim);
    vectors.fill(0, 3 * dim, 5 * dim);
    const scales = randomScales(rand, 10);
    scales[7] = 0;
    const scan = new Int8Scan(dim, { warmUp: false });
    scan.load(vectors, scales);
    const zero = check(scan, vectors, scales, new Float32Array(dim), 4);
    expect([...zero.indices]).toEqual([0, 1, 2, 3]);
    expect([...zero.scores]).toEqual([0, 0, 0, 0]);
    expect(zero.mean).toBe(0);
    const none = check(scan, vectors, scales, randomQuery(rand, dim), 0);
    expect(none.indices.length).toBe(0);
    expect(none.mean).not.toBe(0);
    const mixed = check(scan, vectors, scales, randomQuery(rand, dim), 10);
    expect(mixed.indices.length).toBe(10);
  });

  it('orders ties by row, keeping the earliest rows when ties straddle the cut', () => {
    const rand = mulberry32(9);
    const dim = 16;
    const n = 2000;
    // codes in {-1, 0, 1} and equal scales: only a few distinct scores, many ties
    const vectors = randomCodes(rand, n * dim, -1, 1);
    const scales = new Float32Array(n).fill(0.5);
    const scan = new Int8Scan(dim, { warmUp: false });
    scan.load(vectors, scales);
    for (const k of [1, 37, 100, 999]) {
      const got = check(scan, vectors, scales, new Float32Array(dim).fill(1), k);
      for (let i = 1; i < got.indices.length; i++) {
        const tied = got.scores[i] === got.scores[i - 1];
        expect(got.scores[i]! <= got.scores[i - 1]!).toBe(true);
        if (tied) expect(got.indices[i]!).toBeGreaterThan(got.indices[i - 1]!);
      }
    }
  });

  it('excludes one row from the hits and from the mean', () => {
    const rand = mulberry32(3);
    const dim = 40;
    const n = 50;
    const vectors = randomCodes(rand, n * dim);
    const scales = randomScales(rand, n);
    const scan = new Int8Scan(dim, { warmUp: false });
    scan.load(vectors, scales);
    const query = randomQuery(rand, dim);
    const full = scan.search(query, n);
    const best = full.indices[0]!;
    const without = check(scan, vectors, scales, query, n, best);
    expect(without.indices.length).toBe(n - 1);
    expect([...without.indices]).not.toContain(best);
    const expectedMean = (full.mean * n - full.scores[0]!) / (n - 1);
    expect(without.mean).toBeCloseTo(expectedMean, 6);
    // an out-of-range exclude leaves everything in
    expectSame(scan.search(query, 5, { exclude: n + 3 }), scan.search(query, 5));
  });

  it('appends across capacity growth and matches a single load', () => {
    const rand = mulberry32(21);
    const dim = 33;
    const sizes = [3, 250, 1, 600, 77];
    const total = sizes.reduce((a, b) => a + b, 0);
    const vectors = randomCodes(rand, total * dim);
    const scales = randomScales(rand, total);
    const scan = new Int8Scan(dim, { capacity: 4, warmUp: false });
    let at = 0;
    for (const size of sizes) {
      scan.append(vectors.subarray(at * dim, (at + size) * dim), scales.subarray(at, at + size));
      at += size;
      expect(scan.size).toBe(at);
      check(
        scan,
        vectors.subarray(0, at * dim),
        scales.subarray(0, at),
        randomQuery(rand, dim),
        15,
      );
    }
    // load replaces rather than appends
    scan.load(vectors.subarray(0, 10 * dim), scales.subarray(0, 10));
    expect(scan.size).toBe(10);
    check(scan, vectors.subarray(0, 10 * dim), scales.subarray(0, 10), randomQuery(rand, dim), 20);
  });

  it('returns an empty result on an empty index, and warms up without keeping rows', () => {
    const scan = new Int8Scan(512);
    expect(scan.size).toBe(0);
    const r = scan.search(new Float32Array(512).fill(1), 10);
    expect(r.indices.length).toBe(0);
    expect(r.mean).toBe(0);
    expect(() => scan.search(new Float32Array(3), 1)).toThrow(RangeError);
  });

  it('ranks float vectors like an exact float scan, scores within quantisation error', () => {
    const rand = mulberry32(8);
    const dim = 64;
    const n = 400;
    const floats = Float32Array.from({ length: n * dim }, () => rand() - 0.5);
    const { codes, scales } = quantizeBatch(floats, dim);
    const scan = new Int8Scan(dim, { warmUp: false });
    scan.load(codes, scales);
    const query = randomQuery(rand, dim);
    const got = scan.search(query, n);
    let meanExact = 0;
    for (let i = 0; i < n; i++) {
      const row = got.indices[i]!;
      let exact = 0;
      for (let j = 0; j < dim; j++) exact += floats[row * dim + j]! * query[j]!;
      meanExact += exact / n;
      // each component is off by at most half a step (scale/2); |q| sums to under dim/2
      expect(Math.abs(got.scores[i]! - exact)).toBeLessThan((scales[row]! / 2) * (dim / 2) + 1e-4);
    }
    expect(got.mean).toBeCloseTo(meanExact, 2);
  });
});
