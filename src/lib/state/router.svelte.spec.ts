import { describe, expect, it } from 'vitest';
import { Router, hrefOf, viewFromHash, type RouterWindow } from './router.svelte';

/** A window with a history of addresses: pushState adds, back and forward fire popstate. */
function fakeWindow(start: string) {
  const entries = [start];
  let at = 0;
  const listeners = new Map<string, Set<() => void>>();
  const fire = (type: string) => listeners.get(type)?.forEach((l) => l());
  const win: RouterWindow & { back(): void; forward(): void; typeHash(hash: string): void } = {
    location: {
      get href() {
        return entries[at]!;
      },
      get hash() {
        return new URL(entries[at]!).hash;
      },
    },
    history: {
      state: null,
      pushState(_data, _unused, url) {
        entries.splice(at + 1, Infinity, url);
        at++;
      },
      replaceState(_data, _unused, url) {
        entries[at] = url;
      },
    },
    addEventListener(type, l) {
      listeners.set(type, (listeners.get(type) ?? new Set()).add(l));
    },
    removeEventListener(type, l) {
      listeners.get(type)?.delete(l);
    },
    back() {
      at = Math.max(0, at - 1);
      fire('popstate');
    },
    forward() {
      at = Math.min(entries.length - 1, at + 1);
      fire('popstate');
    },
    // A link or a typed address with a new hash: the browser adds an entry, then tells.
    typeHash(hash) {
      const url = new URL(entries[at]!);
      url.hash = hash;
      entries.splice(at + 1, Infinity, url.href);
      at++;
      fire('popstate');
      fire('hashchange');
    },
  };
  return { win, entries: () => entries.slice(), at: () => at };
}

const BASE = 'https://me.github.io/lumen/?profile=tiny-world';

describe('views from addresses', () => {
  it('reads each view from its hash, and anything else as search', () => {
    expect(viewFromHash('')).toBe('search');
    expect(viewFromHash('#')).toBe('search');
    expect(viewFromHash('#tune')).toBe('tune');
    expect(viewFromHash('#/library')).toBe('library');
    expect(viewFromHash('#Moments')).toBe('moments');
    expect(viewFromHash('#compare')).toBe('compare');
    expect(viewFromHash('#nonsense')).toBe('search');
  });

  it('keeps the old judging address: #judge is the Compare view', () => {
    expect(viewFromHash('#judge')).toBe('compare');
  });

  it('keeps the path and query of the address, under a sub-path too', () => {
    expect(hrefOf(`${BASE}#tune`, 'library')).toBe(`${BASE}#library`);
    expect(hrefOf(`${BASE}#tune`, 'search')).toBe(BASE);
  });
});

describe('router', () => {
  it('starts on the view in the address, as after a reload', () => {
    const { win } = fakeWindow(`${BASE}#library`);
    expect(new Router(win).view).toBe('library');
  });

  it('rewrites an old address to the new one without adding a history entry', () => {
    const f = fakeWindow(`${BASE}#judge`);
    const router = new Router(f.win);
    expect(router.view).toBe('compare');
    expect(f.entries()).toEqual([`${BASE}#compare`]);
  });

  it('moves between views as history entries, so Back and Forward retrace them', () => {
    const f = fakeWindow(BASE);
    const router = new Router(f.win);
    router.start();
    router.go('tune');
    router.go('library');
    expect(f.entries()).toEqual([BASE, `${BASE}#tune`, `${BASE}#library`]);
    expect(router.view).toBe('library');
    f.win.back();
    expect(router.view).toBe('tune');
    f.win.back();
    expect(router.view).toBe('search');
    f.win.forward();
    expect(router.view).toBe('tune');
  });

  it('adds no entry for the view already shown', () => {
    const f = fakeWindow(`${BASE}#moments`);
    const router = new Router(f.win);
    router.go('moments');
    expect(f.entries()).toHaveLength(1);
  });

  it('follows a hash typed or linked from elsewhere, and stops following once undone', () => {
    const f = fakeWindow(BASE);
    const router = new Router(f.win);
    const stop = router.start();
    f.win.typeHash('#compare');
    expect(router.view).toBe('compare');
    stop();
    f.win.typeHash('#library');
    expect(router.view).toBe('compare');
  });
});
