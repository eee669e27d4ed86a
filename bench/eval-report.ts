// The figures `npm run eval` reports, computed from result rows that the page collected. Pure, so
// the page and a spec can drive it alike. Ground truth is the authority; the proxy judge is
// reported beside it, with its agreement, never instead of it.
import type { Labels, TruthQuery } from '../src/core/eval/ground-truth';
import { meanQuality, precisionAt, summarise, type SeedSummary } from '../src/core/eval/metrics';
import {
  proxyJudge,
  truthJudge,
  type ProxyPhoto,
  type ProxyQuery,
} from '../src/core/eval/proxy-judge';
import {
  ASPECTS,
  aOnLeftFirst,
  agreementRate,
  comparisonId,
  judgeBothOrders,
  tally,
  type Agreement,
  type Aspect,
  type JudgedComparison,
  type Tally,
} from '../src/core/eval/judging';

/** One system's row for one query: the top N, in order. */
export interface EvalRow {
  /** Ground-truth labels and quality of each photo. */
  truth: (Labels & { quality: number })[];
  /** Base-model embedding and combined beauty of each photo, for the proxy judge. */
  proxy: ProxyPhoto[];
}

export interface QueryCase {
  query: TruthQuery;
  /** The ORIGINAL query's embedding, the library's relevance scale and the quality axes. */
  proxyQuery: ProxyQuery;
  base: EvalRow;
  system: EvalRow;
}

export const RATES = ['winRate', 'winOrSimilarRate', 'halfWinRate'] as const;
export type Rate = (typeof RATES)[number];

/** One run of one system against base, over every query. */
export interface SystemScore {
  precision: number;
  quality: number;
  truth: Record<Aspect, Tally>;
  proxy: Record<Aspect, Tally>;
  agreement: Agreement;
}

/** The same figures over runs (seeds): mean, spread and count of each. */
export interface SystemSummary {
  runs: number;
  precision: SeedSummary;
  quality: SeedSummary;
  truth: Record<Aspect, Record<Rate, SeedSummary>>;
  proxy: Record<Aspect, Record<Rate, SeedSummary>>;
  agreement: Record<Aspect | 'overall', SeedSummary>;
}

function checkRow(row: EvalRow, n: number, where: string): void {
  if (row.truth.length < n || row.proxy.length < n) {
    throw new Error(`${where}: the row holds fewer than ${n} photos`);
  }
}

/**
 * Judges `system` against `base` on every query, both orders, with the ground-truth judge and the
 * proxy judge on rows of n. The first showing's side comes from aOnLeftFirst, so a replay with the
 * same seed shows the same sides.
 */
export function scoreAgainstBase(
  name: string,
  cases: readonly QueryCase[],
  n = 10,
  seed = 1,
): SystemScore {
  if (cases.length === 0) throw new Error(`${name}: no queries to score`);
  const truthJudged: JudgedComparison[] = [];
  const proxyJudged: JudgedComparison[] = [];
  let precision = 0;
  let quality = 0;
  for (const c of cases) {
    const where = `${name} / "${c.query.text}"`;
    checkRow(c.system, n, where);
    checkRow(c.base, n, `base / "${c.query.text}"`);
    const sys = c.system.truth.slice(0, n);
    precision += precisionAt(n, sys, c.query);
    quality += meanQuality(sys, n);
    const id = comparisonId(c.query.text, name, 'base');
    const left = aOnLeftFirst(seed, id);
    const judged = (outcome: JudgedComparison['outcome']): JudgedComparison => ({
      query: c.query.text,
      systemA: name,
      systemB: 'base',
      outcome,
    });
    truthJudged.push(
      judged(judgeBothOrders(truthJudge(c.query, n), sys, c.base.truth.slice(0, n), left).outcome),
    );
    proxyJudged.push(
      judged(
        judgeBothOrders(
          proxyJudge(c.proxyQuery),
          c.system.proxy.slice(0, n),
          c.base.proxy.slice(0, n),
          left,
        ).outcome,
      ),
    );
  }
  return {
    precision: precision / cases.length,
    quality: quality / cases.length,
    truth: tally(truthJudged.map((c) => c.outcome)),
    proxy: tally(proxyJudged.map((c) => c.outcome)),
    agreement: agreementRate(truthJudged, proxyJudged),
  };
}

/** Precision and quality of the base rows alone: base is not judged against itself. */
export function baseFigures(
  cases: readonly Pick<QueryCase, 'query' | 'base'>[],
  n = 10,
): { precision: number; quality: number } {
  if (cases.length === 0) throw new Error('base: no queries to score');
  let precision = 0;
  let quality = 0;
  for (const c of cases) {
    checkRow(c.base, n, `base / "${c.query.text}"`);
    precision += precisionAt(n, c.base.truth, c.query);
    quality += meanQuality(c.base.truth, n);
  }
  return { precision: precision / cases.length, quality: quality / cases.length };
}

function perAspect<T>(f: (aspect: Aspect) => T): Record<Aspect, T> {
  return { accuracy: f('accuracy'), aesthetics: f('aesthetics'), diversity: f('diversity') };
}

function rates(
  tallies: readonly Record<Aspect, Tally>[],
): Record<Aspect, Record<Rate, SeedSummary>> {
  return perAspect((aspect) => ({
    winRate: summarise(tallies.map((t) => t[aspect].winRate)),
    winOrSimilarRate: summarise(tallies.map((t) => t[aspect].winOrSimilarRate)),
    halfWinRate: summarise(tallies.map((t) => t[aspect].halfWinRate)),
  }));
}

/** Mean and spread over runs (one per seed; a single run has spread 0). */
export function summariseRuns(runs: readonly SystemScore[]): SystemSummary {
  if (runs.length === 0) throw new Error('no runs to summarise');
  return {
    runs: runs.length,
    precision: summarise(runs.map((r) => r.precision)),
    quality: summarise(runs.map((r) => r.quality)),
    truth: rates(runs.map((r) => r.truth)),
    proxy: rates(runs.map((r) => r.proxy)),
    agreement: {
      ...perAspect((aspect) => summarise(runs.map((r) => r.agreement[aspect]))),
      overall: summarise(runs.map((r) => r.agreement.overall)),
    },
  };
}

/** Names of the figures a summary lacks (not finite), so a run can fail on missing numbers. */
export function missingFigures(summary: SystemSummary): string[] {
  const missing: string[] = [];
  const check = (what: string, s: SeedSummary) => {
    if (!Number.isFinite(s.mean) || !Number.isFinite(s.std) || s.n < 1) missing.push(what);
  };
  check('precision', summary.precision);
  check('quality', summary.quality);
  for (const judge of ['truth', 'proxy'] as const) {
    for (const aspect of ASPECTS) {
      for (const rate of RATES) check(`${judge}.${aspect}.${rate}`, summary[judge][aspect][rate]);
    }
  }
  for (const key of [...ASPECTS, 'overall'] as const) {
    check(`agreement.${key}`, summary.agreement[key]);
  }
  return missing;
}
