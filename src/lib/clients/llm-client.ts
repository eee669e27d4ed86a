import { proxy } from 'comlink';
import type {
  LlmApi,
  LlmInfo,
  LlmLoadReport,
  LlmLoadRequest,
  RephraseCall,
  RephraseOutcome,
} from '../../../workers/llm/protocol';
import { WorkerBridge, type WorkerCrashedError } from './worker-bridge';
import { WorkerSetup } from './worker-setup';

/** The page's handle on the LLM worker, started only when rephrasing is first used. */
export class LlmClient {
  readonly #bridge: WorkerBridge<LlmApi>;
  readonly #model: WorkerSetup<LlmApi, LlmLoadRequest, LlmInfo, LlmLoadReport>;

  constructor(onCrash?: (reason: string, error: WorkerCrashedError) => void) {
    this.#bridge = new WorkerBridge<LlmApi>(
      (name) =>
        new Worker(new URL('../../../workers/llm/worker.ts', import.meta.url), {
          type: 'module',
          name,
        }),
      { label: 'language model', ...(onCrash ? { onCrash } : {}) },
    );
    this.#model = new WorkerSetup(this.#bridge, (remote, request, onProgress) =>
      remote.load(request, proxy(onProgress)),
    );
  }

  /** Loads the model once per worker; a replacement worker loads it again by itself. */
  load(request: LlmLoadRequest, onProgress: (r: LlmLoadReport) => void): Promise<LlmInfo> {
    return this.#model.apply(request, onProgress);
  }

  async rephrase(
    call: RephraseCall,
    onText: (piece: string) => void,
    signal?: AbortSignal,
  ): Promise<RephraseOutcome> {
    signal?.throwIfAborted();
    await this.#model.ensure();
    return this.#bridge.call<RephraseOutcome>((remote) => remote.rephrase(call, proxy(onText)), {
      ...(signal ? { signal } : {}),
      cancel: (remote) => remote.cancel(),
    });
  }

  deleteDownloads(profileId: string): Promise<string[]> {
    return this.#bridge.call((remote) => remote.deleteDownloads(profileId));
  }

  /** Frees the model's memory; the next use loads it again. */
  terminate(): void {
    this.#bridge.terminate();
  }
}
