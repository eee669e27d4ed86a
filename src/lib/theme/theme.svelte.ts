import {
  THEME_KEY,
  applyChoice,
  loadChoice,
  pageStorage,
  resolveTheme,
  saveChoice,
  type ThemeChoice,
} from './theme';

/**
 * The page's theme choice as state, for the toggle: changing it stores it and applies it to
 * <html>; another tab's change (a storage event) is followed here too.
 */
export class ThemeState {
  #choice = $state<ThemeChoice>('system');
  #systemDark = $state(false);

  constructor(
    private readonly root: HTMLElement = document.documentElement,
    private readonly storage: Storage | undefined = pageStorage(),
  ) {
    this.#choice = loadChoice(storage);
    const query = globalThis.matchMedia?.('(prefers-color-scheme: dark)');
    this.#systemDark = query?.matches ?? false;
    query?.addEventListener('change', (e) => (this.#systemDark = e.matches));
    globalThis.addEventListener?.('storage', (e) => {
      if (e.key !== THEME_KEY && e.key !== null) return;
      this.#choice = loadChoice(storage);
      applyChoice(root, this.#choice);
    });
    applyChoice(root, this.#choice);
  }

  get choice(): ThemeChoice {
    return this.#choice;
  }
  set choice(next: ThemeChoice) {
    this.#choice = next;
    saveChoice(this.storage, next);
    applyChoice(this.root, next);
  }
  /** What is shown now. */
  get theme(): 'light' | 'dark' {
    return resolveTheme(this.#choice, this.#systemDark);
  }
}
