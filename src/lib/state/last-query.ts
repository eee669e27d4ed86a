import type { PersistedSetting } from './persisted-setting.svelte';

/** Where the words last searched for are kept (browser storage). */
export const LAST_QUERY_KEY = 'lumen.lastQuery';

/**
 * The words last searched for, kept across visits, and whether the person has taken the search
 * box since the page opened: then the restored words must not overwrite what they type.
 */
export class LastQuery {
  #held = false;

  constructor(private readonly setting: PersistedSetting<string>) {}

  hold(): void {
    this.#held = true;
  }

  /** The words to search again at start; none once the person is in the box. */
  get toRestore(): string {
    return this.#held ? '' : this.setting.value;
  }

  remember(text: string): void {
    this.setting.value = text;
  }
}
