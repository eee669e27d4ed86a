import { proxy } from 'comlink';
import type {
  MomentsApi,
  MomentsProgress,
  MomentsRequest,
  MomentsResult,
} from '../../../workers/moments/protocol';
import { WorkerBridge, type WorkerCrashedError } from './worker-bridge';

/** The page's handle on the moments worker: groups of near-identical photos and their best shot. */
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

  groups(
    request: MomentsRequest,
    onProgress?: (p: MomentsProgress) => void,
  ): Promise<MomentsResult> {
    return this.#bridge.call((remote) =>
      remote.groups(request, onProgress ? proxy(onProgress) : undefined),
    );
  }

  reset(): Promise<void> {
    return this.#bridge.call((remote) => remote.reset());
  }
}
