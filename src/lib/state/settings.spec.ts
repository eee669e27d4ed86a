import { describe, expect, it } from 'vitest';
import { DEFAULT_RANK } from '../../../workers/search/protocol';
import { RANKING_KEY, RankingSettings, validateRanking } from './ranking.svelte';
import { PROFILE_KEY, profileHref, profileSetting, resolveSettings } from './settings';
import { memoryStorage } from './test-storage';

const resolve = (url: string, storage = memoryStorage()) =>
  resolveSettings(new URL(url), profileSetting(storage));

describe('startup settings', () => {
  it('takes the profile from the URL and remembers it', () => {
    const storage = memoryStorage();
    expect(resolve('http://x/?profile=tiny-world', storage).profileId).toBe('tiny-world');
    expect(storage.data.get(PROFILE_KEY)).toBe('tiny-world');
    expect(resolve('http://x/', storage).profileId).toBe('tiny-world');
  });

  it('uses the default profile on a first visit', () => {
    expect(resolve('http://x/')).toEqual({
      profileId: 'default',
      device: 'auto',
    });
  });

  it('warns about an unknown profile and keeps the remembered one', () => {
    const s = resolve('http://x/?profile=evil', memoryStorage({ [PROFILE_KEY]: 'tiny-world' }));
    expect(s.profileId).toBe('tiny-world');
    expect(s.warning).toMatch(/no model profile called "evil"/);
  });

  it('accepts a forced device and ignores nonsense', () => {
    expect(resolve('http://x/?device=wasm').device).toBe('wasm');
    expect(resolve('http://x/?device=quantum').device).toBe('auto');
  });

  it('ignores a remembered profile the manifest no longer has', () => {
    expect(resolve('http://x/', memoryStorage({ [PROFILE_KEY]: 'gone' })).profileId).toBe(
      'default',
    );
  });
});

describe('ranking settings', () => {
  it('restores what was saved', () => {
    const saved = { beauty: 0.7, order: 'cascade', strictness: 0.4, cascadeK: 30, minBeauty: 0.2 };
    const ranking = new RankingSettings(memoryStorage({ [RANKING_KEY]: JSON.stringify(saved) }));
    expect(ranking.options).toEqual(saved);
  });

  it('persists a change at once', () => {
    const storage = memoryStorage();
    const ranking = new RankingSettings(storage);
    ranking.beauty = 0.35;
    ranking.order = 'beauty';
    expect(new RankingSettings(storage).options).toMatchObject({ beauty: 0.35, order: 'beauty' });
  });

  it('rejects corrupt or out-of-range values, field by field', () => {
    expect(new RankingSettings(memoryStorage({ [RANKING_KEY]: '{not json' })).options).toEqual(
      DEFAULT_RANK,
    );
    expect(validateRanking({ beauty: 7, order: 'random', cascadeK: -3, strictness: 0.3 })).toEqual({
      ...DEFAULT_RANK,
      strictness: 0.3,
    });
    expect(validateRanking('fusion')).toBeUndefined();
  });
});

describe('profileHref', () => {
  it('swaps the profile and keeps the rest of the address, the view included', () => {
    expect(
      profileHref('https://me.github.io/lumen/?profile=default&device=wasm#tune', 'tiny-world'),
    ).toBe('https://me.github.io/lumen/?profile=tiny-world&device=wasm#tune');
    expect(profileHref('http://localhost:5173/', 'default')).toBe(
      'http://localhost:5173/?profile=default',
    );
  });
});
