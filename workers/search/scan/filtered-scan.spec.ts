import { describe, expect, it } from 'vitest';
import { refinedDot } from '../../../src/core/int8-codec';
import { concatCompact } from '../../../src/core/store/embedding-store';
import { gaussian, mulberry32 } from '../../tuning/random';
import { LibraryScan } from './library-scan';

const DIM = 512;
const normal = gaussian(mulberry32(11));
const unit = (v: Float32Array) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

/** Clustered like CLIP's photos: the hard case, where near neighbours differ by little. */
function library(n: number, clusters: number) {
  const centres = Array.from({ length: clusters }, () =>
    unit(Float32Array.from({ length: DIM }, normal)),
  );
  const near = (c: Float32Array, v: number) =>
    unit(c.map((x) => x + Math.sqrt(v / DIM) * normal()));
  const vectors = new Float32Array(n * DIM);
  for (let i = 0; i < n; i++) vectors.set(near(centres[i % clusters]!, 0.25), i * DIM);
  const ids = Uint32Array.from({ length: n }, (_, i) => 500 + i);
  const matrix = concatCompact('m@1', DIM, [{ model: 'm@1', dim: DIM, ids, vectors }]);
  const queries = Array.from({ length: 12 }, (_, q) => near(centres[(q * 7) % clusters]!, 0.15));
  return { matrix, queries };
}

/** Every kept row scored with the refinement, best first: the answer a filter must give. */
function bruteForce(scan: LibraryScan, q: Float32Array, rows: Uint32Array, k: number) {
  const { codes, fine, scales, ids, dim } = scan.matrix;
  return Array.from(rows, (row) => ({
    id: ids[row]!,
    score: refinedDot(codes, fine, row, dim, q) * scales[row]!,
  }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k)
    .map((h) => h.id);
}

/** Every `step`-th row, offset so the kept rows are not one cluster. */
const every = (n: number, step: number) =>
  Uint32Array.from({ length: Math.floor(n / step) }, (_, i) => i * step + 3);

describe('a filter applied before candidates are chosen', () => {
  // Big enough that the prefilter's 4,096 candidates are under a quarter of the library, so a
  // filter keeping many rows goes through the narrowed prefilter rather than a whole scan.
  const n = 20_000;
  const { matrix, queries } = library(n, 200);
  // Prefilter forced on at any size (as at 100k in the app), and the plain-JS path.
  const scans = {
    prefiltered: new LibraryScan(matrix, undefined, true, 0),
    whole: new LibraryScan(matrix),
    'plain JS': new LibraryScan(matrix, undefined, false),
  };

  for (const [name, scan] of Object.entries(scans)) {
    it(`${name}: 1% kept gives the true top 10 of the kept rows, every one of them kept`, () => {
      const rows = every(n, 100);
      const kept = new Set(Array.from(rows, (r) => scan.matrix.ids[r]));
      for (const q of queries) {
        const got = scan.search(q, 10, undefined, -1, rows).hits.map((h) => h.id);
        expect(got).toHaveLength(10);
        expect(got.every((id) => kept.has(id))).toBe(true);
        expect(got).toEqual(bruteForce(scan, q, rows, 10));
      }
    });
  }

  it('a filter keeping most rows narrows the prefilter itself: still the kept top 10', () => {
    const scan = scans.prefiltered;
    const rows = Uint32Array.from({ length: n }, (_, i) => i).filter((r) => r % 3 !== 0);
    let agree = 0;
    for (const q of queries) {
      const got = scan.search(q, 10, undefined, -1, rows).hits.map((h) => h.id);
      expect(got.every((id) => (id - 500) % 3 !== 0)).toBe(true);
      const want = new Set(bruteForce(scan, q, rows, 10));
      agree += got.filter((id) => want.has(id)).length;
    }
    expect(agree / (10 * queries.length)).toBeGreaterThanOrEqual(0.99);
  });

  it('the mean and the best similarity stay the whole library’s, whatever the filter keeps', () => {
    for (const scan of Object.values(scans)) {
      const q = queries[0]!;
      const all = scan.search(q, 10);
      const filtered = scan.search(q, 10, undefined, -1, every(n, 100));
      expect(filtered.mean).toBeCloseTo(all.mean, 5);
      expect(filtered.best).toBeCloseTo(all.hits[0]!.score, 6);
      expect(filtered.hits[0]!.score).toBeLessThanOrEqual(filtered.best!);
    }
  });

  it('leaves out the excluded photo ("more like this") inside a filter', () => {
    const rows = every(n, 50);
    const scan = scans.prefiltered;
    const { codes, scales, dim } = scan.matrix;
    const own = rows[4]!;
    const q = unit(
      Float32Array.from({ length: dim }, (_, j) => codes[own * dim + j]! * scales[own]!),
    );
    const got = scan.search(q, 5, undefined, own, rows).hits.map((h) => h.id);
    expect(got).not.toContain(scan.matrix.ids[own]);
    expect(got).toHaveLength(5);
  });

  it('a filter that keeps nothing finds nothing', () => {
    const res = scans.whole.search(queries[0]!, 10, undefined, -1, new Uint32Array(0));
    expect(res.hits).toEqual([]);
  });
});
