import type { ScanResult } from './int8-scan';

/**
 * Re-scores int8 candidates with their float vectors and keeps the best k, best first
 * (ties: earlier row first). Int8 codes move a 512-d cosine by ~3e-4, enough to swap
 * near-duplicates at the cut; asking the kernel for a few times k candidates and
 * re-scoring them exactly recovers the float top-k (measured in bench/scan-bench.mjs).
 * The mean stays the int8 one: its error averages out over the library.
 */
export function rescore(
  candidates: ScanResult,
  floats: Float32Array,
  dim: number,
  query: ArrayLike<number>,
  k: number,
): ScanResult {
  const rows = [...candidates.indices];
  const exact = rows.map((row) => {
    let s = 0;
    const o = row * dim;
    for (let j = 0; j < dim; j++) s += floats[o + j]! * query[j]!;
    return s;
  });
  const order = rows.map((_, i) => i).sort((a, b) => exact[b]! - exact[a]! || rows[a]! - rows[b]!);
  const top = order.slice(0, Math.max(0, k));
  return {
    indices: Uint32Array.from(top, (i) => rows[i]!),
    scores: Float32Array.from(top, (i) => exact[i]!),
    mean: candidates.mean,
  };
}
