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
// The test split meets issue 23's goals (pairwise precision and recall ≥ 0.95 for copies and
// ≥ 0.90 for moments; best-shot accuracy ≥ 0.90, with the best-shot rule chosen on train + val
// by leaving one group out: models/moments-ties.mjs), so the goals are asserted as they stand.
// The best shot meets its goal by one group of 11 (docs/moments.md, "Measured").
const FLOORS = {
  copyPrecision: 0.95,
  copyRecall: 0.95,
  momentPrecision: 0.9,
  momentRecall: 0.9,
  bestShot: 0.9,
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
