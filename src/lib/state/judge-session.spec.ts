import { describe, expect, it } from 'vitest';
import { ASPECTS, type Verdict } from '../../core/eval/judging';
import type { JudgementRecord } from '../../core/store/db';
import {
  currentOf,
  exportFile,
  personComparisons,
  sessionReport,
  showingAt,
  uniqueQueries,
} from './judge-session';

const QUERIES = ['a red circle', 'a blue square', 'a green star', 'an orange ring'];

function record(answers: Verdict[] = [], seed = 11): JudgementRecord {
  return {
    id: 1,
    profileId: 'tiny-world',
    model: 'tiny-world@3',
    systemA: 'base',
    systemB: 'rerank',
    topN: 2,
    seed,
    queries: QUERIES.map((query, i) => ({
      query,
      rowA: [{ id: 10 + i, beauty: 0.1 }],
      rowB: [{ id: 20 + i, beauty: 0.9 }],
    })),
    answers,
    createdAt: 0,
    updatedAt: 0,
  };
}

/** Answers a whole session with a judge that sees which side each system is on. */
function answerAll(judge: (aOnLeft: boolean) => Verdict, seed = 11): Verdict[] {
  const r = record([], seed);
  const out: Verdict[] = [];
  for (let i = 0; i < 2 * QUERIES.length; i++) {
    const s = showingAt(r, i)!;
    out.push(...ASPECTS.map(() => judge(s.aOnLeft)));
  }
  return out;
}

describe('the judging schedule', () => {
  it('shows every query twice, the repeat after all first showings and with sides swapped', () => {
    const r = record();
    const shown = Array.from({ length: 8 }, (_, i) => showingAt(r, i)!);
    expect(shown.map((s) => s.query)).toEqual([...QUERIES, ...QUERIES]);
    expect(shown.map((s) => s.repeat)).toEqual([
      false,
      false,
      false,
      false,
      true,
      true,
      true,
      true,
    ]);
    for (let q = 0; q < 4; q++) expect(shown[q + 4]!.aOnLeft).toBe(!shown[q]!.aOnLeft);
    expect(showingAt(r, 8)).toBeNull();
  });

  it('randomises which side system A starts on, over queries and seeds', () => {
    const sides = new Set<boolean>();
    for (let seed = 0; seed < 8; seed++) {
      const r = record([], seed);
      for (let q = 0; q < 4; q++) sides.add(showingAt(r, q)!.aOnLeft);
    }
    expect(sides).toEqual(new Set([true, false]));
  });

  it('asks aspect by aspect and counts complete showings', () => {
    const c = currentOf(record(['left', 'right', 'similar', 'left']));
    expect(c.done).toBe(1);
    expect(c.total).toBe(8);
    expect(c.aspect).toBe('aesthetics');
    expect(c.showing?.index).toBe(1);
    const r = record();
    const s = showingAt(r, 1)!;
    const own = s.aOnLeft ? c.rows!.left : c.rows!.right;
    expect(own.map((p) => p.id)).toEqual([11]);
    expect(currentOf(record(answerAll(() => 'left'))).aspect).toBeNull();
  });
});

describe('what the answers add up to', () => {
  it('turns a judge that always picks the left side into 100% similar', () => {
    const report = sessionReport(record(answerAll(() => 'left')));
    for (const aspect of ASPECTS) {
      expect(report.person.tallies[aspect].similarRate).toBe(1);
      expect(report.person.tallies[aspect].halfWinRate).toBe(0.5);
    }
  });

  it('counts a consistent preference for B as losses of A', () => {
    const report = sessionReport(record(answerAll((aOnLeft) => (aOnLeft ? 'right' : 'left'))));
    expect(report.person.comparisons).toHaveLength(4);
    expect(report.person.tallies.accuracy.lossRate).toBe(1);
    expect(report.person.tallies.accuracy.winOrSimilarRate).toBe(0);
  });

  it('leaves out comparisons whose repeat is not answered yet', () => {
    // Four first showings and the first repeat: only the first query is complete.
    const answers = answerAll((aOnLeft) => (aOnLeft ? 'left' : 'right')).slice(0, 5 * 3);
    const comparisons = personComparisons(record(answers));
    expect(comparisons.map((c) => c.query)).toEqual(['a red circle']);
    expect(comparisons[0]!.outcome).toEqual({ accuracy: 'a', aesthetics: 'a', diversity: 'a' });
  });

  it('shows the agreement with the proxy on the comparisons both judged', () => {
    const answers = answerAll((aOnLeft) => (aOnLeft ? 'left' : 'right')).slice(0, 6 * 3);
    const r = record(answers);
    const proxy = QUERIES.map((query, i) => ({
      query,
      systemA: 'base',
      systemB: 'rerank',
      outcome: {
        accuracy: 'a' as const,
        aesthetics: i === 0 ? ('a' as const) : ('b' as const),
        diversity: 'similar' as const,
      },
    }));
    const report = sessionReport({ ...r, proxy });
    expect(report.agreement?.comparisons).toBe(2);
    expect(report.agreement?.accuracy).toBe(1);
    expect(report.agreement?.aesthetics).toBe(0.5);
    expect(report.agreement?.diversity).toBe(0);
    expect(report.proxy?.tallies.aesthetics.wins).toBe(1);
    expect(sessionReport(r).agreement).toBeNull();
  });
});

describe('export', () => {
  it('writes one CSV line per complete comparison under the header', () => {
    const file = exportFile(
      record(answerAll((aOnLeft) => (aOnLeft ? 'left' : 'right'))),
      'person',
      'csv',
    );
    const lines = file.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('query,system_a,system_b,accuracy,aesthetics,diversity,a_left_first');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 6).join(','))).toEqual(
      QUERIES.map((q) => `${q},base,rerank,a,a,a`),
    );
    expect(file.name).toBe('lumen-judging-base-vs-rerank-person.csv');
  });

  it('keeps both showings in JSON', () => {
    const r = record(answerAll(() => 'similar'));
    const parsed = JSON.parse(exportFile(r, 'person', 'json').text) as {
      judge: string;
      seed: number;
      comparisons: { presentations: { aOnLeft: boolean }[] }[];
    };
    expect(parsed.judge).toBe('person');
    expect(parsed.seed).toBe(11);
    const sides = parsed.comparisons[0]!.presentations.map((p) => p.aOnLeft);
    expect(sides[0]).toBe(!sides[1]);
  });
});

it('takes each query once, whatever its case and spacing', () => {
  expect(uniqueQueries([' a Red  circle', '', 'a red circle', 'a star', '  '])).toEqual([
    'a Red  circle',
    'a star',
  ]);
});
