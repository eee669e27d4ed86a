import type { RankOptions, RankedHit } from './protocol';
import type { ScoreIndex } from './score-index';

export { ScoreIndex } from './score-index';

/** Beauty assumed for a photo not scored yet: neither promoted nor demoted. */
const UNSCORED = 0.5;

/**
 * Re-ranks similarity-ordered hits. Only photos in the relevant head can move up for
 * their looks; everything below the cutoff stays after them in relevance order, so a
 * pretty but irrelevant photo never outranks a relevant one. `best` is the library's best
 * similarity when a filter kept only some photos: relevance stays measured against the whole
 * library, so a filter narrows what is shown, not what counts as relevant. The orders by time
 * taken keep the head in relevance order here; the search worker then sorts it by time.
 */
export function rerank(
  hits: { id: number; score: number; tuned?: RankedHit['tuned']; taste?: number }[],
  meanSimilarity: number,
  index: ScoreIndex | undefined,
  options: RankOptions,
  best = -Infinity,
  /** A taste head's nudge among the relevant head (issue 22); hits carry its z as `taste`. */
  taste?: TasteNudge,
): RankedHit[] {
  if (hits.length === 0) return [];
  const top = Math.max(best, hits[0]!.score);
  const span = top - meanSimilarity;
  const ranked: RankedHit[] = hits.map((h) => {
    const relevance = span > 1e-9 ? (h.score - meanSimilarity) / span : 1;
    const aesthetic = index?.view(h.id);
    return {
      id: h.id,
      score: h.score,
      relevance,
      inHead: relevance >= options.strictness,
      ...(aesthetic ? { aesthetic } : {}),
      ...(h.tuned ? { tuned: h.tuned } : {}),
      final: relevance,
    };
  });
  const visible =
    options.minBeauty > 0
      ? ranked.filter((h) => (h.aesthetic?.combined ?? 1) >= options.minBeauty)
      : ranked;
  const beautyOf = (h: RankedHit) => h.aesthetic?.combined ?? UNSCORED;
  let head = visible.filter((h) => h.inHead);
  if (options.order === 'cascade') head = head.slice(0, Math.max(1, options.cascadeK));
  const headIds = new Set(head.map((h) => h.id));
  const rest = visible.filter((h) => !headIds.has(h.id));
  const b = Math.min(1, Math.max(0, options.beauty));
  const byTime = options.order === 'taken-newest' || options.order === 'taken-oldest';
  for (const h of head) {
    if (byTime) continue;
    h.final =
      options.order === 'fusion'
        ? (1 - b) * Math.min(1, h.relevance) + b * beautyOf(h)
        : beautyOf(h);
  }
  const nudged = !byTime && taste && taste.weight !== 0 && span > 1e-9;
  if (nudged) nudgeByTaste(head, hits, taste, span);
  if (!byTime && !(options.order === 'fusion' && b === 0 && !nudged)) {
    head.sort((x, y) => y.final - x.final || y.score - x.score);
  }
  return [...head, ...rest];
}

/**
 * How a taste head reorders the relevant head: final += weight·z/span, so `weight` is in
 * cosine units (as the ceiling's base cosine + λ·z(person's score)), whatever the query's span.
 */
export interface TasteNudge {
  /** λ, in cosine units per standard deviation of the head's score over the library. */
  weight: number;
}

function nudgeByTaste(
  head: RankedHit[],
  hits: readonly { id: number; taste?: number }[],
  taste: TasteNudge,
  span: number,
): void {
  const z = new Map<number, number>();
  for (const h of hits) if (h.taste !== undefined) z.set(h.id, h.taste);
  for (const h of head) h.final += (taste.weight * (z.get(h.id) ?? 0)) / span;
}
