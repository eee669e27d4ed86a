import { describe, expect, it } from 'vitest';
import type { TruthQuery } from '../src/core/eval/ground-truth';
import {
  baseFigures,
  missingFigures,
  scoreAgainstBase,
  summariseRuns,
  type EvalRow,
  type QueryCase,
} from './eval-report';

const query: TruthQuery = {
  text: 'a red circle',
  relevant: { shape: 'circle', colour: 'red' },
  split: 'test',
  kind: 'shape+colour',
};
const q = new Float32Array([1, 0, 0]);

/** A row of ten: `hits` relevant photos first, every photo of quality `quality`. */
function row(hits: number, quality: number, beauty: number): EvalRow {
  const truth = Array.from({ length: 10 }, (_, i) => ({
    shape: i < hits ? 'circle' : 'square',
    colour: 'red',
    background: i % 2 ? 'sand' : 'grass',
    quality,
  }));
  const proxy = Array.from({ length: 10 }, (_, i) => ({
    embedding: i < hits ? new Float32Array([1, 0, 0]) : new Float32Array([0, 1, 0]),
    beauty,
  }));
  return { truth, proxy };
}

const caseOf = (base: EvalRow, system: EvalRow): QueryCase => ({
  query,
  // Cosine 1 is the best match and 0 the library's typical photo: relevance is 1 or 0.
  proxyQuery: { embedding: q, scale: { typical: 0, best: 1 }, qualityAxes: [] },
  base,
  system,
});

describe('eval report', () => {
  it('a system more relevant and better-looking than base wins both aspects with both judges', () => {
    const s = scoreAgainstBase('+x', [caseOf(row(3, 0.5, 0.4), row(8, 0.9, 0.8))]);
    expect(s.precision).toBeCloseTo(0.8);
    expect(s.quality).toBeCloseTo(0.9);
    for (const judge of [s.truth, s.proxy]) {
      expect(judge.accuracy.winRate).toBe(1);
      expect(judge.aesthetics.winRate).toBe(1);
    }
    expect(s.agreement.accuracy).toBe(1);
  });

  it('an identical row is similar on every aspect: half-win 0.5, no wins', () => {
    const s = scoreAgainstBase('+same', [caseOf(row(5, 0.7, 0.5), row(5, 0.7, 0.5))]);
    for (const judge of [s.truth, s.proxy]) {
      for (const aspect of ['accuracy', 'aesthetics', 'diversity'] as const) {
        expect(judge[aspect].winRate).toBe(0);
        expect(judge[aspect].halfWinRate).toBe(0.5);
      }
    }
    expect(s.agreement.overall).toBe(1);
  });

  it('counts disagreement between the judges', () => {
    // Truth sees better quality; the proxy's beauty says the opposite.
    const s = scoreAgainstBase('+x', [caseOf(row(5, 0.5, 0.9), row(5, 0.9, 0.1))]);
    expect(s.truth.aesthetics.winRate).toBe(1);
    expect(s.proxy.aesthetics.lossRate).toBe(1);
    expect(s.agreement.aesthetics).toBe(0);
  });

  it('refuses rows shorter than N and empty query sets', () => {
    const short = { truth: row(5, 0.5, 0.5).truth.slice(0, 4), proxy: row(5, 0.5, 0.5).proxy };
    expect(() => scoreAgainstBase('+x', [caseOf(row(5, 0.5, 0.5), short)])).toThrow(/fewer/);
    expect(() => scoreAgainstBase('+x', [])).toThrow(/no queries/);
    expect(baseFigures([caseOf(row(4, 0.6, 0.5), row(4, 0.6, 0.5))]).precision).toBeCloseTo(0.4);
  });

  it('summarises seeds with mean and spread, and names figures that are missing', () => {
    const a = scoreAgainstBase('+x', [caseOf(row(3, 0.5, 0.4), row(8, 0.9, 0.8))]);
    const b = scoreAgainstBase('+x', [caseOf(row(3, 0.5, 0.4), row(6, 0.7, 0.8))]);
    const s = summariseRuns([a, b]);
    expect(s.precision.mean).toBeCloseTo(0.7);
    expect(s.precision.std).toBeGreaterThan(0);
    expect(missingFigures(s)).toEqual([]);
    const broken = summariseRuns([{ ...a, quality: NaN }]);
    expect(missingFigures(broken)).toEqual(['quality']);
  });
});
