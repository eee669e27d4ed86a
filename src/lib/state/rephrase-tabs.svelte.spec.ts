import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import type { LlmInfo } from '../../../workers/llm/protocol';
import { openLibraryDb } from '../../core/store/db';
import { RephraseSettings } from './rephrase-settings.svelte';
import { RephraseState, type RephraseClient } from './rephrase.svelte';
import { TabChannel } from './tab-channel';
import { PageLocks } from './tab-locks';
import { memoryStorage } from './test-storage';

const info: LlmInfo = { model: 'tiny-llm', backend: 'webllm', device: 'webgpu' };

/** A "tab" with its own LLM worker, sharing the locks and the channel with the others. */
function tab(locks: PageLocks, channelName: string, n: number) {
  const client: RephraseClient = {
    load: vi.fn(() => Promise.resolve(info)),
    rephrase: vi.fn(() => Promise.resolve({ status: 'ok' as const, text: 'x', raw: 'x' })),
    deleteDownloads: () => Promise.resolve([]),
    terminate: vi.fn(),
  };
  const request = { profileId: 'tiny-world', appBase: 'http://x/', device: 'wasm' as const };
  const db = openLibraryDb(`rephrase-tabs-${channelName}-${n}`);
  const channel = new TabChannel(channelName);
  const state = new RephraseState(
    new RephraseSettings(memoryStorage()),
    client,
    request,
    () => db,
    {
      locks,
      channel,
    },
  );
  return { state, client, channel };
}

describe('the language model across tabs', () => {
  it('loads in one tab only; another searches with the words and can take it over', async () => {
    const locks = new PageLocks();
    const name = `llm-${Math.random()}`;
    const a = tab(locks, name, 1);
    const b = tab(locks, name, 2);
    expect(await a.state.load()).toEqual(info);

    await expect(b.state.load()).rejects.toThrow(/Another Lumen tab has the language model/);
    expect(b.state.elsewhere).toBe(true);
    expect(b.client.load).not.toHaveBeenCalled();
    // A search there goes on with the words as typed.
    expect(await b.state.run('red circle')).toBeNull();

    expect(await b.state.takeOver()).toEqual(info);
    expect(a.client.terminate).toHaveBeenCalled();
    expect(a.state.status).toBe('idle');
    expect(a.state.error).toMatch(/took over the language model/);
    expect(b.state.status).toBe('ready');
    expect(b.state.elsewhere).toBe(false);
    await expect(a.state.load()).rejects.toThrow(/Another Lumen tab/);
    a.channel.close();
    b.channel.close();
  });

  it('a tab that deletes its model lets another load it', async () => {
    const locks = new PageLocks();
    const name = `llm-${Math.random()}`;
    const a = tab(locks, name, 1);
    const b = tab(locks, name, 2);
    await a.state.load();
    await a.state.deleteDownloads();
    expect(await b.state.load()).toEqual(info);
    a.channel.close();
    b.channel.close();
  });
});
