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
import type { AdapterWeights, EmbeddedQuery, StoredHead } from './protocol';
import { headStats } from '../../src/core/tuning/taste-head';

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
  return (await tasteModel(db, taste, model))?.weights ?? null;
}

/** The taste's adapter weights and the head stored beside them, or null while untrained. */
export async function tasteModel(
  db: LumenDb,
  taste: string,
  model: string,
): Promise<{ weights: AdapterWeights; head?: StoredHead } | null> {
  const record = await getTaste(db, taste);
  if (record?.adapterId === undefined) return null;
  const adapter: AdapterRecord | undefined = await getAdapter(db, record.adapterId);
  if (!adapter || adapter.baseModel !== model) return null;
  const { weights, summary } = decodeAdapter(adapter.bytes);
  return { weights, ...(summary.head ? { head: summary.head } : {}) };
}

/**
 * A taste head as the chooser and "what was learnt" apply it: score + λ·z, z standardised over
 * the library (the order search gives the relevant results, in cosine units).
 */
export interface HeadNudge {
  w: ArrayLike<number>;
  lambda: number;
  mean: number;
  sd: number;
}

export function headNudge(matrix: VectorMatrix, w: ArrayLike<number>, lambda: number): HeadNudge {
  const { mean, sd } = headStats(w, matrix.vectors, matrix.ids.length, matrix.dim);
  return { w, lambda, mean, sd };
}

/** Each query's top k under `weights` (the base model when null), best first, with scores. */
export function scoredHeads(
  matrix: VectorMatrix,
  queries: readonly EmbeddedQuery[],
  weights: AdapterWeights | null,
  k: number,
  nudge?: HeadNudge,
): ScoredHead[] {
  const rows = new Map<number, number>();
  matrix.ids.forEach((id, row) => rows.set(id, row));
  const { dim, vectors } = matrix;
  return queries.map(({ text, embedding }) => {
    const head = topK(vectors, dim, matrix.ids, embedding, weights || nudge ? k * 4 : k);
    if (!weights && !nudge)
      return { query: text, ids: head.map((h) => h.id), scores: head.map((h) => h.score) };
    // q·e′ = ((I + AᵀBᵀ)·q)·e / ‖e + B·A·e‖ (adapter.ts): one transformed query, one norm per photo.
    const q2 = weights ? transformQuery(weights, embedding) : embedding;
    const rescored = head.map(({ id }) => {
      const row = rows.get(id)!;
      const e = vectors.subarray(row * dim, (row + 1) * dim);
      let score = weights ? dot(q2, e) / tunedNorm(weights, e) : dot(q2, e);
      if (nudge && nudge.sd > 1e-12) {
        score += (nudge.lambda * (dot(nudge.w, e) - nudge.mean)) / nudge.sd;
      }
      return { id, score };
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

/**
 * Base relevance of a photo for each query, as search measures it (0 at the library's mean
 * cosine, 1 at its best): what the Laplace 'info' chooser owes to relevance rather than taste.
 * Returns NaN for a query or photo it does not know.
 */
export function relevanceOf(
  matrix: VectorMatrix,
  queries: readonly EmbeddedQuery[],
): (query: string, id: number) => number {
  const { dim, vectors, ids } = matrix;
  const rows = new Map<number, number>();
  ids.forEach((id, row) => rows.set(id, row));
  const centre = new Float64Array(dim);
  for (let r = 0; r < ids.length; r++) {
    for (let j = 0; j < dim; j++) centre[j] = centre[j]! + vectors[r * dim + j]! / ids.length;
  }
  const byQuery = new Map<string, { q: Float32Array; mean: number; span: number }>();
  for (const { text, embedding } of queries) {
    const best = topK(vectors, dim, ids, embedding, 1)[0]?.score ?? 0;
    const mean = dot(embedding, centre);
    byQuery.set(text, { q: embedding, mean, span: best - mean > 1e-9 ? best - mean : 1 });
  }
  return (query, id) => {
    const c = byQuery.get(query);
    const row = rows.get(id);
    if (!c || row === undefined) return Number.NaN;
    return (dot(c.q, vectors.subarray(row * dim, (row + 1) * dim)) - c.mean) / c.span;
  };
}
