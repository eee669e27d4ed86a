import { describe, expect, it } from 'vitest';
import { concatCompact } from '../../../src/core/store/embedding-store';
import { gaussian, mulberry32 } from '../../tuning/random';
import { topK } from '../top-k';
import { LibraryScan } from './library-scan';

const DIM = 512;
const normal = gaussian(mulberry32(7));

/** Byte-equal (expect's deep equality walks millions of elements slowly). */
const same = (a: Int8Array, b: Int8Array) =>
  a.length === b.length &&
  Buffer.from(a.buffer, a.byteOffset, a.length).equals(
    Buffer.from(b.buffer, b.byteOffset, b.length),
  );

function unit(v: Float32Array): Float32Array {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/**
 * CLIP-like: clusters on the sphere whose members meet at cosine ≈ 0.8, queries near a centre.
 * Neighbours there differ by less than int8 rounding moves a score, the hard case for recall.
 */
function clustered(n: number, clusters: number) {
  const centres = Array.from({ length: clusters }, () =>
    unit(Float32Array.from({ length: DIM }, normal)),
  );
  const near = (c: Float32Array, sigma: number) => unit(c.map((x) => x + sigma * normal()));
  const vectors = new Float32Array(n * DIM);
  for (let i = 0; i < n; i++)
    vectors.set(near(centres[i % clusters]!, Math.sqrt(0.25 / DIM)), i * DIM);
  const queries = Array.from({ length: 40 }, (_, q) =>
    near(centres[(q * 37) % clusters]!, Math.sqrt(0.15 / DIM)),
  );
  const ids = Uint32Array.from({ length: n }, (_, i) => 1000 + i);
  return { vectors, queries, ids };
}

describe('library scan (int8 SIMD + refined re-scoring)', () => {
  const n = 12_000;
  const { vectors, queries, ids } = clustered(n, 120);
  const matrix = concatCompact('m@1', DIM, [{ model: 'm@1', dim: DIM, ids, vectors }]);

  const recall = (scan: LibraryScan, k: number, oversample?: number) => {
    let hits = 0;
    for (const q of queries) {
      const exact = new Set(topK(vectors, DIM, ids, q, k).map((h) => h.id));
      const got = oversample === undefined ? scan.search(q, k).hits : plainInt8(scan, q, k);
      hits += got.filter((h) => exact.has(h.id)).length;
    }
    return hits / (queries.length * k);
  };
  /** The int8 pass alone: what recall would be without the refinement. */
  const plainInt8 = (scan: LibraryScan, q: Float32Array, k: number) => {
    const scores = Array.from({ length: n }, (_, row) => {
      let s = 0;
      for (let j = 0; j < DIM; j++) s += matrix.codes[row * DIM + j]! * q[j]!;
      return { id: ids[row]!, score: s * matrix.scales[row]! };
    });
    return scores.sort((a, b) => b.score - a.score).slice(0, k);
  };

  it('finds the exact float top 10 (recall ≥ 0.99), where int8 alone misses more', () => {
    const scan = new LibraryScan(matrix);
    const refined = recall(scan, 10);
    const int8Only = recall(scan, 10, 1);
    console.log(
      `recall@10 ${refined.toFixed(4)} refined, ${int8Only.toFixed(4)} int8 alone (${n} clustered 512-d vectors)`,
    );
    expect(refined).toBeGreaterThanOrEqual(0.99);
    expect(int8Only).toBeLessThan(refined);
  });

  it('with the sign prefilter: the same recall, mean and exclusion as the whole scan', () => {
    const whole = new LibraryScan(matrix);
    const narrowed = new LibraryScan(matrix, undefined, true, 0);
    // The prefilter hands over 4,096 of 12,000 rows; a search for 2,000 or more scans all.
    expect(recall(narrowed, 10)).toBeGreaterThanOrEqual(0.99);
    for (const q of queries.slice(0, 8)) {
      const a = whole.search(q, 10);
      const b = narrowed.search(q, 10);
      expect(b.mean).toBeCloseTo(a.mean, 6);
      expect(b.hits.map((h) => h.id)).toEqual(a.hits.map((h) => h.id));
      const first = narrowed.rowOf(b.hits[0]!.id);
      const without = narrowed.search(q, 10, undefined, first);
      expect(without.hits.map((h) => h.id)).toEqual(
        b.hits
          .slice(1)
          .map((h) => h.id)
          .concat(without.hits[9]!.id),
      );
      expect(without.mean).toBeCloseTo(whole.search(q, 10, undefined, first).mean, 6);
    }
    // Another multiplier array (a tuned adapter's) gets its own mean.
    const halved = matrix.scales.map((s) => s / 2);
    const q = queries[3]!;
    expect(narrowed.search(q, 5, halved).mean).toBeCloseTo(whole.search(q, 5).mean / 2, 6);
    expect(narrowed.search(q, 2500).hits).toHaveLength(2500);
  });

  it('gives the same hits and mean without WebAssembly SIMD', () => {
    const simd = new LibraryScan(matrix);
    const plain = new LibraryScan(matrix, undefined, false);
    for (const q of queries.slice(0, 5)) {
      const a = simd.search(q, 20, undefined, 3);
      const b = plain.search(q, 20, undefined, 3);
      expect(b.hits.map((h) => h.id)).toEqual(a.hits.map((h) => h.id));
      expect(b.mean).toBeCloseTo(a.mean, 5);
    }
  });

  it('leaves out one photo for "more like this", and takes other multipliers per row', () => {
    const scan = new LibraryScan(matrix);
    const q = queries[0]!;
    const top = scan.search(q, 5).hits;
    const row = scan.rowOf(top[0]!.id);
    const without = scan.search(q, 5, undefined, row).hits;
    expect(without.map((h) => h.id)).toEqual(
      top
        .slice(1)
        .map((h) => h.id)
        .concat(without[4]!.id),
    );
    expect(without.some((h) => h.id === top[0]!.id)).toBe(false);
    // Multipliers that silence every row but one (the fifth best) put that row first.
    const target = scan.rowOf(top[4]!.id);
    const multipliers = new Float32Array(n);
    multipliers[target] = matrix.scales[target]!;
    const silenced = scan.search(q, 3, multipliers).hits;
    expect(silenced[0]!.id).toBe(top[4]!.id);
    expect(silenced[0]!.score).toBeCloseTo(top[4]!.score, 6);
    // And the base scales come back afterwards.
    expect(scan.search(q, 5).hits.map((h) => h.id)).toEqual(top.map((h) => h.id));
  });

  it('keeps one copy of the codes (in the kernel) and stays right when a big k grows memory', () => {
    const simd = new LibraryScan(matrix);
    const plain = new LibraryScan(matrix, undefined, false);
    // The shared view holds exactly the stored codes.
    expect(simd.matrix.codes === matrix.codes).toBe(false);
    expect(same(simd.matrix.codes, matrix.codes)).toBe(true);
    const q = queries[1]!;
    // 1,100 × 4 candidates: more than the heap room reserved with the rows (4,096).
    const a = simd.search(q, 1100).hits;
    const b = plain.search(q, 1100).hits;
    expect(a.every((h) => Number.isFinite(h.score))).toBe(true);
    expect(a.slice(0, 100).map((h) => h.id)).toEqual(b.slice(0, 100).map((h) => h.id));
    expect(same(simd.matrix.codes, matrix.codes)).toBe(true);
  });

  it('a scan loaded into an earlier one reads its own library', () => {
    const first = new LibraryScan(matrix);
    const half = concatCompact('m@1', DIM, [
      {
        model: 'm@1',
        dim: DIM,
        ids: ids.subarray(0, n / 2),
        vectors: vectors.subarray(0, (n / 2) * DIM),
      },
    ]);
    const second = new LibraryScan(half, first);
    expect(second.size).toBe(n / 2);
    expect(same(second.matrix.codes, half.codes)).toBe(true);
    const hits = second.search(queries[2]!, 10).hits;
    expect(hits.every((h) => h.id < 1000 + n / 2)).toBe(true);
  });
});
