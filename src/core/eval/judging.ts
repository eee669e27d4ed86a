// The paper's order-consistent side-by-side protocol. A judge (a person, an LLM, a proxy) sees two
// result rows, left and right, and names the better one per aspect. Every comparison is shown
// twice with the sides swapped; a system wins only when both showings pick it. A judge that
// leans to one side therefore produces "similar", never a win, which is the point.

export const ASPECTS = ['accuracy', 'aesthetics', 'diversity'] as const;
export type Aspect = (typeof ASPECTS)[number];

/** One showing's answer, in terms of screen position. */
export type Verdict = 'left' | 'right' | 'similar';
/** An answer in terms of systems: A won, B won, or neither. */
export type PairOutcome = 'a' | 'b' | 'similar';

export type AspectVerdicts = Record<Aspect, Verdict>;
export type AspectOutcomes = Record<Aspect, PairOutcome>;

/** A judge for one showing. Pure judges are sync; async judges use combinePresentations. */
export type PresentationJudge<Row> = (left: Row, right: Row) => AspectVerdicts;

export interface Presentation {
  aOnLeft: boolean;
  verdicts: AspectVerdicts;
}

export function systemVerdict(verdict: Verdict, aOnLeft: boolean): PairOutcome {
  if (verdict === 'similar') return 'similar';
  return (verdict === 'left') === aOnLeft ? 'a' : 'b';
}

/** Both showings must name the same system; anything else is "similar". */
export function combineOrders(first: PairOutcome, second: PairOutcome): PairOutcome {
  return first === second ? first : 'similar';
}

function mapAspects<T>(f: (aspect: Aspect) => T): Record<Aspect, T> {
  return { accuracy: f('accuracy'), aesthetics: f('aesthetics'), diversity: f('diversity') };
}

export function combinePresentations(first: Presentation, second: Presentation): AspectOutcomes {
  // Two showings on the same side would let a side-biased judge score wins.
  if (first.aOnLeft === second.aOnLeft) throw new Error('the two showings must swap sides');
  return mapAspects((aspect) =>
    combineOrders(
      systemVerdict(first.verdicts[aspect], first.aOnLeft),
      systemVerdict(second.verdicts[aspect], second.aOnLeft),
    ),
  );
}

export interface OrderedJudgement {
  outcome: AspectOutcomes;
  presentations: [Presentation, Presentation];
}

/** Shows a and b twice, A on the left first when aLeftFirst, and combines the answers. */
export function judgeBothOrders<Row>(
  judge: PresentationJudge<Row>,
  a: Row,
  b: Row,
  aLeftFirst: boolean,
): OrderedJudgement {
  const show = (aOnLeft: boolean): Presentation => ({
    aOnLeft,
    verdicts: aOnLeft ? judge(a, b) : judge(b, a),
  });
  const first = show(aLeftFirst);
  const second = show(!aLeftFirst);
  return { outcome: combinePresentations(first, second), presentations: [first, second] };
}

export interface Tally {
  wins: number;
  similar: number;
  losses: number;
  comparisons: number;
  winRate: number;
  similarRate: number;
  lossRate: number;
  winOrSimilarRate: number;
  /** The paper's headline figure: a "similar" counts as half a win. */
  halfWinRate: number;
}

function tallyOne(outcomes: readonly PairOutcome[]): Tally {
  const wins = outcomes.filter((o) => o === 'a').length;
  const losses = outcomes.filter((o) => o === 'b').length;
  const similar = outcomes.length - wins - losses;
  const comparisons = outcomes.length;
  // With no comparisons every rate is NaN: a 0% win rate would be a claim, not an absence.
  const rate = (x: number) => (comparisons === 0 ? NaN : x / comparisons);
  return {
    wins,
    similar,
    losses,
    comparisons,
    winRate: rate(wins),
    similarRate: rate(similar),
    lossRate: rate(losses),
    winOrSimilarRate: rate(wins + similar),
    halfWinRate: rate(wins + similar / 2),
  };
}

/** Per aspect, from system A's side: wins are outcomes 'a'. */
export function tally(outcomes: readonly AspectOutcomes[]): Record<Aspect, Tally> {
  return mapAspects((aspect) => tallyOne(outcomes.map((o) => o[aspect])));
}

export interface JudgedComparison {
  query: string;
  systemA: string;
  systemB: string;
  outcome: AspectOutcomes;
  /** Kept for audit (position bias shows up here, not in the outcome). */
  presentations?: [Presentation, Presentation];
}

function flip(o: PairOutcome): PairOutcome {
  return o === 'a' ? 'b' : o === 'b' ? 'a' : 'similar';
}

/** Outcomes seen from `system`'s side, whichever slot it held. */
export function orientedFor(system: string, c: JudgedComparison): AspectOutcomes {
  if (c.systemA === c.systemB) throw new Error(`"${system}" compared with itself`);
  if (c.systemA === system) return c.outcome;
  if (c.systemB === system) return mapAspects((aspect) => flip(c.outcome[aspect]));
  throw new Error(`"${system}" is not in the comparison ${c.systemA} vs ${c.systemB}`);
}

/** Tally of one system against all its opponents in these comparisons. */
export function tallyFor(
  system: string,
  comparisons: readonly JudgedComparison[],
): Record<Aspect, Tally> {
  return tally(
    comparisons
      .filter((c) => c.systemA === system || c.systemB === system)
      .map((c) => orientedFor(system, c)),
  );
}

/** One id per comparison; JSON so that no query text can make two ids collide. */
export function comparisonId(query: string, systemA: string, systemB: string): string {
  return JSON.stringify([query, systemA, systemB]);
}

function unorderedKey(c: JudgedComparison): string {
  return JSON.stringify([c.query, ...[c.systemA, c.systemB].sort()]);
}

export type Agreement = Record<Aspect | 'overall', number>;

/**
 * Share of comparisons where two judges reached the same outcome, per aspect and over all
 * (comparison, aspect) cells. Both must have judged exactly the same comparisons; a pair judged
 * with the systems in swapped slots is matched and re-oriented.
 */
export function agreementRate(
  first: readonly JudgedComparison[],
  second: readonly JudgedComparison[],
): Agreement {
  const byKey = new Map(second.map((c) => [unorderedKey(c), c]));
  if (byKey.size !== second.length || new Set(first.map(unorderedKey)).size !== first.length) {
    throw new Error('a comparison is judged twice by the same judge');
  }
  if (first.length !== second.length) {
    throw new Error(`judges saw different comparisons: ${first.length} vs ${second.length}`);
  }
  const same = mapAspects(() => 0);
  for (const c of first) {
    const other = byKey.get(unorderedKey(c));
    if (!other)
      throw new Error(`second judge lacks ${comparisonId(c.query, c.systemA, c.systemB)}`);
    const theirs = orientedFor(c.systemA, other);
    for (const aspect of ASPECTS) if (theirs[aspect] === c.outcome[aspect]) same[aspect]++;
  }
  const n = first.length;
  const rate = (x: number) => (n === 0 ? NaN : x / n);
  const total = ASPECTS.reduce((s, aspect) => s + same[aspect], 0);
  return { ...mapAspects((aspect) => rate(same[aspect])), overall: rate(total / ASPECTS.length) };
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Murmur3's finaliser: FNV alone leaves its low bits poorly mixed. */
function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Whether system A is shown on the left in the first showing. Deterministic per (seed, id), so a
 * session can be replayed, yet balanced across comparisons, so that a judge's first impression
 * does not always fall on the same system.
 */
export function aOnLeftFirst(seed: number, id: string): boolean {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  return (fmix32(fnv1a(id) ^ fmix32(seed >>> 0)) & 1) === 1;
}
