import { proxy } from 'comlink';
import type { AestheticsApi, ScoreRequest } from '../../../workers/aesthetics/protocol';
import type { ScoringProgress } from '../../../workers/aesthetics/scorer';
import { WorkerBridge } from './worker-bridge';

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
    const onAbort = () => void remote.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await remote.score(request, proxy(onProgress));
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
