import type { ScanResult } from './int8-scan';
import { quantizeQuery } from '../../../src/core/int8-codec';

/**
 * Scalar reference for the int8 kernel, written independently of it (scores every row,
 * then sorts them all) but with the same arithmetic: an exact integer dot product,
 * rounded to f32 and multiplied by the row's f32 scale, summed in f64 in row order.
 * Tests compare the kernel to this bit for bit.
 */
export function referenceScan(
  vectors: Int8Array,
  scales: Float32Array,
  n: number,
  dim: number,
  query: ArrayLike<number>,
  k: number,
  levels: number,
  exclude = -1,
): ScanResult {
  const { codes, scale } = quantizeQuery(query, new Int16Array(dim), levels);
  const rows: number[] = [];
  const raw = new Float32Array(n);
  let sum = 0;
  for (let row = 0; row < n; row++) {
    if (row === exclude) continue;
    let dot = 0;
    for (let j = 0; j < dim; j++) dot += vectors[row * dim + j]! * codes[j]!;
    raw[row] = Math.fround(Math.fround(dot) * scales[row]!);
    sum += raw[row]!;
    rows.push(row);
  }
  rows.sort((a, b) => raw[b]! - raw[a]! || a - b);
  const top = rows.slice(0, Math.max(0, k));
  return {
    indices: Uint32Array.from(top),
    scores: Float32Array.from(top, (r) => raw[r]! * scale),
    mean: rows.length > 0 ? (sum * scale) / rows.length : 0,
  };
}
