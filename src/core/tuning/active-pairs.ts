/**
 * The next "Which of these two?" pair (issue 22). Pure, so the page (through the tuning
 * worker) and the eval's simulated people choose pairs the same way, actively or at random.
 */

/** One query's top results under the taste's current model, best first, with their scores. */
export interface QueryCandidates {
  query: string;
  ids: readonly number[];
  /** Cosine of each id with the query under the current adapter (same order as ids). */
  scores: readonly number[];
}

export interface ChooserOptions {
  /** 'active': the pair the model is least sure of; 'random': any open pair. */
  strategy: 'active' | 'random';
  seed: number;
  /** Pairs already asked, as duoKeyOf(query, a, b) keys. */
  asked: ReadonlySet<string>;
  /** Only this many top results of each query are paired (default 12). */
  top?: number;
  /**
   * How sure the taste is of a pair's order, smaller = less sure (default: the score margin).
   * A taste head gives its posterior's |mean| / sd (src/core/tuning/taste-head.ts).
   */
  doubt?: (query: string, a: number, b: number) => number;
}

export interface ChosenPair {
  query: string;
  /** The two photos, in the order to show them (side does not hint at rank). */
  a: number;
  b: number;
  /** |score(a) − score(b)| under the current model: small = unsure. */
  margin: number;
}

export const CHOOSER_TOP = 12;

/** The key of an unordered pair of photos for one query: `query|lo|hi`. */
export function duoKeyOf(query: string, a: number, b: number): string {
  return a < b ? `${query}|${a}|${b}` : `${query}|${b}|${a}`;
}

/**
 * Spreads over queries first: the next pair comes from the query with the fewest pairs
 * asked so far (ties broken by the seed), so answers teach about every search, not only
 * the current one. Within that query, 'active' takes the open pair with the smallest score
 * margin, the one whose order the model is least sure of; 'random' any open pair.
 * Returns null when every pair of every query has been asked.
 */
export function choosePair(
  candidates: readonly QueryCandidates[],
  options: ChooserOptions,
): ChosenPair | null {
  const random = mulberry(options.seed);
  const top = options.top ?? CHOOSER_TOP;
  const askedPerQuery = new Map<string, number>();
  for (const key of options.asked) {
    const query = key.slice(0, key.lastIndexOf('|', key.lastIndexOf('|') - 1));
    askedPerQuery.set(query, (askedPerQuery.get(query) ?? 0) + 1);
  }
  const order = candidates
    .map((c) => ({ c, asked: askedPerQuery.get(c.query) ?? 0, tie: random() }))
    .sort((x, y) => x.asked - y.asked || x.tie - y.tie);
  for (const { c } of order) {
    const open = openPairs(c, top, options.asked);
    if (open.length === 0) continue;
    let best = open[0]!;
    if (options.strategy === 'random') best = open[Math.floor(random() * open.length)]!;
    else if (options.doubt) {
      let least = Infinity;
      for (const p of open) {
        const d = options.doubt(p.query, p.a, p.b);
        if (d < least) [least, best] = [d, p];
      }
    } else for (const p of open) if (p.margin < best.margin) best = p;
    return random() < 0.5 ? best : { ...best, a: best.b, b: best.a };
  }
  return null;
}

function openPairs(c: QueryCandidates, top: number, asked: ReadonlySet<string>): ChosenPair[] {
  const n = Math.min(top, c.ids.length, c.scores.length);
  const open: ChosenPair[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = c.ids[i]!;
      const b = c.ids[j]!;
      if (a === b || asked.has(duoKeyOf(c.query, a, b))) continue;
      open.push({ query: c.query, a, b, margin: Math.abs(c.scores[i]! - c.scores[j]!) });
    }
  }
  return open;
}

/** A small seeded generator (mulberry32), so a seed gives the same pairs every time. */
function mulberry(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
