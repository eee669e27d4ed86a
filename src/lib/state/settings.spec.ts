import { describe, expect, it } from 'vitest';
import { parseRanking } from './ranking.svelte';
import { PROFILE_KEY, resolveSettings } from './settings';

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    data,
  };
}

describe('startup settings', () => {
  it('takes the profile from the URL and remembers it', () => {
    const storage = memoryStorage();
    expect(resolveSettings(new URL('http://x/?profile=tiny-world'), storage).profileId).toBe(
      'tiny-world',
    );
    expect(storage.data.get(PROFILE_KEY)).toBe('tiny-world');
    expect(resolveSettings(new URL('http://x/'), storage).profileId).toBe('tiny-world');
  });

  it('uses the default profile on a first visit', () => {
    expect(resolveSettings(new URL('http://x/'), memoryStorage())).toEqual({
      profileId: 'default',
      device: 'auto',
    });
  });

  it('warns about an unknown profile and keeps the remembered one', () => {
    const s = resolveSettings(
      new URL('http://x/?profile=evil'),
      memoryStorage({ [PROFILE_KEY]: 'tiny-world' }),
    );
    expect(s.profileId).toBe('tiny-world');
    expect(s.warning).toMatch(/no model profile called "evil"/);
  });

  it('accepts a forced device and ignores nonsense', () => {
    expect(resolveSettings(new URL('http://x/?device=wasm'), memoryStorage()).device).toBe('wasm');
    expect(resolveSettings(new URL('http://x/?device=quantum'), memoryStorage()).device).toBe(
      'auto',
    );
  });
});

describe('ranking settings', () => {
  it('restores what was saved', () => {
    const saved = JSON.stringify({
      beauty: 0.7,
      order: 'cascade',
      strictness: 0.4,
      cascadeK: 30,
      minBeauty: 0.2,
    });
    expect(parseRanking(saved)).toEqual({
      beauty: 0.7,
      order: 'cascade',
      strictness: 0.4,
      cascadeK: 30,
      minBeauty: 0.2,
    });
  });

  it('falls back to defaults for corrupt or out-of-range values', () => {
    expect(parseRanking('{not json')).toMatchObject({ beauty: 0, order: 'fusion' });
    expect(
      parseRanking(JSON.stringify({ beauty: 7, order: 'random', cascadeK: -3 })),
    ).toMatchObject({
      beauty: 1,
      order: 'fusion',
      cascadeK: 20,
    });
  });
});
