import { describe, expect, it, vi } from 'vitest';
import {
  startingProgress,
  type FileSource,
  type IndexingProgress,
} from '../../../workers/embedding/protocol';
import { IndexingManager, type IndexingClient } from './indexing.svelte';
import { Notice } from './notice.svelte';
import { TabChannel } from './tab-channel';
import { PageLocks } from './tab-locks';

const sources = (n: number): FileSource[] =>
  Array.from({ length: n }, (_, i) => ({ file: new File(['x'], `${i}.jpg`), path: `f/${i}.jpg` }));

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

/** A "tab": its own manager and worker, sharing the locks and channel name with the others. */
function tab(locks: PageLocks, channelName: string, index: IndexingClient['index']) {
  const models = {
    visionModel: vi.fn(() =>
      Promise.resolve({ device: 'wasm' as const, model: 'v', dim: 8, threads: 1 }),
    ),
    forget: vi.fn(),
  };
  const library = {
    rememberOriginals: vi.fn(),
    refreshPendingJob: vi.fn(() => Promise.resolve()),
    pendingJob: null,
  };
  const client: IndexingClient = {
    index: vi.fn(index),
    pause: () => Promise.resolve(),
    resume: () => Promise.resolve(),
  };
  const channel = new TabChannel(channelName);
  const onQueued = vi.fn();
  const indexing = new IndexingManager(
    client,
    models,
    library,
    new Notice(),
    { onQueued },
    { locks, channel },
  );
  return { indexing, client, channel, onQueued };
}

describe('indexing in two tabs of one library', () => {
  it("the second tab shows the first's progress, then indexes its own folder, never at once", async () => {
    const locks = new PageLocks();
    const name = `tabs-spec-${Math.random()}`;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let running = 0;
    let overlapped = false;
    const job =
      (wait: Promise<void> | null) =>
      async (r: { sources: FileSource[] }, onProgress: (p: IndexingProgress) => void) => {
        running++;
        overlapped ||= running > 1;
        const total = r.sources.length;
        onProgress({ ...startingProgress(total), processed: 3, indexed: 3, rate: 2 });
        if (wait) await wait;
        running--;
        return {
          ...startingProgress(total),
          state: 'done' as const,
          processed: total,
          indexed: total,
        };
      };
    const a = tab(locks, name, job(held));
    const b = tab(locks, name, job(null));
    const first = a.indexing.addSources(sources(10), 'Holidays');
    await until(() => b.indexing.elsewhere?.progress.processed === 3);
    expect(b.indexing.elsewhere?.rootName).toBe('Holidays');

    const second = b.indexing.addSources(sources(4), 'Holidays');
    await until(() => b.indexing.waiting === 'Holidays');
    expect(b.indexing.isIndexing).toBe(true);
    expect(b.client.index).not.toHaveBeenCalled();
    // Recorded as waiting, so that closing this tab leaves an interrupted job to resume.
    expect(b.onQueued).toHaveBeenLastCalledWith(expect.objectContaining({ rootName: 'Holidays' }));

    release();
    await Promise.all([first, second]);
    expect(overlapped).toBe(false);
    expect(b.indexing.progress).toMatchObject({ state: 'done', indexed: 4 });
    expect(b.onQueued).toHaveBeenLastCalledWith(null);
    expect(a.onQueued).not.toHaveBeenCalled();
    expect(b.indexing.waiting).toBeNull();
    await until(() => a.indexing.elsewhere === null && b.indexing.elsewhere === null);
    a.channel.close();
    b.channel.close();
  });

  it('cancelling while waiting ends as cancelled, with no error and nothing run', async () => {
    const locks = new PageLocks();
    const name = `tabs-spec-${Math.random()}`;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const a = tab(locks, name, async (r) => {
      await held;
      return { ...startingProgress(r.sources.length), state: 'done' as const };
    });
    const b = tab(locks, name, () => Promise.reject(new Error('must not run')));
    const first = a.indexing.addSources(sources(2), 'A');
    const second = b.indexing.addSources(sources(2), 'B');
    await until(() => b.indexing.waiting === 'B');
    b.indexing.cancel();
    await second;
    expect(b.indexing.progress?.state).toBe('cancelled');
    expect(b.indexing.waiting).toBeNull();
    expect(b.client.index).not.toHaveBeenCalled();
    expect(b.onQueued).toHaveBeenLastCalledWith(null);
    release();
    await first;
    a.channel.close();
    b.channel.close();
  });
});
