/**
 * A taste's model applied to a few queries, for the active chooser and the "what was learnt"
 * rows (issue 22). The library is searched with the base vectors, then the head is re-scored
 * under the taste's adapter: the head of 4·k base results holds the adapter's top k, since an
 * adapter trained with the semantic term moves photos by small cosine steps.
 */
import type { AdapterRecord, LumenDb } from '../../src/core/store/db';
import type { VectorMatrix } from '../../src/core/store/embedding-store';
import { getAdapter } from '../../src/core/store/adapter-store';
import { getTaste } from '../../src/core/store/taste-store';
import { topK } from '../search/top-k';
import { decodeAdapter, transformQuery } from './adapter';
import type { AdapterWeights, EmbeddedQuery } from './protocol';

export interface ScoredHead {
  query: string;
  ids: number[];
  scores: number[];
}

/** The taste's adapter weights, or null while it has none (the base model). */
export async function tasteWeights(
  db: LumenDb,
  taste: string,
  model: string,
): Promise<AdapterWeights | null> {
  const record = await getTaste(db, taste);
  if (record?.adapterId === undefined) return null;
  const adapter: AdapterRecord | undefined = await getAdapter(db, record.adapterId);
  if (!adapter || adapter.baseModel !== model) return null;
  return decodeAdapter(adapter.bytes).weights;
}

/** Each query's top k under `weights` (the base model when null), best first, with scores. */
export function scoredHeads(
  matrix: VectorMatrix,
  queries: readonly EmbeddedQuery[],
  weights: AdapterWeights | null,
  k: number,
): ScoredHead[] {
  const rows = new Map<number, number>();
  matrix.ids.forEach((id, row) => rows.set(id, row));
  const { dim, vectors } = matrix;
  return queries.map(({ text, embedding }) => {
    const head = topK(vectors, dim, matrix.ids, embedding, weights ? k * 4 : k);
    if (!weights)
      return { query: text, ids: head.map((h) => h.id), scores: head.map((h) => h.score) };
    // q·e′ = ((I + AᵀBᵀ)·q)·e / ‖e + B·A·e‖ (adapter.ts): one transformed query, one norm per photo.
    const q2 = transformQuery(weights, embedding);
    const rescored = head.map(({ id }) => {
      const row = rows.get(id)!;
      const e = vectors.subarray(row * dim, (row + 1) * dim);
      return { id, score: dot(q2, e) / tunedNorm(weights, e) };
    });
    rescored.sort((x, y) => y.score - x.score);
    const top = rescored.slice(0, k);
    return { query: text, ids: top.map((h) => h.id), scores: top.map((h) => h.score) };
  });
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let j = 0; j < a.length; j++) sum += a[j]! * b[j]!;
  return sum;
}

/** ‖e + B·A·e‖ for a unit e. */
function tunedNorm(w: AdapterWeights, e: ArrayLike<number>): number {
  const { dim, rank, a, b } = w;
  const t = new Float64Array(rank);
  for (let k = 0; k < rank; k++) {
    let sum = 0;
    for (let j = 0; j < dim; j++) sum += a[k * dim + j]! * e[j]!;
    t[k] = sum;
  }
  let norm2 = 0;
  for (let j = 0; j < dim; j++) {
    let x = e[j]!;
    for (let k = 0; k < rank; k++) x += b[j * rank + k]! * t[k]!;
    norm2 += x * x;
  }
  return Math.sqrt(norm2) || 1;
}
