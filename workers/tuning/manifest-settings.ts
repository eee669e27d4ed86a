/**
 * The manifest's recorded tuning settings (src/core/tuning-spec.ts) as the trainer's types.
 * The manifest stores plain numbers by name; a name the trainer does not know is an error
 * here rather than a setting silently ignored.
 */
import type { TuningSpec } from '../../src/core/manifest';
import {
  DEFAULT_DPO_GRID,
  DEFAULT_TRAIN_SETTINGS,
  type DpoGridSettings,
  type TrainSettings,
} from './protocol';

const SETTING_KEYS = Object.keys(DEFAULT_TRAIN_SETTINGS) as (keyof TrainSettings)[];

function isSettingKey(key: string): key is keyof TrainSettings {
  return SETTING_KEYS.some((k) => k === key);
}

export function trainSettingsOf(
  spec: Pick<TuningSpec, 'settings'> | undefined,
): Partial<TrainSettings> {
  const out: Partial<TrainSettings> = {};
  for (const [key, value] of Object.entries(spec?.settings ?? {})) {
    if (!isSettingKey(key)) {
      throw new Error(`Unknown tuning setting "${key}" (known: ${SETTING_KEYS.join(', ')})`);
    }
    out[key] = value;
  }
  return out;
}

export function gridOf(spec: Pick<TuningSpec, 'grid'> | undefined): DpoGridSettings {
  return { ...DEFAULT_DPO_GRID, ...spec?.grid };
}
