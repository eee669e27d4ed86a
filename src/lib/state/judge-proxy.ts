import {
  aOnLeftFirst,
  comparisonId,
  judgeBothOrders,
  type JudgedComparison,
} from '../../core/eval/judging';
import {
  proxyJudge,
  qualityAxes,
  relevanceScaleOf,
  type ProxyPhoto,
} from '../../core/eval/proxy-judge';
import type { JudgedPhoto, JudgementRecord } from '../../core/store/db';
import { promptTexts } from '../../../workers/aesthetics/protocol';
import {
  DEFAULT_RANK,
  type RankedHit,
  type SearchOptions,
  type TextQuery,
} from '../../../workers/search/protocol';

/** What the automatic judge needs of the search worker. */
export interface ProxySource {
  embedTexts(texts: string[]): Promise<Float32Array[]>;
  /** Stored base-model vectors: the judge must not see rows through the tuned model. */
  photoVectors(ids: number[]): Promise<(Float32Array | null)[]>;
  /** A search, asked on the base model for the library's relevance scale of each query. */
  searchText(
    query: TextQuery,
    options: SearchOptions,
  ): Promise<{ hits: readonly Pick<RankedHit, 'score' | 'relevance'>[] }>;
}

/** Beauty of an unscored photo, as re-ranking assumes it: neither promoted nor demoted. */
const UNSCORED = 0.5;

/**
 * Similarity order on the base model, whatever the page's ranking: its hits carry the scale.
 * Twenty hits reach far enough below the best match to read the library's typical similarity.
 */
const SCALE_SEARCH: SearchOptions = {
  limit: 20,
  rank: { ...DEFAULT_RANK, order: 'fusion', beauty: 0, minBeauty: 0 },
  adapter: 'none',
};

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
  const texts = queries.map((q) => q.query);
  const embedded = await source.embedTexts([...texts, ...promptTexts()]);
  const axes = qualityAxes(embedded.slice(texts.length));
  const ids = [...new Set(queries.flatMap((q) => [...q.rowA, ...q.rowB].map((p) => p.id)))];
  const vectors = await source.photoVectors(ids);
  const byId = new Map(ids.map((id, i) => [id, vectors[i] ?? null]));
  const row = (photos: readonly JudgedPhoto[]): ProxyPhoto[] =>
    photos.flatMap((p) => {
      const embedding = byId.get(p.id);
      return embedding ? [{ embedding, beauty: p.beauty ?? UNSCORED }] : [];
    });
  const out: JudgedComparison[] = [];
  for (const [i, q] of queries.entries()) {
    const a = row(q.rowA);
    const b = row(q.rowB);
    const embedding = embedded[i];
    if (!embedding || a.length === 0 || b.length === 0) continue;
    const { hits } = await source.searchText({ text: q.query }, SCALE_SEARCH);
    if (hits.length === 0) continue;
    const judge = proxyJudge({ embedding, scale: relevanceScaleOf(hits), qualityAxes: axes });
    const aFirst = aOnLeftFirst(seed, comparisonId(q.query, systemA, systemB));
    out.push({ query: q.query, systemA, systemB, ...judgeBothOrders(judge, a, b, aFirst) });
  }
  return out;
}
