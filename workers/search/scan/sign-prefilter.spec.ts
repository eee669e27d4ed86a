import { describe, expect, it } from 'vitest';
import { quantizeBatch } from '../../../src/core/int8-codec';
import { gaussian, mulberry32 } from '../../tuning/random';
import { SignPrefilter } from './sign-prefilter';

/** What the kernel should find, written plainly: distances, then the (distance, row) order. */
function reference(
  codes: Int8Array,
  scales: Float32Array,
  n: number,
  dim: number,
  query: Float32Array,
  count: number,
  exclude = -1,
): number[] {
  const centre = new Float64Array(dim);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < dim; j++) centre[j]! += scales[i]! * codes[i * dim + j]!;
  for (let j = 0; j < dim; j++) centre[j] = Math.fround(centre[j]! / n);
  const rows: { row: number; d: number }[] = [];
  for (let i = 0; i < n; i++) {
    if (i === exclude) continue;
    let d = 0;
    for (let j = 0; j < dim; j++) {
      if (scales[i]! * codes[i * dim + j]! > centre[j]! !== query[j]! > 0) d++;
    }
    rows.push({ row: i, d });
  }
  rows.sort((a, b) => a.d - b.d || a.row - b.row);
  return rows
    .slice(0, count)
    .map((r) => r.row)
    .sort((a, b) => a - b);
}

describe('sign prefilter', () => {
  const normal = gaussian(mulberry32(3));
  const rowsOf = (n: number, dim: number, offset = 0) =>
    Float32Array.from({ length: n * dim }, (_, i) => normal() + (i % dim < 8 ? offset : 0));

  it('picks the rows of least Hamming distance, earliest first at the cut, across dims', () => {
    for (const dim of [7, 128, 130, 512]) {
      const n = 300;
      const { codes, scales } = quantizeBatch(rowsOf(n, dim), dim);
      const filter = new SignPrefilter(codes, scales, n, dim);
      for (const count of [1, 17, 150, 299, 300, 500]) {
        const query = Float32Array.from({ length: dim }, normal);
        const got = Array.from(filter.candidates(query, count));
        expect(got).toEqual(reference(codes, scales, n, dim, query, count));
      }
    }
  });

  it('never returns the excluded row, and still returns as many as asked', () => {
    const dim = 64;
    const n = 50;
    const { codes, scales } = quantizeBatch(rowsOf(n, dim), dim);
    const filter = new SignPrefilter(codes, scales, n, dim);
    // The query is row 9 itself: distance 0 makes it first unless excluded.
    const query = Float32Array.from(
      { length: dim },
      (_, j) => scales[9]! * codes[9 * dim + j]! - filter.centre[j]!,
    );
    expect(Array.from(filter.candidates(query, 1))).toEqual([9]);
    const without = Array.from(filter.candidates(query, 10, 9));
    expect(without).toHaveLength(10);
    expect(without).not.toContain(9);
    expect(without).toEqual(reference(codes, scales, n, dim, query, 10, 9));
    expect(filter.candidates(query, 100, 9)).toHaveLength(49);
  });

  it("takes the library's centre out, so a direction every photo shares does not swamp the bits", () => {
    const dim = 128;
    const n = 2000;
    // Every row shares one large common direction, as real CLIP image embeddings do: on its
    // own, each bit would only repeat that direction's sign.
    const common = Float32Array.from({ length: dim }, (_, j) => (j % 3 ? 3 : -3));
    const x = rowsOf(n, dim).map((v, i) => v + common[i % dim]!);
    const { codes, scales } = quantizeBatch(x, dim);
    const filter = new SignPrefilter(codes, scales, n, dim);
    expect(filter.centre[0]!).toBeLessThan(-2.5);
    let hits = 0;
    for (let t = 0; t < 20; t++) {
      const target = (t * 97) % n;
      // A query about what sets this photo apart (a text query shares no image's common
      // direction): q·x ranks the target first, and so must the bits.
      const query = Float32Array.from(
        { length: dim },
        (_, j) => x[target * dim + j]! - common[j]! + 0.3 * normal(),
      );
      if (filter.candidates(query, 100).includes(target)) hits++;
    }
    // 100 of 2,000 rows by chance would hold the target 5% of the time.
    expect(hits).toBeGreaterThanOrEqual(18);
  });
});
