import { DEFAULT_STYLE, isPromptStyle, type PromptStyle } from '../../../workers/llm/protocol';
import { PersistedSetting, type SettingStorage } from './persisted-setting.svelte';

export const REPHRASE_KEY = 'lumen.rephrase';

export interface RephraseChoice {
  enabled: boolean;
  style: PromptStyle;
  /** Weight of the rephrasing against the person's own words in the query embedding. */
  blend: number;
}

const DEFAULTS: RephraseChoice = { enabled: false, style: DEFAULT_STYLE, blend: 0.5 };

/** Stored choices, field by field: a malformed field falls back to its default. */
export function validateRephraseChoice(stored: unknown): RephraseChoice | undefined {
  if (!stored || typeof stored !== 'object') return undefined;
  const v = stored as Partial<Record<keyof RephraseChoice, unknown>>;
  return {
    enabled: typeof v.enabled === 'boolean' ? v.enabled : DEFAULTS.enabled,
    style: isPromptStyle(v.style) ? v.style : DEFAULTS.style,
    blend: typeof v.blend === 'number' && v.blend >= 0 && v.blend <= 1 ? v.blend : DEFAULTS.blend,
  };
}

/** Whether and how queries are rephrased, remembered across visits as soon as it changes. */
export class RephraseSettings {
  readonly #setting: PersistedSetting<RephraseChoice>;

  constructor(storage?: SettingStorage | null) {
    this.#setting = new PersistedSetting({
      key: REPHRASE_KEY,
      fallback: DEFAULTS,
      validate: validateRephraseChoice,
      ...(storage === undefined ? {} : { storage }),
      followOtherTabs: true,
    });
  }

  #set(patch: Partial<RephraseChoice>) {
    this.#setting.value = { ...this.#setting.value, ...patch };
  }

  get enabled(): boolean {
    return this.#setting.value.enabled;
  }
  set enabled(enabled: boolean) {
    this.#set({ enabled });
  }
  get style(): PromptStyle {
    return this.#setting.value.style;
  }
  set style(style: PromptStyle) {
    this.#set({ style });
  }
  get blend(): number {
    return this.#setting.value.blend;
  }
  set blend(blend: number) {
    this.#set({ blend });
  }
}
