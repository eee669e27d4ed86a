// Issue 9's "Must show", on the tiny world, read on the TEST split only.
//
// D_po comes from the manifest's training queries (the train split) over train/val photos;
// the KL term spreads over train/val photos too, so the trainer never sees a test photo. Beauty
// orders each grid row by the re-ranker's combined percentile: the LAION-style head and CLIP-IQA
// on the BASE vectors, and pixel appeal (sharpness, exposure, contrast, colourfulness) on the
// pixels. Settings were chosen on val (npm run sweep: models/tuning-sweep.mjs) and are read
// from the manifest. Retrieval is plain cosine (no re-ranking, no rephrasing) unless a row says
// otherwise.
import { beforeAll, describe, expect, it } from 'vitest';
import { imagesOfSplit, queriesOfSplit, type TruthQuery } from '../src/core/eval/ground-truth';
import type { TuningSpec } from '../src/core/manifest';
import { gridOf, trainSettingsOf } from '../workers/tuning/manifest-settings';
import {
  automaticPairs,
  idsOfSplits,
  measure,
  meanOver,
  trainSeeds,
  type RowMetrics,
  type SeedOutcome,
} from './alignment-experiment';
import { loadTinyWorld, type TinyWorld } from './tiny-world-harness';

const SEEDS = [1, 2, 3];
/**
 * Relative lift of mean top-10 quality on test, over the whole library. Issue #9 asks for 10%.
 * Revision 5 of the world reaches +17.4% for −0.7 points of precision@10 (mean of seeds 1–3,
 * 0.719 → 0.844; settings chosen on val by `npm run sweep`, whose val budget is 1.5 points).
 * Revision 4 reached only +6.3%: its plain search already preferred clean photos (captions of
 * clean scenes were plain far more often than those of spoiled ones), so the top 10 held little
 * for tuning to improve. The bar sits a margin below what is reached, above the 10%.
 */
const MIN_QUALITY_GAIN = 0.15;
/** Absolute fall of precision@10 allowed (2 points). */
const MAX_PRECISION_LOSS = 0.02;
/** The relative lift over test photos only must be at least this share of the library's. */
const MIN_UNSEEN_SHARE = 0.5;

let world: TinyWorld;
let tuning: TuningSpec;
let test: TruthQuery[];
let library: number[];
let unseen: number[];
let trainAndVal: number[];
let aligned: SeedOutcome[];
let reversed: SeedOutcome[];
const rows = new Map<string, RowMetrics>();

const relativeGain = (base: RowMetrics, tuned: RowMetrics) => tuned.quality / base.quality - 1;

beforeAll(async () => {
  world = await loadTinyWorld();
  tuning = world.profile.tuning!;
  test = queriesOfSplit(world.truth, 'test');
  library = Array.from(world.ids);
  unseen = idsOfSplits(world, ['test']);
  trainAndVal = idsOfSplits(world, ['train', 'val']);
  const common = {
    trainingQueries: tuning.trainingQueries,
    pairPool: trainAndVal,
    klPool: trainAndVal,
    grid: gridOf(tuning),
    settings: trainSettingsOf(tuning),
    seeds: SEEDS,
  };
  aligned = await trainSeeds(world, common);
  reversed = await trainSeeds(world, { ...common, reversed: true });
  const adapters = aligned.map((s) => s.adapter);
  rows.set('base', await measure(world, test, library, undefined));
  rows.set('tuned', await meanOver(world, test, library, adapters));
  rows.set('base, test photos only', await measure(world, test, unseen, undefined));
  rows.set('tuned, test photos only', await meanOver(world, test, unseen, adapters));
  rows.set('base + re-rank', await measure(world, test, library, undefined, true));
  rows.set('tuned + re-rank', await meanOver(world, test, library, adapters, true));
  rows.set(
    'reversed pairs',
    await meanOver(
      world,
      test,
      library,
      reversed.map((s) => s.adapter),
    ),
  );
  console.log(`test split: ${test.length} queries, ${unseen.length} test photos`);
  console.log('system                      P@10   top-10 quality');
  for (const [name, m] of rows) {
    console.log(`${name.padEnd(26)}  ${m.precision.toFixed(3)}  ${m.quality.toFixed(3)}`);
  }
  const base = rows.get('base')!;
  for (const s of aligned) {
    const own = await measure(world, test, library, s.adapter);
    console.log(
      `seed ${s.seed}: ${s.pairs} pairs, ${s.epochs} epochs, ${s.durationMs} ms, held-back pair accuracy ${s.baseValidationAccuracy.toFixed(3)} → ${s.validationAccuracy.toFixed(3)}; test quality ${(100 * relativeGain(base, own)).toFixed(1)}%, P@10 ${own.precision.toFixed(3)}`,
    );
  }
}, 600_000);

describe('tiny world: preference alignment (test split)', () => {
  it('trains only on train-split queries and train/val photos', async () => {
    const trainTexts = new Set(queriesOfSplit(world.truth, 'train').map((q) => q.text));
    expect(tuning.trainingQueries.length).toBeGreaterThan(0);
    for (const text of tuning.trainingQueries) expect(trainTexts.has(text), text).toBe(true);
    const allowed = new Set(trainAndVal);
    const pairs = await automaticPairs(world, tuning.trainingQueries, trainAndVal, gridOf(tuning));
    expect(pairs.length).toBe(aligned[0]!.pairs);
    expect(pairs.every((p) => allowed.has(p.winner) && allowed.has(p.loser))).toBe(true);
    expect(imagesOfSplit(world.truth, 'test').length).toBe(unseen.length);
    expect(test.length).toBeGreaterThanOrEqual(20);
  });

  it("the paper's effect in miniature: top-10 quality up, precision@10 down ≤ 2 points", () => {
    const base = rows.get('base')!;
    const tuned = rows.get('tuned')!;
    expect(relativeGain(base, tuned)).toBeGreaterThanOrEqual(MIN_QUALITY_GAIN);
    expect(base.precision - tuned.precision).toBeLessThanOrEqual(MAX_PRECISION_LOSS);
  });

  it('carries to photos that were never in a training pair', () => {
    const libraryGain = relativeGain(rows.get('base')!, rows.get('tuned')!);
    const unseenGain = relativeGain(
      rows.get('base, test photos only')!,
      rows.get('tuned, test photos only')!,
    );
    expect(unseenGain).toBeGreaterThanOrEqual(MIN_UNSEEN_SHARE * libraryGain);
  });

  it('learns from the pairs, not from a rule: reversed pairs move quality the other way', () => {
    const base = rows.get('base')!;
    expect(rows.get('reversed pairs')!.quality).toBeLessThan(base.quality);
    for (const s of reversed)
      expect(s.validationAccuracy).toBeGreaterThan(s.baseValidationAccuracy);
  });

  it('re-ranking still works on top of the tuned model', () => {
    const tuned = rows.get('tuned')!;
    const both = rows.get('tuned + re-rank')!;
    expect(both.quality).toBeGreaterThan(tuned.quality);
  });
});
