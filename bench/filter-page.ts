// Filtered search at library scale, inside Chromium (driven by bench/filter-bench.mjs): the
// search worker's scan with a filter that keeps 10% and 1% of the photos, against the same
// search unfiltered, on the same library in the same page.
import { compactBatch, fineBytes, refinedDot } from '../src/core/int8-codec';
import type { CompactMatrix } from '../src/core/store/embedding-store';
import { NO_OFFSET } from '../src/core/store/db';
import { MetaColumns } from '../workers/search/meta-columns';
import { LibraryScan } from '../workers/search/scan/library-scan';
import { gaussian, mulberry32 } from '../workers/tuning/random';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const YEAR = 365.25 * 86_400_000;

/**
 * n photos of `dim` values in ~1,000 clusters (as the scan bench), taken at random over ten
 * years; filters by time range keep `kept` of them. For each share: the median of `reps`
 * searches for top `k`, the filter's row list computed once (as the worker keeps it for the
 * next words), the first search's time with that list computed, and whether the top 10
 * equals a brute-force pass over the kept rows.
 */
export function benchFilteredScan(n: number, dim: number, k: number, reps: number) {
  const normal = gaussian(mulberry32(42));
  const random = mulberry32(7);
  const clusters = Math.min(1000, Math.max(10, Math.round(n / 100)));
  const unit = (v: Float32Array) => {
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  };
  const centres = Array.from({ length: clusters }, () =>
    unit(Float32Array.from({ length: dim }, normal)),
  );
  const near = (c: Float32Array, variance: number) =>
    unit(c.map((x) => x + Math.sqrt(variance / dim) * normal()));
  const ids = Uint32Array.from({ length: n }, (_, i) => i + 1);
  const codes = new Int8Array(n * dim);
  const scales = new Float32Array(n);
  const fine = new Uint8Array(n * fineBytes(dim));
  for (let at = 0; at < n; at += 4096) {
    const rows = Math.min(4096, n - at);
    const block = new Float32Array(rows * dim);
    for (let i = 0; i < rows; i++) block.set(near(centres[(at + i) % clusters]!, 0.25), i * dim);
    const q = compactBatch(block, dim);
    codes.set(q.codes, at * dim);
    scales.set(q.scales, at);
    fine.set(q.fine, at * fineBytes(dim));
  }
  const matrix: CompactMatrix = { model: 'bench', dim, ids, codes, scales, fine, legacyRows: 0 };
  const scan = new LibraryScan(matrix);
  const start = Date.UTC(2015, 0, 1);
  const meta = new MetaColumns(ids);
  meta.apply(
    {
      ids,
      takenAt: Float64Array.from(ids, () => start + random() * 10 * YEAR),
      offsetMin: new Int16Array(n).fill(NO_OFFSET),
      takenSource: new Uint8Array(n).fill(3),
      lat: new Float32Array(n).fill(Number.NaN),
      lon: new Float32Array(n).fill(Number.NaN),
      place: new Uint16Array(n),
      region: new Uint16Array(n),
      country: new Uint16Array(n),
      camera: new Uint16Array(n),
      lens: new Uint16Array(n),
      strings: [''],
    },
    (id) => id - 1,
  );
  const queries = Array.from({ length: reps }, (_, i) => near(centres[(i * 37) % clusters]!, 0.15));
  const time = (fn: (q: Float32Array) => unknown) =>
    median(
      queries.map((q) => {
        const t = performance.now();
        fn(q);
        return performance.now() - t;
      }),
    );
  scan.search(queries[0]!, k);
  const unfilteredMs = time((q) => scan.search(q, k));
  const shares = [0.1, 0.01].map((kept) => {
    const filter = { from: start + YEAR, to: start + YEAR + kept * 10 * YEAR };
    const t0 = performance.now();
    const rows = meta.rows(filter);
    scan.search(queries[0]!, k, undefined, -1, rows);
    const firstMs = performance.now() - t0;
    const ms = time((q) => scan.search(q, k, undefined, -1, meta.rows(filter)));
    // The filtered top 10 against every kept row scored with the refinement.
    let exact = 0;
    for (const q of queries.slice(0, 5)) {
      const got = scan.search(q, 10, undefined, -1, rows).hits.map((h) => h.id);
      const want = Array.from(rows, (row) => ({
        id: ids[row]!,
        s: refinedDot(codes, fine, row, dim, q) * scales[row]!,
      }))
        .sort((a, b) => b.s - a.s)
        .slice(0, 10)
        .map((h) => h.id);
      if (got.join() === want.join()) exact++;
    }
    return { kept: rows.length / n, rows: rows.length, ms, firstMs, exactTop10: exact / 5 };
  });
  return { n, dim, k, unfilteredMs, shares };
}
