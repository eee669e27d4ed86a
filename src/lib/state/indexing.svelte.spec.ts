import { describe, expect, it, vi } from 'vitest';
import {
  startingProgress,
  type FileSource,
  type IndexingProgress,
} from '../../../workers/embedding/protocol';
import { IndexingManager, type IndexingClient } from './indexing.svelte';
import { Notice } from './notice.svelte';

const sources = (n: number): FileSource[] =>
  Array.from({ length: n }, (_, i) => ({ file: new File(['x'], `${i}.jpg`), path: `f/${i}.jpg` }));

const crashed = new Error('The indexing worker stopped unexpectedly (it ran out of memory).');

function setup(index: IndexingClient['index']) {
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
  const notice = new Notice();
  const onFinished = vi.fn(() => Promise.resolve());
  const client: IndexingClient = {
    index: vi.fn(index),
    pause: () => Promise.resolve(),
    resume: () => Promise.resolve(),
  };
  const indexing = new IndexingManager(client, models, library, notice, { onFinished });
  return { indexing, models, notice, client, onFinished };
}

describe('indexing manager', () => {
  it('a worker dying mid-index ends the run as failed, says so, and the next run works', async () => {
    let calls = 0;
    const { indexing, models, notice, onFinished } = setup((request, onProgress) => {
      calls++;
      if (calls === 1) {
        onProgress({ ...startingProgress(request.sources.length), processed: 2, indexed: 2 });
        return Promise.reject(crashed);
      }
      const done: IndexingProgress = {
        ...startingProgress(request.sources.length),
        state: 'done',
        processed: request.sources.length,
      };
      return Promise.resolve(done);
    });
    await indexing.addSources(sources(5), 'f');
    expect(indexing.isIndexing).toBe(false);
    expect(indexing.progress).toMatchObject({ state: 'failed', processed: 2 });
    expect(indexing.progress?.message).toMatch(/^Indexing failed: The indexing worker stopped/);
    expect(notice.message).toBe(indexing.progress?.message);
    expect(notice.message).not.toMatch(/\.\./);
    expect(models.forget).toHaveBeenCalledWith('vision');
    expect(onFinished).toHaveBeenCalledTimes(1);

    await indexing.addSources(sources(3), 'f');
    expect(indexing.progress).toMatchObject({ state: 'done', processed: 3 });
    expect(models.visionModel).toHaveBeenCalledTimes(2);
  });

  it('refuses a second run while one is going, and shows progress as it comes', async () => {
    let finish: (p: IndexingProgress) => void = () => undefined;
    let report: (p: IndexingProgress) => void = () => undefined;
    const { indexing, notice, client } = setup((_request, onProgress) => {
      report = onProgress;
      return new Promise((resolve) => (finish = resolve));
    });
    const run = indexing.addSources(sources(4), 'f');
    await vi.waitFor(() => expect(client.index).toHaveBeenCalled());
    report({ ...startingProgress(4), processed: 1 });
    expect(indexing.progress?.processed).toBe(1);
    expect(indexing.isIndexing).toBe(true);
    await indexing.addSources(sources(1), 'g');
    expect(notice.message).toMatch(/already running/);
    expect(client.index).toHaveBeenCalledTimes(1);
    indexing.pause();
    expect(indexing.progress?.state).toBe('paused');
    finish({ ...startingProgress(4), state: 'done', processed: 4 });
    await run;
    expect(indexing.isIndexing).toBe(false);
    indexing.close();
    expect(indexing.progress).toBeNull();
  });

  it('when the image model cannot load, nothing runs and the files wait for another try', async () => {
    const { indexing, models, client } = setup((request) =>
      Promise.resolve({
        ...startingProgress(request.sources.length),
        state: 'done',
        processed: request.sources.length,
      }),
    );
    models.visionModel.mockRejectedValueOnce(new Error('vision_model.onnx: 404'));
    const picked = sources(2);
    await indexing.addSources(picked, 'f');
    expect(indexing.progress).toBeNull();
    expect(client.index).not.toHaveBeenCalled();
    expect(indexing.unstarted).toMatchObject({ rootName: 'f', sources: picked });

    await indexing.retryUnstarted();
    expect(models.visionModel).toHaveBeenCalledTimes(2);
    expect(client.index).toHaveBeenCalledWith(
      expect.objectContaining({ sources: picked, rootName: 'f' }),
      expect.any(Function),
      expect.any(AbortSignal),
    );
    expect(indexing.progress).toMatchObject({ state: 'done', processed: 2 });
    expect(indexing.unstarted).toBeNull();
  });

  it('forgets the waiting files when dismissed or when others are picked', async () => {
    const { indexing, models } = setup((request) =>
      Promise.resolve({ ...startingProgress(request.sources.length), state: 'done' }),
    );
    models.visionModel.mockRejectedValueOnce(new Error('offline'));
    await indexing.addSources(sources(2), 'f');
    indexing.dismissUnstarted();
    expect(indexing.unstarted).toBeNull();

    models.visionModel.mockRejectedValueOnce(new Error('offline'));
    await indexing.addSources(sources(2), 'f');
    await indexing.addSources(sources(1), 'g');
    expect(indexing.unstarted).toBeNull();
  });

  it('says so when there is nothing to index', async () => {
    const { indexing, notice, client } = setup(() => Promise.reject(new Error('unreachable')));
    await indexing.addSources([], 'f');
    expect(notice.message).toMatch(/No files found/);
    expect(client.index).not.toHaveBeenCalled();
  });
});
