import type { VectorMatrix } from '../../src/core/store/embedding-store';
import { topK } from '../search/top-k';
import { mulberry32, shuffleInPlace } from './random';

/**
 * The semantic (KL) term spreads over the whole library when it is small; above this many
 * photos it uses a fixed random sample of the library plus the query's own top results, so a
 * training step costs the same on 100 and on 100,000 photos.
 */
const KL_LIBRARY_SAMPLE = 1500;
const KL_QUERY_HEAD = 100;

/** The photos each query's semantic term spreads over (see KL_LIBRARY_SAMPLE). */
export function klCandidates(
  matrix: VectorMatrix,
  queries: ReadonlyMap<string, Float32Array>,
): Map<string, number[]> {
  const all = Array.from(matrix.ids);
  const out = new Map<string, number[]>();
  if (all.length <= KL_LIBRARY_SAMPLE) {
    for (const text of queries.keys()) out.set(text, all);
    return out;
  }
  const sample = shuffleInPlace(all.slice(), mulberry32(7)).slice(0, KL_LIBRARY_SAMPLE);
  for (const [text, q] of queries) {
    const head = topK(matrix.vectors, matrix.dim, matrix.ids, q, KL_QUERY_HEAD).map((h) => h.id);
    out.set(text, [...new Set([...head, ...sample])]);
  }
  return out;
}
