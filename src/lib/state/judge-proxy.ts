import {
  aOnLeftFirst,
  comparisonId,
  judgeBothOrders,
  type JudgedComparison,
} from '../../core/eval/judging';
import { proxyJudge, type ProxyPhoto } from '../../core/eval/proxy-judge';
import type { JudgedPhoto, JudgementRecord } from '../../core/store/db';

/** What the automatic judge needs of the search worker. */
export interface ProxySource {
  embedTexts(texts: string[]): Promise<Float32Array[]>;
  /** Stored base-model vectors: the judge must not see rows through the tuned model. */
  photoVectors(ids: number[]): Promise<(Float32Array | null)[]>;
}

/** Beauty of an unscored photo, as re-ranking assumes it: neither promoted nor demoted. */
const UNSCORED = 0.5;

/**
 * The proxy judge over a session's stored rows, through the same two-order protocol and the same
 * side randomisation as the person, so both judges' comparisons line up one to one. A photo
 * without a stored vector is left out of its row; a comparison with an empty row is skipped.
 */
export async function proxyComparisons(
  record: Pick<JudgementRecord, 'systemA' | 'systemB' | 'seed' | 'queries'>,
  source: ProxySource,
): Promise<JudgedComparison[]> {
  const { systemA, systemB, seed, queries } = record;
  if (queries.length === 0) return [];
  // The ORIGINAL words: a rephrasing that drifts from them should lose accuracy here.
  const embeddings = await source.embedTexts(queries.map((q) => q.query));
  const ids = [...new Set(queries.flatMap((q) => [...q.rowA, ...q.rowB].map((p) => p.id)))];
  const vectors = await source.photoVectors(ids);
  const byId = new Map(ids.map((id, i) => [id, vectors[i] ?? null]));
  const row = (photos: readonly JudgedPhoto[]): ProxyPhoto[] =>
    photos.flatMap((p) => {
      const embedding = byId.get(p.id);
      return embedding ? [{ embedding, beauty: p.beauty ?? UNSCORED }] : [];
    });
  const out: JudgedComparison[] = [];
  queries.forEach((q, i) => {
    const a = row(q.rowA);
    const b = row(q.rowB);
    const embedding = embeddings[i];
    if (!embedding || a.length === 0 || b.length === 0) return;
    const aFirst = aOnLeftFirst(seed, comparisonId(q.query, systemA, systemB));
    const judged = judgeBothOrders(proxyJudge(embedding), a, b, aFirst);
    out.push({ query: q.query, systemA, systemB, ...judged });
  });
  return out;
}
