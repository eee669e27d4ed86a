// The eval's precision–quality curves (issue 22), run inside the eval page: beauty swept from 0 to
// 1 through the search worker's own re-ranking, on base vectors and with each tuned adapter, and
// the beauty whose precision on VAL queries matches the tuned model's, for the "+re-rank
// (matched)" row. The page (bench/eval-page.ts) supplies the search and the adapter switch.
import {
  curvePoint,
  meanCurve,
  nearestPrecision,
  summariseCurve,
  type CurvePoint,
  type CurveSummary,
} from '../src/core/eval/curve';
import { summarise, type SeedSummary } from '../src/core/eval/metrics';
import type { TruthImage, TruthQuery } from '../src/core/eval/ground-truth';
import { DEFAULT_RANK, type RankOptions, type RankedHit } from '../workers/search/protocol';
import { curveChart } from './eval-curve-chart';

/** What the sweep needs from the eval page's session. */
export interface CurveSession {
  search(query: TruthQuery, rank: RankOptions, adapter: 'active' | 'none'): Promise<RankedHit[]>;
  /** Makes this adapter active (null: the base model). */
  useAdapter(id: number | null): Promise<void>;
  truth: Map<number, TruthImage>;
}

const N = 10;

/** Fusion at this beauty: what the page's Beauty slider asks the search worker for. */
export function rankAt(beauty: number): RankOptions {
  return { ...DEFAULT_RANK, order: 'fusion', beauty };
}

/** 0, 1/(steps − 1), …, 1, rounded so that 0.1 prints as 0.1. */
export function beautySteps(steps: number): number[] {
  return Array.from({ length: steps }, (_, i) => Math.round((i / (steps - 1)) * 1000) / 1000);
}

/** One point per beauty, over these queries, with the adapter that is active (or none). */
async function sweep(
  s: CurveSession,
  queries: readonly TruthQuery[],
  beauties: readonly number[],
  adapter: 'active' | 'none',
): Promise<CurvePoint[]> {
  const points: CurvePoint[] = [];
  for (const beauty of beauties) {
    const rows = [];
    for (const query of queries) {
      const hits = await s.search(query, rankAt(beauty), adapter);
      const row = hits.slice(0, N).map((h) => {
        const img = s.truth.get(h.id);
        if (!img) throw new Error(`photo ${h.id} is not in the ground truth`);
        return img;
      });
      rows.push({ query, row });
    }
    points.push(curvePoint(beauty, rows));
  }
  return points;
}

/** Each adapter in turn, the base model active again afterwards. */
async function perAdapter(
  s: CurveSession,
  adapterIds: readonly number[],
  run: () => Promise<CurvePoint[]>,
): Promise<CurvePoint[][]> {
  const out: CurvePoint[][] = [];
  for (const id of adapterIds) {
    await s.useAdapter(id);
    out.push(await run());
  }
  await s.useAdapter(null);
  return out;
}

export interface MatchedBeauty {
  /** Mean over seeds of the tuned model's P@10 on the val queries (no re-ranking). */
  tunedValPrecision: number;
  /** Re-ranking on base vectors over val queries, one point per candidate beauty. */
  valSweep: CurvePoint[];
  /** The candidate whose val P@10 is nearest the tuned model's. */
  beauty: number;
  valPrecision: number;
}

/**
 * The "+re-rank (matched)" beauty, chosen on VAL queries only: the re-ranking setting that keeps
 * the same precision as the tuned model there, so that the test table compares the two at equal
 * precision without the test queries choosing the setting.
 */
export async function matchBeauty(
  s: CurveSession,
  valQueries: readonly TruthQuery[],
  adapterIds: readonly number[],
  candidates: readonly number[],
): Promise<MatchedBeauty> {
  const tuned = await perAdapter(s, adapterIds, () => sweep(s, valQueries, [0], 'active'));
  const tunedValPrecision = summarise(tuned.map((r) => r[0]!.precision)).mean;
  const valSweep = await sweep(s, valQueries, candidates, 'none');
  const nearest = nearestPrecision(valSweep, tunedValPrecision);
  return { tunedValPrecision, valSweep, beauty: nearest.beauty, valPrecision: nearest.precision };
}

export interface CurveReport {
  beauties: number[];
  base: CurvePoint;
  /** Re-ranking alone, on base vectors; its beauty-0 point is base. */
  rerank: CurveSummary;
  /** Tuned + re-rank, mean over seeds; its beauty-0 point is the tuned model alone. */
  tunedRerank: CurveSummary;
  tunedRerankSeeds: CurvePoint[][];
  /** The spread over seeds at each beauty. */
  tunedRerankSpread: { beauty: number; precision: SeedSummary; quality: SeedSummary }[];
  tuned: CurvePoint;
  seconds: number;
  /** The chart, as the page shows it and docs/eval.md embeds it. */
  svg: string;
}

/** Both curves on the test queries, their figures against base, and the chart. */
export async function curves(
  s: CurveSession,
  testQueries: readonly TruthQuery[],
  adapterIds: readonly number[],
  beauties: readonly number[],
): Promise<CurveReport> {
  if (beauties[0] !== 0) throw new Error('the sweep must start at beauty 0 (base, tuned alone)');
  const t0 = performance.now();
  const rerankPoints = await sweep(s, testQueries, beauties, 'none');
  const seeds = await perAdapter(s, adapterIds, () => sweep(s, testQueries, beauties, 'active'));
  const base = rerankPoints[0]!;
  const tunedPoints = meanCurve(seeds);
  const report: Omit<CurveReport, 'svg'> = {
    beauties: [...beauties],
    base,
    rerank: summariseCurve(rerankPoints, base.precision),
    tunedRerank: summariseCurve(tunedPoints, base.precision),
    tunedRerankSeeds: seeds,
    tunedRerankSpread: beauties.map((beauty, i) => ({
      beauty,
      precision: summarise(seeds.map((r) => r[i]!.precision)),
      quality: summarise(seeds.map((r) => r[i]!.quality)),
    })),
    tuned: tunedPoints[0]!,
    seconds: (performance.now() - t0) / 1000,
  };
  return { ...report, svg: curveChart(report) };
}
