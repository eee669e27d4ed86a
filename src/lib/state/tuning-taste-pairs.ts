import type { PreferencePair } from '../../../workers/tuning/protocol';
import { ORIGIN_WEIGHT } from '../../core/store/preference-store';

/** A like asks for at most this many pairs: the photos just above it matter most. */
export const LIKE_PAIR_LIMIT = 10;
/** A dislike puts the photo below each other result of this many top places. */
export const DISLIKE_TOP = 10;

export type Taste = 'like' | 'dislike';

/**
 * A liked photo should beat each result shown above it that the person has not liked too
 * (the nearest ones first, at most LIKE_PAIR_LIMIT).
 */
export function likePairs(
  queryText: string,
  ranked: readonly number[],
  liked: number,
  alsoLiked: ReadonlySet<number>,
): PreferencePair[] {
  const at = ranked.indexOf(liked);
  if (at <= 0) return [];
  const above = ranked
    .slice(0, at)
    .filter((id) => !alsoLiked.has(id))
    .slice(-LIKE_PAIR_LIMIT);
  return above.map((loser) => pair(queryText, liked, loser, 'liked'));
}

/** Each other result in the top places beats a disliked photo, unless it is disliked too. */
export function dislikePairs(
  queryText: string,
  ranked: readonly number[],
  disliked: number,
  alsoDisliked: ReadonlySet<number>,
): PreferencePair[] {
  return ranked
    .slice(0, DISLIKE_TOP)
    .filter((id) => id !== disliked && !alsoDisliked.has(id))
    .map((winner) => pair(queryText, winner, disliked, 'liked'));
}

/** The answer to "which of these two?". */
export function chosenPair(queryText: string, winner: number, loser: number): PreferencePair {
  return pair(queryText, winner, loser, 'chosen');
}

function pair(
  queryText: string,
  winner: number,
  loser: number,
  origin: 'liked' | 'chosen',
): PreferencePair {
  return { queryText, winner, loser, weight: ORIGIN_WEIGHT[origin], origin };
}

/** The photos marked with one taste for one query, from marks keyed "query\0id". */
export function markedIds(
  marks: Readonly<Record<string, Taste>>,
  query: string,
  taste: Taste,
): Set<number> {
  const prefix = `${query}\u0000`;
  const ids = new Set<number>();
  for (const [key, t] of Object.entries(marks)) {
    if (t === taste && key.startsWith(prefix)) ids.add(Number(key.slice(prefix.length)));
  }
  return ids;
}
