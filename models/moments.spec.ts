import { beforeAll, describe, expect, it } from 'vitest';
import { getProfile, momentThresholds } from '../src/core/manifest';
import {
  chooseThresholds,
  chooseWeights,
  loadMomentsFixture,
  measure,
  type MomentsFixture,
} from './moments-harness';

// The moments fixture's test split, thresholds and best-shot weights chosen on train + val (tie
// rules picked by fitting on train and scoring on val: models/moments-ties.mjs).
// Grouping meets issue 23's goals here (pairwise precision and recall ≥ 0.95 for copies and
// ≥ 0.90 for moments), so they are asserted as they stand. The best shot does NOT meet its goal
// (≥ 0.90) with the tiny world's stand-in model (docs/moments.md, "Measured"): its floor is
// today's measured level, a margin under it, so that a change that makes it worse fails here.
const FLOORS = {
  copyPrecision: 0.95,
  copyRecall: 0.95,
  momentPrecision: 0.9,
  momentRecall: 0.9,
  bestShot: 0.75,
};

let fixture: MomentsFixture;

beforeAll(async () => {
  fixture = await loadMomentsFixture();
}, 300_000);

describe('moments fixture', () => {
  it('stores in the manifest the thresholds and weights that train + val choose', () => {
    const thresholds = chooseThresholds(fixture);
    const chosen = { ...thresholds, bestShot: chooseWeights(fixture, thresholds) };
    expect(momentThresholds(getProfile('tiny-world'))).toEqual(chosen);
  }, 600_000);

  it('groups the test split and picks best shots at least as well as measured', () => {
    const report = measure(fixture, ['test'], momentThresholds(getProfile('tiny-world')));
    console.log('moments fixture, test split:', JSON.stringify(report));
    expect(report.copies.precision).toBeGreaterThanOrEqual(FLOORS.copyPrecision);
    expect(report.copies.recall).toBeGreaterThanOrEqual(FLOORS.copyRecall);
    expect(report.moments.precision).toBeGreaterThanOrEqual(FLOORS.momentPrecision);
    expect(report.moments.recall).toBeGreaterThanOrEqual(FLOORS.momentRecall);
    expect(report.bestShot.lumen).toBeGreaterThanOrEqual(FLOORS.bestShot);
    // Immich's rule, the largest file, picks worse in the same run.
    expect(report.bestShot.lumen).toBeGreaterThan(report.bestShot.largestFile);
  });
});
