import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { openLibraryDb } from '../../core/store/db';
import { RephraseSettings } from './rephrase-settings.svelte';
import { RephraseState, type RephraseClient } from './rephrase.svelte';
import { memoryStorage } from './test-storage';
import { storedRephrasings } from './tuning.svelte';

describe('rephrasing cache key', () => {
  it('tuning finds the rephrasing search cached, for the same model and style only', async () => {
    const client: RephraseClient = {
      load: () => Promise.resolve({ model: 'tiny-llm', backend: 'transformers', device: 'wasm' }),
      rephrase: vi.fn(() =>
        Promise.resolve({ status: 'ok' as const, text: 'a red circle', raw: 'a red circle' }),
      ),
      deleteDownloads: () => Promise.resolve([]),
      terminate: () => {},
    };
    const settings = new RephraseSettings(memoryStorage());
    const request = { profileId: 'tiny-world', appBase: 'http://x/', device: 'wasm' as const };
    const db = openLibraryDb('rephrasing-key');
    const state = new RephraseState(settings, client, request, () => db);
    expect(settings.style).toBe('reorganise');
    await state.run('  Red Circle ');
    // Another query now holds the applied slot, so the lookup has to come from the cache.
    state.useOwnWords('something else');
    const stored = storedRephrasings(state, () => db);
    expect(await stored.lookup('red circle')).toBe('a red circle');
    expect(await stored.lookup('blue square')).toBeNull();
    settings.style = 'detail';
    expect(await stored.lookup('red circle')).toBeNull();
  });
});
