/**
 * The page's views and their addresses. Each view is a hash route (`#tune`, `#library`…), so
 * addresses work on any static host and under a sub-path (GitHub Pages' `/lumen/`): the
 * document is always the same, only the part after `#` changes. Search, the default view, has
 * no hash. Moving between views pushes a history entry, so Back and Forward move between them,
 * and a reload comes back to the view in the address.
 */
export type View = 'search' | 'tune' | 'compare' | 'moments' | 'library';

export interface ViewInfo {
  id: View;
  /** The name in the navigation. */
  label: string;
  /** What the view is for, in a few words (the link's title). */
  title: string;
}

export const VIEWS: readonly ViewInfo[] = [
  { id: 'search', label: 'Photos', title: 'Search and browse your photos' },
  { id: 'tune', label: 'Tune', title: 'Tune the ranking to your taste' },
  { id: 'compare', label: 'Compare', title: 'Compare search systems side by side' },
  { id: 'moments', label: 'Moments', title: 'Review moments: keep the best shot of each' },
  { id: 'library', label: 'Library', title: 'Folders, export and import, models and storage' },
];

/** Addresses of earlier versions that still lead to their view. */
const OLD_HASHES: Readonly<Record<string, View>> = { judge: 'compare' };

/** The view an address's hash names; anything unknown is the search view. */
export function viewFromHash(hash: string): View {
  const name = decodeURIComponent(hash.replace(/^#\/?/, '')).toLowerCase();
  const old = OLD_HASHES[name];
  if (old) return old;
  return VIEWS.find((v) => v.id === name)?.id ?? 'search';
}

/** The hash of a view's address: none for search. */
export function hashOf(view: View): string {
  return view === 'search' ? '' : `#${view}`;
}

/** The page's address showing `view`: the same path and query, the view's hash. */
export function hrefOf(href: string, view: View): string {
  // The first "#" starts the fragment; search's address has none at all.
  return href.split('#')[0]! + hashOf(view);
}

/** What the router needs of the window: its address, history and events (a fake in tests). */
export interface RouterWindow {
  location: { href: string; hash: string };
  history: { state: unknown; pushState(data: unknown, unused: string, url: string): void } & {
    replaceState(data: unknown, unused: string, url: string): void;
  };
  addEventListener(type: 'popstate' | 'hashchange', listener: () => void): void;
  removeEventListener(type: 'popstate' | 'hashchange', listener: () => void): void;
}

export class Router {
  #view = $state<View>('search');
  readonly #win: RouterWindow;
  readonly #sync = () => (this.#view = viewFromHash(this.#win.location.hash));

  constructor(win: RouterWindow) {
    this.#win = win;
    this.#sync();
    // An old address (`#judge`) is rewritten in place to the view's own: the same entry.
    const raw = decodeURIComponent(win.location.hash.replace(/^#\/?/, '')).toLowerCase();
    if (raw in OLD_HASHES)
      win.history.replaceState(win.history.state, '', hrefOf(win.location.href, this.#view));
  }

  get view(): View {
    return this.#view;
  }

  /** Follows Back, Forward and addresses typed or linked with a hash. Returns the undo. */
  start(): () => void {
    this.#win.addEventListener('popstate', this.#sync);
    this.#win.addEventListener('hashchange', this.#sync);
    return () => {
      this.#win.removeEventListener('popstate', this.#sync);
      this.#win.removeEventListener('hashchange', this.#sync);
    };
  }

  /** Shows a view as a new history entry (nothing happens for the view already shown). */
  go(view: View): void {
    if (view === this.#view && viewFromHash(this.#win.location.hash) === view) return;
    this.#win.history.pushState(null, '', hrefOf(this.#win.location.href, view));
    this.#view = view;
  }
}
