import {
  AutoProcessor,
  AutoTokenizer,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  RawImage,
  env,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  type Processor,
  type ProgressInfo,
  type Tensor,
} from '@huggingface/transformers';
import type { ClipSpec, Device } from '../../src/core/manifest';
import type { ModelLoadProgress } from '../embedding/protocol';
import { ModelFetchError, explainLoadFailure } from './model-progress';
import type { ImagePixels } from '../embedding/protocol';

export interface HostingOptions {
  /** Where self-hosted models live: a URL in the browser, a folder path in Node. */
  modelRoot: string;
  /** Folder URL of the standalone ONNX Runtime wasm files (browser only). */
  ortBase?: string;
  threads?: number;
}

let lastFailure: ModelFetchError | undefined;
const baseFetch: typeof fetch = (...args) => fetch(...args);

/** A fetch that remembers the last file it could not get, so errors can name it. */
async function trackingFetch(input: string | URL, init?: RequestInit): Promise<Response> {
  const url = String(input);
  // Messages name the full address, even for same-origin paths.
  const shown = globalThis.location ? new URL(url, globalThis.location.href).href : url;
  try {
    const res = await baseFetch(url, init);
    if (!res.ok) {
      // A 404 under our own models/ folder only means "not self-hosted": the hub is tried next.
      const isLocal = url.startsWith(env.localModelPath);
      if (!(isLocal && res.status === 404 && env.allowRemoteModels)) {
        lastFailure = new ModelFetchError(shown, res.status);
      }
    }
    return res;
  } catch (e) {
    lastFailure = new ModelFetchError(shown, 'network');
    throw e;
  }
}

/**
 * Points transformers.js at a profile's model host. The same code serves both the
 * Hub-hosted default and the self-hosted fixture: only ids and hosts differ. The
 * app's own models/ folder is always tried first, so self-hosting needs no setting.
 */
export function configureHosting(clip: ClipSpec, options: HostingOptions): void {
  env.localModelPath = options.modelRoot;
  env.allowLocalModels = true;
  env.allowRemoteModels = clip.host !== 'self';
  if (clip.host !== 'self') env.remoteHost = clip.host;
  env.fetch = trackingFetch;
  // The Cache API keys by URL, and self-hosted files keep their URL across app updates:
  // caching them there would serve a stale model after an update. HTTP caching covers them.
  env.useBrowserCache = clip.host !== 'self' && typeof caches !== 'undefined';
  // Same for ONNX Runtime's wasm, whose URL under ort/ stays put when the runtime changes.
  env.useWasmCache = false;
  const wasm = env.backends.onnx.wasm;
  if (wasm && options.ortBase) {
    wasm.wasmPaths = {
      mjs: `${options.ortBase}ort-wasm-simd-threaded.asyncify.mjs`,
      wasm: `${options.ortBase}ort-wasm-simd-threaded.asyncify.wasm`,
    };
  }
  if (wasm && options.threads) wasm.numThreads = options.threads;
}

interface GpuNavigator {
  gpu?: { requestAdapter(): Promise<object | null> };
}

/** WebGPU when the browser offers an adapter, WASM otherwise. */
export async function pickDevice(requested: Device | 'auto'): Promise<Device> {
  if (requested === 'wasm') return 'wasm';
  const gpu = (globalThis.navigator as (typeof globalThis.navigator & GpuNavigator) | undefined)
    ?.gpu;
  const adapter = gpu ? await gpu.requestAdapter().catch(() => null) : null;
  if (adapter) return 'webgpu';
  if (requested === 'webgpu')
    throw new Error('WebGPU was requested but this browser offers no adapter.');
  return 'wasm';
}

function progressReporter(onProgress?: (p: ModelLoadProgress) => void) {
  return (info: ProgressInfo) => {
    if (!onProgress) return;
    if (info.status === 'progress') {
      onProgress({ state: 'downloading', file: info.file, loaded: info.loaded, total: info.total });
    } else if (info.status === 'done') {
      onProgress({ state: 'starting', file: info.file, loaded: 0, total: 0 });
    }
  };
}

async function withExplainedFailure<T>(clip: ClipSpec, load: () => Promise<T>): Promise<T> {
  lastFailure = undefined;
  try {
    return await load();
  } catch (e) {
    throw new Error(explainLoadFailure(e, lastFailure, clip.host === 'self'), { cause: e });
  }
}

function rowsOf(t: Tensor): Float32Array[] {
  const [n, dim] = t.dims as [number, number];
  const data = t.data as Float32Array;
  const rows: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    const row = data.slice(i * dim, (i + 1) * dim);
    let sum = 0;
    for (const x of row) sum += x * x;
    const norm = Math.sqrt(sum) || 1;
    for (let j = 0; j < dim; j++) row[j]! /= norm;
    rows.push(row);
  }
  return rows;
}

type Forward = (inputs: Record<string, unknown>) => Promise<Record<string, Tensor>>;

/** CLIP's image tower with its preprocessor; yields unit-length image embeddings. */
export class ClipVision {
  private constructor(
    private readonly model: PreTrainedModel,
    private readonly processor: Processor,
  ) {}

  /** `cpu` is onnxruntime-node's device: Node tests run the same class the worker does. */
  static async load(
    clip: ClipSpec,
    device: Device | 'cpu',
    onProgress?: (p: ModelLoadProgress) => void,
  ) {
    return withExplainedFailure(clip, async () => {
      const progress_callback = progressReporter(onProgress);
      const processor = await AutoProcessor.from_pretrained(clip.id, {
        revision: clip.revision,
        progress_callback,
      });
      const model = await CLIPVisionModelWithProjection.from_pretrained(clip.id, {
        revision: clip.revision,
        device,
        dtype: clip.dtype[device === 'cpu' ? 'wasm' : device],
        progress_callback,
      });
      const vision = new ClipVision(model, processor);
      // Warm-up: the first run compiles kernels (shaders on WebGPU); do it before real work.
      await vision.embed([{ data: new Uint8ClampedArray(32 * 32 * 4), width: 32, height: 32 }]);
      return vision;
    });
  }

  async embed(images: ImagePixels[]): Promise<Float32Array[]> {
    if (images.length === 0) return [];
    const raws = images.map((i) => new RawImage(i.data, i.width, i.height, 4));
    const inputs = (await this.processor(raws)) as Record<string, unknown>;
    const out = await (this.model as unknown as Forward)(inputs);
    return rowsOf(out.image_embeds!);
  }

  async dispose() {
    await this.model.dispose();
  }
}

/** CLIP's text tower with its tokenizer; yields unit-length text embeddings. */
export class ClipText {
  private constructor(
    private readonly model: PreTrainedModel,
    private readonly tokenizer: PreTrainedTokenizer,
  ) {}

  static async load(
    clip: ClipSpec,
    device: Device | 'cpu',
    onProgress?: (p: ModelLoadProgress) => void,
  ) {
    return withExplainedFailure(clip, async () => {
      const progress_callback = progressReporter(onProgress);
      const tokenizer = await AutoTokenizer.from_pretrained(clip.id, {
        revision: clip.revision,
        progress_callback,
      });
      const model = await CLIPTextModelWithProjection.from_pretrained(clip.id, {
        revision: clip.revision,
        device,
        dtype: clip.dtype[device === 'cpu' ? 'wasm' : device],
        progress_callback,
      });
      const text = new ClipText(model, tokenizer);
      await text.embed(['a photo']);
      return text;
    });
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const inputs = this.tokenizer(texts, { padding: true, truncation: true }) as Record<
      string,
      unknown
    >;
    const out = await (this.model as unknown as Forward)(inputs);
    return rowsOf(out.text_embeds!);
  }

  async dispose() {
    await this.model.dispose();
  }
}
