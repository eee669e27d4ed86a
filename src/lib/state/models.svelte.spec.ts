import { describe, expect, it } from 'vitest';
import type {
  LoadRequest,
  LoadedModel,
  ModelLoadProgress,
} from '../../../workers/embedding/protocol';
import { ModelsManager, type TowerLoader } from './models.svelte';

const request: LoadRequest = { profileId: 'tiny-world', appBase: 'http://x/', device: 'wasm' };
const loaded = (model: string): LoadedModel => ({ device: 'wasm', model, dim: 8, threads: 1 });

/** A loader whose calls the spec settles by hand. */
function manualLoader(model: string) {
  const calls: {
    resolve: () => void;
    reject: (e: Error) => void;
    progress: (p: ModelLoadProgress) => void;
  }[] = [];
  const loader: TowerLoader = {
    load: (_request, onProgress) =>
      new Promise<LoadedModel>((resolve, reject) => {
        calls.push({ resolve: () => resolve(loaded(model)), reject, progress: onProgress });
      }),
  };
  return { loader, calls };
}

describe('models manager', () => {
  it('loads each tower once, shares the load, and reports progress then readiness', async () => {
    const vision = manualLoader('vision');
    const models = new ModelsManager(
      { vision: vision.loader, text: manualLoader('t').loader },
      request,
    );
    expect(models.vision.state).toBe('idle');
    const a = models.visionModel();
    const b = models.visionModel();
    expect(vision.calls).toHaveLength(1);
    vision.calls[0]!.progress({ state: 'downloading', loaded: 5, total: 10 });
    expect(models.vision).toMatchObject({ state: 'loading', progress: { loaded: 5 } });
    vision.calls[0]!.resolve();
    expect(await a).toBe(await b);
    expect(models.vision).toMatchObject({ state: 'ready', loaded: { model: 'vision' } });
    expect(models.text.state).toBe('idle');
  });

  it('a failed load shows why and is tried again on the next use', async () => {
    const text = manualLoader('text');
    const models = new ModelsManager(
      { vision: manualLoader('v').loader, text: text.loader },
      request,
    );
    const first = models.textModel();
    text.calls[0]!.reject(new Error('text_model.onnx: 404'));
    await expect(first).rejects.toThrow('404');
    expect(models.text).toMatchObject({ state: 'failed', message: 'text_model.onnx: 404' });
    const second = models.textModel();
    expect(text.calls).toHaveLength(2);
    text.calls[1]!.resolve();
    await expect(second).resolves.toMatchObject({ model: 'text' });
    expect(models.text.state).toBe('ready');
  });

  it('after forget (the worker died) the next use loads again; the old load cannot overwrite it', async () => {
    const vision = manualLoader('vision');
    const models = new ModelsManager(
      { vision: vision.loader, text: manualLoader('t').loader },
      request,
    );
    const stale = models.visionModel();
    models.forget('vision');
    expect(models.vision.state).toBe('idle');
    const fresh = models.visionModel();
    expect(vision.calls).toHaveLength(2);
    vision.calls[0]!.reject(new Error('The indexing worker stopped unexpectedly (crash).'));
    await expect(stale).rejects.toThrow('stopped');
    expect(models.vision.state).toBe('loading');
    vision.calls[1]!.resolve();
    await fresh;
    expect(models.vision.state).toBe('ready');
  });
});
