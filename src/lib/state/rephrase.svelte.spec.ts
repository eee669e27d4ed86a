import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import type { LlmInfo, RephraseOutcome } from '../../../workers/llm/protocol';
import { openLibraryDb } from '../../core/store/db';
import { RephraseSettings, REPHRASE_KEY } from './rephrase-settings.svelte';
import { RephraseState, type RephraseClient } from './rephrase.svelte';
import { memoryStorage } from './test-storage';

let n = 0;
const info: LlmInfo = { model: 'tiny-llm', backend: 'transformers', device: 'wasm' };
const ok = (text: string): RephraseOutcome => ({ status: 'ok', text, raw: text });

function setup(rephrase: RephraseClient['rephrase']) {
  const client: RephraseClient = {
    load: vi.fn(() => Promise.resolve(info)),
    rephrase: vi.fn(rephrase),
    deleteDownloads: () => Promise.resolve([]),
    terminate: vi.fn(),
  };
  const settings = new RephraseSettings(memoryStorage());
  const request = { profileId: 'tiny-world', appBase: 'http://x/', device: 'wasm' as const };
  const db = openLibraryDb(`rephrase-${++n}`);
  const state = new RephraseState(settings, client, request, () => db);
  return { state, client };
}

describe('rephrase state', () => {
  it('a dying LLM worker falls back to the words and loads the model again next time', async () => {
    const { state, client } = setup(
      vi
        .fn<RephraseClient['rephrase']>()
        .mockRejectedValueOnce(new Error('The language model worker stopped unexpectedly (crash).'))
        .mockResolvedValue(ok('a red circle on sand, golden light')),
    );
    expect(await state.run('red circle')).toBeNull();
    expect(state.fallback).toMatch(/^Rephrasing failed \(The language model worker stopped/);
    expect(state.streaming).toBe(false);
    expect(await state.run('red circle')).toBe('a red circle on sand, golden light');
    expect(client.load).toHaveBeenCalledTimes(2);
    expect(state.applied.textFor('red circle')).toBe('a red circle on sand, golden light');
  });

  it('caches a rephrasing per query, and edits are undoable', async () => {
    const { state, client } = setup(() => Promise.resolve(ok('first')));
    await state.run('q');
    await state.run('q');
    expect(client.rephrase).toHaveBeenCalledTimes(1);
    state.draft = 'edited';
    await state.applyDraft('q');
    expect(state.applied.text).toBe('edited');
    state.useOwnWords('q');
    expect(state.applied.text).toBeNull();
    expect(state.undo()).toBe('edited');
    expect(state.undo()).toBe('first');
    expect(state.applied.canUndo).toBe(false);
    expect(state.draft).toBe('first');
  });
});

describe('rephrase settings', () => {
  it('persist on change and reject malformed fields one by one', () => {
    const storage = memoryStorage({
      [REPHRASE_KEY]: JSON.stringify({ enabled: true, style: 'poem', blend: 4 }),
    });
    const settings = new RephraseSettings(storage);
    expect(settings.enabled).toBe(true);
    expect(settings.style).toBe('reorganise');
    expect(settings.blend).toBe(0.5);
    settings.blend = 0.8;
    expect(JSON.parse(storage.data.get(REPHRASE_KEY) ?? '{}')).toMatchObject({ blend: 0.8 });
  });
});
