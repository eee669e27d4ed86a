import { describe, expect, it } from 'vitest';
import { listProfiles, manifestProblems } from './manifest';
import manifestJson from '../../models/manifest.json';
import { tuningProblems } from './tuning-spec';

const good = {
  trainingQueries: ['a red circle', 'sunset over the sea'],
  judgingQueries: ['a blue square'],
  grid: { k: 100, u: 5, v: 5, s: 4, seed: 1 },
  settings: { beta: 0.5 },
};

describe('manifest tuning section', () => {
  it('every profile ships disjoint training and judging queries', () => {
    for (const profile of listProfiles()) {
      const tuning = profile.tuning;
      expect(tuning, profile.id).toBeDefined();
      const judging = new Set(tuning!.judgingQueries.map((q) => q.toLowerCase()));
      const overlap = tuning!.trainingQueries.filter((q) => judging.has(q.toLowerCase()));
      expect(overlap, profile.id).toEqual([]);
      expect(tuning!.trainingQueries.length, profile.id).toBeGreaterThanOrEqual(10);
      expect(tuning!.judgingQueries.length, profile.id).toBeGreaterThanOrEqual(10);
    }
    expect(manifestProblems(manifestJson)).toEqual([]);
  });

  it('names an overlap, whatever the case or spacing', () => {
    expect(tuningProblems('p', good)).toEqual([]);
    const overlapping = { ...good, judgingQueries: ['  A Red Circle', 'x'] };
    expect(tuningProblems('p', overlapping)).toEqual([
      'p: tuning: training and judging queries overlap ("a red circle")',
    ]);
  });

  it('names every malformed field and accepts an absent section', () => {
    expect(tuningProblems('p', undefined)).toEqual([]);
    const bad = {
      trainingQueries: [],
      judgingQueries: ['x', 'x', 3],
      grid: { k: 0, u: 5, v: 5, s: 4, seed: 1 },
      settings: { beta: 'high' },
    };
    expect(tuningProblems('p', bad)).toEqual([
      'p: tuning.trainingQueries must be a non-empty array of query texts',
      'p: tuning.judgingQueries holds a query that is not a non-empty string',
      'p: tuning.judgingQueries repeats a query',
      'p: tuning.grid.k must be a positive integer',
      'p: tuning.settings.beta must be a finite number',
    ]);
    const profile = { ...manifestJson.profiles.default, tuning: 'no' };
    expect(manifestProblems({ profiles: { p: profile } })).toEqual(['p: tuning must be an object']);
  });
});
