import { TRANSFORMERS_CACHE } from '../../src/core/cache-names';
import { errorMessage } from '../../src/core/errors';
import { getProfile, type Device } from '../../src/core/manifest';
import { loadOnBestDevice, pickDevice } from '../shared/device';
import { browserHosting, configureHosting, explainedLoad, useOrtBuildFor } from '../shared/hosting';
import type { ChatEngine } from './engine';
import type {
  LlmApi,
  LlmInfo,
  LlmLoadReport,
  LlmLoadRequest,
  RephraseCall,
  RephraseOutcome,
} from './protocol';
import { rephrase } from './rephraser';
import { TransformersEngine } from './transformers-engine';
import { WebLlmEngine, createMlcEngine, type MlcEngineFactory } from './webllm-engine';

interface GpuWithFeatures {
  gpu?: { requestAdapter(): Promise<{ features: { has(f: string): boolean } } | null> };
}

async function hasShaderF16(): Promise<boolean> {
  const gpu = (globalThis.navigator as (typeof globalThis.navigator & GpuWithFeatures) | undefined)
    ?.gpu;
  const adapter = gpu ? await gpu.requestAdapter().catch(() => null) : null;
  return adapter?.features.has('shader-f16') ?? false;
}

/** The LLM worker: loads one language model lazily and rephrases queries with it. */
export class LlmHandler implements LlmApi {
  #engine: ChatEngine | undefined;
  #abort: AbortController | undefined;

  #mlcFactory: MlcEngineFactory;

  constructor(mlcFactory: MlcEngineFactory = createMlcEngine) {
    this.#mlcFactory = mlcFactory;
  }

  async load(request: LlmLoadRequest, onProgress: (r: LlmLoadReport) => void): Promise<LlmInfo> {
    const { llm } = getProfile(request.profileId);
    const device: Device = await pickDevice(request.device).catch(() => 'wasm' as const);
    const notes: string[] = [];
    if ((request.backend === 'auto' || request.backend === 'webllm') && llm.webllm) {
      if (device === 'webgpu') {
        const model = (await hasShaderF16()) ? llm.webllm.model : llm.webllm.modelWithoutF16;
        const engine = new WebLlmEngine(model, this.#mlcFactory);
        try {
          await engine.load(onProgress);
          this.#engine = engine;
          return { backend: 'webllm', model, device };
        } catch (e) {
          notes.push(`WebLLM could not start ${model}: ${errorMessage(e)}`);
        }
      } else {
        notes.push('WebLLM needs WebGPU, which this browser does not offer');
      }
    }
    if ((request.backend === 'auto' || request.backend === 'transformers') && llm.transformers) {
      const spec = llm.transformers;
      configureHosting(spec, browserHosting(request.appBase));
      try {
        // WebGPU here was only preferred when it came from "auto" or a fallback: WASM may retry.
        const preferred = device === 'webgpu' ? request.device : 'wasm';
        const { loaded, device: used } = await loadOnBestDevice(preferred, async (d) => {
          useOrtBuildFor(d);
          const engine = new TransformersEngine(spec.id, {
            revision: spec.revision,
            dtype: spec.dtype,
            device: d,
          });
          await explainedLoad(spec, () => engine.load(onProgress));
          return engine;
        });
        this.#engine = loaded;
        return {
          backend: 'transformers',
          model: spec.id,
          device: used,
          ...(notes.length ? { note: notes.join('; ') } : {}),
        };
      } catch (e) {
        notes.push(`transformers.js could not start ${spec.id}: ${errorMessage(e)}`);
      }
    }
    throw new Error(
      notes.length ? notes.join('; ') : 'This profile has no language model for this browser.',
    );
  }

  async rephrase(call: RephraseCall, onText: (piece: string) => void): Promise<RephraseOutcome> {
    const engine = this.#engine;
    if (!engine) throw new Error('The language model is not loaded.');
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    try {
      return await rephrase(engine, { ...call, onText, signal: abort.signal });
    } finally {
      if (this.#abort === abort) this.#abort = undefined;
    }
  }

  cancel(): void {
    this.#abort?.abort();
  }

  async deleteDownloads(profileId: string): Promise<string[]> {
    const { llm } = getProfile(profileId);
    const deleted: string[] = [];
    await this.#engine?.unload();
    this.#engine = undefined;
    if (llm.webllm) {
      const { deleteModelAllInfoInCache, hasModelInCache } = await import('@mlc-ai/web-llm');
      for (const model of [llm.webllm.model, llm.webllm.modelWithoutF16]) {
        if (await hasModelInCache(model).catch(() => false)) {
          await deleteModelAllInfoInCache(model);
          deleted.push(model);
        }
      }
    }
    if (llm.transformers && llm.transformers.host !== 'self' && typeof caches !== 'undefined') {
      const cache = await caches.open(TRANSFORMERS_CACHE);
      const id = llm.transformers.id;
      let any = false;
      for (const req of await cache.keys()) {
        if (req.url.includes(`/${id}/`)) {
          await cache.delete(req);
          any = true;
        }
      }
      if (any) deleted.push(id);
    }
    return deleted;
  }
}
