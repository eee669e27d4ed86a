import { proxy } from 'comlink';
import type {
  EmbeddingApi,
  IndexRequest,
  IndexingProgress,
  LoadRequest,
  LoadedModel,
} from '../../../workers/embedding/protocol';
import type { ModelLoadProgress } from '../../../workers/embedding/protocol';
import { WorkerBridge, cancellable } from './worker-bridge';

/** The page's handle on the indexing worker. */
export class EmbeddingClient {
  readonly #bridge: WorkerBridge<EmbeddingApi>;

  constructor(onCrash?: (message: string) => void) {
    this.#bridge = new WorkerBridge<EmbeddingApi>(
      () =>
        new Worker(new URL('../../../workers/embedding/worker.ts', import.meta.url), {
          type: 'module',
          name: 'lumen-embedding',
        }),
      onCrash,
    );
  }

  load(request: LoadRequest, onProgress: (p: ModelLoadProgress) => void): Promise<LoadedModel> {
    return this.#bridge.remote.load(request, proxy(onProgress));
  }

  /** Indexes files; aborting the signal stops after the batch in flight, keeping it. */
  async index(
    request: IndexRequest,
    onProgress: (p: IndexingProgress) => void,
    signal?: AbortSignal,
  ): Promise<IndexingProgress> {
    const remote = this.#bridge.remote;
    return cancellable(
      () => remote.index(request, proxy(onProgress)),
      () => remote.cancel(),
      signal,
    );
  }

  pause(): Promise<void> {
    return this.#bridge.remote.pause();
  }

  resume(): Promise<void> {
    return this.#bridge.remote.resume();
  }

  terminate(): void {
    this.#bridge.terminate();
  }
}
