import { proxy } from 'comlink';
import type {
  MomentsApi,
  MomentsProgress,
  MomentsRequest,
  MomentsResult,
} from '../../../workers/moments/protocol';
import { WorkerBridge, type WorkerCrashedError } from './worker-bridge';

/** The page's handle on the moments worker (groups of copies and moments, best shots). */
export class MomentsClient {
  readonly #bridge: WorkerBridge<MomentsApi>;

  constructor(onCrash?: (reason: string, error: WorkerCrashedError) => void) {
    this.#bridge = new WorkerBridge<MomentsApi>(
      (name) =>
        new Worker(new URL('../../../workers/moments/worker.ts', import.meta.url), {
          type: 'module',
          name,
        }),
      { label: 'moments', ...(onCrash ? { onCrash } : {}) },
    );
  }

  /** The library's groups; incremental after the first call (the worker keeps its index). */
  groups(
    request: MomentsRequest,
    onProgress?: (p: MomentsProgress) => void,
    signal?: AbortSignal,
  ): Promise<MomentsResult> {
    return this.#bridge.call(
      (remote) => remote.groups(request, onProgress ? proxy(onProgress) : undefined),
      signal ? { signal } : {},
    );
  }

  /** Forgets the worker's index (another library was imported). */
  reset(): Promise<void> {
    return this.#bridge.call((remote) => remote.reset());
  }

  terminate(): void {
    this.#bridge.terminate();
  }
}
