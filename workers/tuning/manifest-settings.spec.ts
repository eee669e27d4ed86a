import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gridOf, trainSettingsOf } from './manifest-settings';
import { DEFAULT_DPO_GRID, FEW_PAIR_SETTINGS } from './protocol';

describe('manifest tuning settings', () => {
  it('maps known names and refuses unknown ones', () => {
    expect(trainSettingsOf({ settings: { beta: 0.3, klSample: 16 } })).toEqual({
      beta: 0.3,
      klSample: 16,
    });
    expect(() => trainSettingsOf({ settings: { betta: 0.3 } })).toThrow(
      /Unknown tuning setting "betta"/,
    );
    expect(trainSettingsOf(undefined)).toEqual({});
  });

  it('fills the grid from the defaults', () => {
    expect(gridOf(undefined)).toEqual(DEFAULT_DPO_GRID);
    expect(gridOf({ grid: { k: 40, u: 4, v: 5, s: 2, seed: 7 } })).toEqual({
      k: 40,
      u: 4,
      v: 5,
      s: 2,
      seed: 7,
    });
  });

  it('the few-pair settings the page trains tastes with are the ones recorded in the manifest', () => {
    const manifest = JSON.parse(
      readFileSync(new URL('../../models/manifest.json', import.meta.url), 'utf8'),
    ) as { profiles: Record<string, { tuning?: { fewPairSettings?: Record<string, number> } }> };
    const recorded = manifest.profiles['tiny-world']?.tuning?.fewPairSettings;
    expect(trainSettingsOf({ settings: recorded ?? {} })).toEqual(FEW_PAIR_SETTINGS);
  });
});
