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

/** A key for an unordered pair of photos, so a prompt is not asked twice either way round. */
export function duoKey(a: number, b: number): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

/**
 * Two photos from the top of the results that have not been compared yet, or null when
 * every pair among them has been asked. `random` returns numbers in [0, 1).
 */
export function pickDuo(
  ranked: readonly number[],
  asked: ReadonlySet<string>,
  random: () => number,
  top = 20,
): [number, number] | null {
  const head = ranked.slice(0, top);
  const open: [number, number][] = [];
  for (let i = 0; i < head.length; i++) {
    for (let j = i + 1; j < head.length; j++) {
      if (!asked.has(duoKey(head[i]!, head[j]!))) open.push([head[i]!, head[j]!]);
    }
  }
  if (open.length === 0) return null;
  const [a, b] = open[Math.floor(random() * open.length)]!;
  // Either photo may come first, so side does not hint at rank.
  return random() < 0.5 ? [a, b] : [b, a];
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

/** Which duos were already asked (or skipped), per query; never shown, so not reactive. */
export class AskedDuos {
  readonly #byQuery = new Map<string, Set<string>>();

  of(query: string): Set<string> {
    let set = this.#byQuery.get(query);
    if (!set) this.#byQuery.set(query, (set = new Set()));
    return set;
  }
}
