import { proxy } from 'comlink';
import type { AestheticsApi, ScoreRequest } from '../../../workers/aesthetics/protocol';
import type { ScoringProgress } from '../../../workers/aesthetics/protocol';
import { WorkerBridge, cancellable } from './worker-bridge';

/** The page's handle on the aesthetics worker. */
export class AestheticsClient {
  readonly #bridge: WorkerBridge<AestheticsApi>;

  constructor(onCrash?: (message: string) => void) {
    this.#bridge = new WorkerBridge<AestheticsApi>(
      () =>
        new Worker(new URL('../../../workers/aesthetics/worker.ts', import.meta.url), {
          type: 'module',
          name: 'lumen-aesthetics',
        }),
      onCrash,
    );
  }

  async score(
    request: ScoreRequest,
    onProgress: (p: ScoringProgress) => void,
    signal?: AbortSignal,
  ): Promise<ScoringProgress> {
    const remote = this.#bridge.remote;
    return cancellable(
      () => remote.score(request, proxy(onProgress)),
      () => remote.cancel(),
      signal,
    );
  }
}
