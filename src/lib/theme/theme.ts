/**
 * Light and dark (docs/design.md). The person picks system, light or dark; the choice is kept in
 * localStorage and shown as `data-theme` on <html>, which app.css reads: "system" leaves the
 * colours to `prefers-color-scheme`. No inline script may run before the bundle (the
 * Content-Security-Policy forbids it), so main.ts applies the stored choice as its first step:
 * a page whose choice differs from the system's can show the system's colours for a frame.
 */

export const THEME_CHOICES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];
export type Theme = 'light' | 'dark';

export const THEME_KEY = 'lumen.theme';

/** A stored value read back: anything but "light" or "dark" (absent, old, tampered) is system. */
export function parseChoice(value: string | null | undefined): ThemeChoice {
  return value === 'light' || value === 'dark' ? value : 'system';
}

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** The page's localStorage; undefined where even reading the property throws (blocked storage). */
export function pageStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

/** The stored choice; system where storage is missing or refuses (private modes, policies). */
export function loadChoice(storage: Store | undefined): ThemeChoice {
  try {
    return parseChoice(storage?.getItem(THEME_KEY));
  } catch {
    return 'system';
  }
}

/** Keeps the choice; system is kept as no entry at all, so the default is what a new page sees. */
export function saveChoice(storage: Store | undefined, choice: ThemeChoice): void {
  try {
    if (choice === 'system') storage?.removeItem(THEME_KEY);
    else storage?.setItem(THEME_KEY, choice);
  } catch {
    // Not kept across reloads; this page still shows it.
  }
}

/** The theme a choice shows, given whether the system prefers dark. */
export function resolveTheme(choice: ThemeChoice, systemDark: boolean): Theme {
  return choice === 'system' ? (systemDark ? 'dark' : 'light') : choice;
}

/** Shows a choice: app.css keys its colours on this attribute. */
export function applyChoice(root: HTMLElement, choice: ThemeChoice): void {
  root.dataset.theme = choice;
}
