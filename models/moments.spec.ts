import { beforeAll, describe, expect, it } from 'vitest';
import { getProfile, momentThresholds } from '../src/core/manifest';
import {
  chooseThresholds,
  chooseWeights,
  loadMomentsFixture,
  measure,
  type MomentsFixture,
} from './moments-harness';

// The moments fixture's test split, thresholds and best-shot weights chosen on train + val.
// Issue 23's goals (pairwise precision and recall ≥ 0.95 for copies and ≥ 0.90 for moments,
// best shot ≥ 0.90) are NOT met with the tiny world's stand-in model, which embeds spoilings as
// large moves (docs/moments.md, "Measured"): the floors below are today's measured levels, a
// margin under them, so that a change that makes grouping or the best shot worse fails here.
const FLOORS = {
  copyPrecision: 0.85,
  copyRecall: 0.55,
  momentPrecision: 0.8,
  momentRecall: 0.7,
  bestShot: 0.8,
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
  }, 300_000);

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
