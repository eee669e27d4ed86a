import { proxy } from 'comlink';
import type {
  AestheticsApi,
  ScoreRequest,
  ScoringProgress,
} from '../../../workers/aesthetics/protocol';
import { WorkerBridge, type WorkerCrashedError } from './worker-bridge';

/** The page's handle on the aesthetics worker. */
export class AestheticsClient {
  readonly #bridge: WorkerBridge<AestheticsApi>;

  constructor(onCrash?: (reason: string, error: WorkerCrashedError) => void) {
    this.#bridge = new WorkerBridge<AestheticsApi>(
      (name) =>
        new Worker(new URL('../../../workers/aesthetics/worker.ts', import.meta.url), {
          type: 'module',
          name,
        }),
      { label: 'aesthetics', ...(onCrash ? { onCrash } : {}) },
    );
  }

  score(
    request: ScoreRequest,
    onProgress: (p: ScoringProgress) => void,
    signal?: AbortSignal,
  ): Promise<ScoringProgress> {
    return this.#bridge.call((remote) => remote.score(request, proxy(onProgress)), {
      ...(signal ? { signal } : {}),
      cancel: (remote) => remote.cancel(),
    });
  }
}
