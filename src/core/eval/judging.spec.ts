import { describe, expect, it } from 'vitest';
import {
  ASPECTS,
  aOnLeftFirst,
  agreementRate,
  combineOrders,
  combinePresentations,
  comparisonId,
  judgeBothOrders,
  systemVerdict,
  tally,
  tallyFor,
  type AspectOutcomes,
  type AspectVerdicts,
  type JudgedComparison,
  type PairOutcome,
  type PresentationJudge,
} from './judging';

const all = <T>(v: T) => ({ accuracy: v, aesthetics: v, diversity: v });
const outcomes = (
  accuracy: PairOutcome,
  aesthetics: PairOutcome,
  diversity: PairOutcome,
): AspectOutcomes => ({ accuracy, aesthetics, diversity });

describe('combining the two showings', () => {
  it('maps screen sides to systems', () => {
    expect(systemVerdict('left', true)).toBe('a');
    expect(systemVerdict('left', false)).toBe('b');
    expect(systemVerdict('right', false)).toBe('a');
    expect(systemVerdict('similar', true)).toBe('similar');
  });

  it('counts a win only when both showings agree', () => {
    expect(combineOrders('a', 'a')).toBe('a');
    expect(combineOrders('b', 'b')).toBe('b');
    expect(combineOrders('a', 'b')).toBe('similar');
    expect(combineOrders('a', 'similar')).toBe('similar');
    expect(combineOrders('similar', 'b')).toBe('similar');
    expect(combineOrders('similar', 'similar')).toBe('similar');
  });

  it('refuses two showings on the same side', () => {
    const p = { aOnLeft: true, verdicts: all('left' as const) };
    expect(() => combinePresentations(p, p)).toThrow(/swap sides/);
  });
});

// Rows are plain numbers here: a higher number is better on every aspect.
const honest: PresentationJudge<number> = (l, r) =>
  all(l > r ? 'left' : l < r ? 'right' : 'similar');
const alwaysLeft: PresentationJudge<number> = () => all('left');

describe('judgeBothOrders', () => {
  it('lets the better system win whichever side it starts on', () => {
    for (const first of [true, false]) {
      const j = judgeBothOrders(honest, 2, 1, first);
      expect(j.outcome).toEqual(all('a'));
      expect(j.presentations.map((p) => p.aOnLeft)).toEqual([first, !first]);
    }
    expect(judgeBothOrders(honest, 1, 2, true).outcome).toEqual(all('b'));
    expect(judgeBothOrders(honest, 1, 1, true).outcome).toEqual(all('similar'));
  });

  it('turns an always-left judge into 100% similar', () => {
    const rows = [
      [3, 1],
      [1, 3],
      [2, 2],
    ];
    const judged = rows.flatMap(([a, b]) =>
      [true, false].map((first) => judgeBothOrders(alwaysLeft, a!, b!, first).outcome),
    );
    const t = tally(judged);
    for (const aspect of ASPECTS) {
      expect(t[aspect].similarRate).toBe(1);
      expect(t[aspect].wins + t[aspect].losses).toBe(0);
    }
  });

  it('shows the judge both orders of the same rows', () => {
    const seen: [number, number][] = [];
    const recording: PresentationJudge<number> = (l, r): AspectVerdicts => {
      seen.push([l, r]);
      return all('similar');
    };
    judgeBothOrders(recording, 7, 9, false);
    expect(seen).toEqual([
      [9, 7],
      [7, 9],
    ]);
  });
});

describe('tally', () => {
  it('computes every rate, a similar counting half in the half-win rate', () => {
    const judged = [
      outcomes('a', 'b', 'similar'),
      outcomes('a', 'similar', 'similar'),
      outcomes('similar', 'similar', 'b'),
      outcomes('b', 'a', 'b'),
    ];
    const t = tally(judged);
    expect(t.accuracy).toEqual({
      wins: 2,
      similar: 1,
      losses: 1,
      comparisons: 4,
      winRate: 0.5,
      similarRate: 0.25,
      lossRate: 0.25,
      winOrSimilarRate: 0.75,
      halfWinRate: 0.625,
    });
    expect(t.aesthetics.halfWinRate).toBe(0.5);
    expect(t.diversity.halfWinRate).toBe(0.25);
    expect(t.diversity.winOrSimilarRate).toBe(0.5);
  });

  it('reports NaN rather than 0% when nothing was compared', () => {
    const t = tally([]);
    expect(t.accuracy.comparisons).toBe(0);
    expect(t.accuracy.winRate).toBeNaN();
  });

  it('orients comparisons towards the system asked for', () => {
    const rows: JudgedComparison[] = [
      { query: 'q1', systemA: 'tuned', systemB: 'base', outcome: all('a') },
      { query: 'q2', systemA: 'base', systemB: 'tuned', outcome: all('a') },
      { query: 'q3', systemA: 'base', systemB: 'rephrase', outcome: all('b') },
    ];
    const t = tallyFor('tuned', rows);
    expect([t.accuracy.wins, t.accuracy.losses, t.accuracy.comparisons]).toEqual([1, 1, 2]);
    expect(tallyFor('rephrase', rows).aesthetics.wins).toBe(1);
    expect(tallyFor('base', rows).diversity.losses).toBe(2);
  });
});

describe('agreementRate', () => {
  const mine: JudgedComparison[] = [
    { query: 'q1', systemA: 'x', systemB: 'y', outcome: outcomes('a', 'b', 'similar') },
    { query: 'q2', systemA: 'x', systemB: 'y', outcome: outcomes('a', 'a', 'a') },
  ];

  it('counts equal outcomes per aspect, re-orienting swapped slots', () => {
    const theirs: JudgedComparison[] = [
      // Same as mine, judged with the systems in the other slots.
      { query: 'q1', systemA: 'y', systemB: 'x', outcome: outcomes('b', 'a', 'similar') },
      { query: 'q2', systemA: 'x', systemB: 'y', outcome: outcomes('a', 'similar', 'b') },
    ];
    const agree = agreementRate(mine, theirs);
    expect(agree.accuracy).toBe(1);
    expect(agree.aesthetics).toBe(0.5);
    expect(agree.diversity).toBe(0.5);
    expect(agree.overall).toBeCloseTo(4 / 6, 12);
  });

  it('refuses judges that saw different comparisons', () => {
    expect(() => agreementRate(mine, mine.slice(1))).toThrow(/different/);
    const other = [mine[0]!, { ...mine[1]!, query: 'q3' }];
    expect(() => agreementRate(mine, other)).toThrow(/lacks/);
    expect(() => agreementRate(mine, [mine[0]!, mine[0]!])).toThrow(/twice/);
  });
});

describe('side randomisation', () => {
  const ids = Array.from({ length: 2000 }, (_, i) => comparisonId(`query ${i}`, 'base', 'tuned'));

  it('is deterministic per seed and comparison', () => {
    expect(ids.map((id) => aOnLeftFirst(7, id))).toEqual(ids.map((id) => aOnLeftFirst(7, id)));
  });

  it('puts A first on the left about half the time', () => {
    const left = ids.filter((id) => aOnLeftFirst(7, id)).length / ids.length;
    expect(left).toBeGreaterThan(0.45);
    expect(left).toBeLessThan(0.55);
  });

  it('changes with the seed', () => {
    const differing = ids.filter((id) => aOnLeftFirst(1, id) !== aOnLeftFirst(2, id)).length;
    expect(differing / ids.length).toBeGreaterThan(0.4);
    expect(differing / ids.length).toBeLessThan(0.6);
  });

  it('keeps query texts from colliding into one id', () => {
    expect(comparisonId('a","b', 'c', 'd')).not.toBe(comparisonId('a', 'b","c', 'd'));
  });
});
