import { proxy } from 'comlink';
import type {
  EmbeddingApi,
  IndexRequest,
  IndexingProgress,
  LoadRequest,
  LoadedModel,
  MetadataFillProgress,
  MetadataFillRequest,
  MetadataFillResult,
  ModelLoadProgress,
} from '../../../workers/embedding/protocol';
import { WorkerBridge, type WorkerCrashedError } from './worker-bridge';
import { WorkerSetup } from './worker-setup';

/** The page's handle on the indexing worker. */
export class EmbeddingClient {
  readonly #bridge: WorkerBridge<EmbeddingApi>;
  readonly #model: WorkerSetup<EmbeddingApi, LoadRequest, LoadedModel, ModelLoadProgress>;

  constructor(onCrash?: (reason: string, error: WorkerCrashedError) => void) {
    this.#bridge = new WorkerBridge<EmbeddingApi>(
      (name) =>
        new Worker(new URL('../../../workers/embedding/worker.ts', import.meta.url), {
          type: 'module',
          name,
        }),
      { label: 'indexing', ...(onCrash ? { onCrash } : {}) },
    );
    this.#model = new WorkerSetup(this.#bridge, (remote, request, onProgress) =>
      remote.load(request, proxy(onProgress)),
    );
  }

  /** Loads the image model once per worker; a replacement worker loads it again by itself. */
  load(request: LoadRequest, onProgress: (p: ModelLoadProgress) => void): Promise<LoadedModel> {
    return this.#model.apply(request, onProgress);
  }

  /** Indexes files; aborting the signal stops after the batch in flight, keeping it. */
  async index(
    request: IndexRequest,
    onProgress: (p: IndexingProgress) => void,
    signal?: AbortSignal,
  ): Promise<IndexingProgress> {
    signal?.throwIfAborted();
    await this.#model.ensure();
    return this.#bridge.call((remote) => remote.index(request, proxy(onProgress)), {
      ...(signal ? { signal } : {}),
      cancel: (remote) => remote.cancel(),
    });
  }

  /** Reads capture metadata of stored photos (no model needed); aborting stops after the file in hand. */
  fillMetadata(
    request: MetadataFillRequest,
    onProgress: (p: MetadataFillProgress) => void,
    signal?: AbortSignal,
  ): Promise<MetadataFillResult> {
    return this.#bridge.call((remote) => remote.fillMetadata(request, proxy(onProgress)), {
      ...(signal ? { signal } : {}),
      cancel: (remote) => remote.cancel(),
    });
  }

  pause(): Promise<void> {
    return this.#bridge.ifRunning((remote) => remote.pause());
  }

  resume(): Promise<void> {
    return this.#bridge.ifRunning((remote) => remote.resume());
  }

  /** Images per second of the loaded image model alone (see EmbeddingApi.modelRate). */
  async modelRate(batchSize: number, runs: number): Promise<number> {
    await this.#model.ensure();
    return this.#bridge.call((remote) => remote.modelRate(batchSize, runs));
  }

  terminate(): void {
    this.#bridge.terminate();
  }
}
