import { proxy } from 'comlink';
import type { LlmLoadReport } from '../../../workers/llm/protocol';
import type { LlmApi, LlmInfo, LlmLoadRequest, RephraseCall } from '../../../workers/llm/protocol';
import type { RephraseOutcome } from '../../../workers/llm/protocol';
import { WorkerBridge, cancellable } from './worker-bridge';

/** The page's handle on the LLM worker, started only when rephrasing is first used. */
export class LlmClient {
  readonly #bridge: WorkerBridge<LlmApi>;

  constructor(onCrash?: (message: string) => void) {
    this.#bridge = new WorkerBridge<LlmApi>(
      () =>
        new Worker(new URL('../../../workers/llm/worker.ts', import.meta.url), {
          type: 'module',
          name: 'lumen-llm',
        }),
      onCrash,
    );
  }

  load(request: LlmLoadRequest, onProgress: (r: LlmLoadReport) => void): Promise<LlmInfo> {
    return this.#bridge.remote.load(request, proxy(onProgress));
  }

  async rephrase(
    call: RephraseCall,
    onText: (piece: string) => void,
    signal?: AbortSignal,
  ): Promise<RephraseOutcome> {
    const remote = this.#bridge.remote;
    return cancellable<RephraseOutcome>(
      () => remote.rephrase(call, proxy(onText)),
      () => remote.cancel(),
      signal,
    );
  }

  deleteDownloads(profileId: string): Promise<string[]> {
    return this.#bridge.remote.deleteDownloads(profileId);
  }

  /** Frees the model's memory; the next use loads it again. */
  terminate(): void {
    this.#bridge.terminate();
  }
}
