import { env } from '@huggingface/transformers';
import { TRANSFORMERS_CACHE } from '../../src/core/cache-names';
import { withRevision } from '../../src/core/model-revisions';
import type { Device } from '../../src/core/manifest';
import { ModelFetchError, explainLoadFailure } from './model-progress';

export interface HostingOptions {
  /** Where self-hosted models live: a URL path in the browser, a folder path in Node. */
  modelRoot: string;
  /** Folder URL of the standalone ONNX Runtime wasm files (browser only). */
  ortBase?: string;
  threads?: number;
}

/** What hosting needs to know of a model: where it lives and which revision to fetch. */
export interface HostedModel {
  host: string;
  revision: string;
}

/** Resolves models/ and ort/ against the app's root and sizes the WASM thread pool. */
export function browserHosting(appBase: string): HostingOptions {
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  return {
    // A same-origin path, not an absolute URL: transformers.js v4 only probes local files
    // (e.g. for tokenizer_config.json) when localModelPath is not an http(s) URL.
    modelRoot: new URL('models/', appBase).pathname,
    ortBase: new URL('ort/', appBase).href,
    // Threads need SharedArrayBuffer, which only a cross-origin-isolated page gets.
    threads: globalThis.crossOriginIsolated ? Math.max(1, Math.min(4, cores)) : 1,
  };
}

let lastFailure: ModelFetchError | undefined;
let revision = '';
const baseFetch: typeof fetch = (...args) => fetch(...args);
const isLocal = (url: string) => url.startsWith(env.localModelPath);

/**
 * A fetch that remembers the last file it could not get, so errors can name it, and that
 * asks for self-hosted files by revision (see model-revisions.ts for the cache policy).
 */
async function trackingFetch(input: string | URL, init?: RequestInit): Promise<Response> {
  const url = String(input);
  // Messages name the full address, even for same-origin paths.
  const shown = globalThis.location ? new URL(url, globalThis.location.href).href : url;
  try {
    // Self-hosted files skip the HTTP cache: the service worker keeps them, by revision. And
    // transformers.js asks for a file twice at once (a GET for its size, whose body it never
    // reads, then the file): with the HTTP cache on, the second request of a large file
    // fails with net::ERR_CACHE_WRITE_FAILURE (a self-hosted ViT-B/32, 335 MB, never loaded).
    const res = isLocal(url)
      ? await baseFetch(withRevision(url, revision), { ...init, cache: 'no-store' })
      : await baseFetch(url, init);
    // A 404 under our own models/ folder only means "not self-hosted": the hub is tried next.
    if (!res.ok && !(isLocal(url) && res.status === 404 && env.allowRemoteModels)) {
      lastFailure = new ModelFetchError(shown, res.status);
    }
    return res;
  } catch (e) {
    lastFailure = new ModelFetchError(shown, 'network');
    throw e;
  }
}

/**
 * transformers.js' own cache, minus files from models/: those are the service worker's,
 * keyed by revision. Keyed by bare path here, a redeployed model would be served stale.
 */
const remoteOnlyCache = {
  async match(key: string): Promise<Response | undefined> {
    if (isLocal(key) || typeof caches === 'undefined') return undefined;
    return (await caches.open(TRANSFORMERS_CACHE)).match(key);
  },
  async put(key: string, response: Response): Promise<void> {
    if (isLocal(key) || typeof caches === 'undefined') return;
    await (await caches.open(TRANSFORMERS_CACHE)).put(key, response);
  },
};

/**
 * Points transformers.js at a model's host: the same code serves the Hub-hosted default and
 * the self-hosted fixture, for the CLIP towers and the language model alike. The app's own
 * models/ folder is always tried first, so self-hosting needs no setting.
 */
export function configureHosting(model: HostedModel, options: HostingOptions): void {
  env.localModelPath = options.modelRoot;
  env.allowLocalModels = true;
  env.allowRemoteModels = model.host !== 'self';
  if (model.host !== 'self') env.remoteHost = model.host;
  revision = model.revision;
  env.fetch = trackingFetch;
  env.useBrowserCache = false;
  // Hub URLs hold the revision, so caching them by URL is safe; they work offline after.
  env.useCustomCache = model.host !== 'self' && typeof caches !== 'undefined';
  if (env.useCustomCache) env.customCache = remoteOnlyCache;
  // ONNX Runtime's wasm keeps its URL under ort/ when the runtime changes: the precache has it.
  env.useWasmCache = false;
  const wasm = env.backends.onnx.wasm;
  ortBase = options.ortBase;
  if (wasm && options.ortBase) wasm.wasmPaths = ortBuildPaths(options.ortBase, 'wasm');
  if (wasm && options.threads) wasm.numThreads = options.threads;
}

let ortBase: string | undefined;

/**
 * ONNX Runtime's two builds, both served from ort/ on the app's own origin. The plain build
 * runs the WASM backend and contains no eval. The WebGPU backend exists only in the asyncify
 * build, whose Emscripten glue (embind's emval method callers) compiles code with `new
 * Function`: the policy allows no 'unsafe-eval', so it is only loaded for a WebGPU session
 * (docs/privacy.md).
 */
export function ortBuildPaths(base: string, device: Device | 'cpu'): { mjs: string; wasm: string } {
  const name = device === 'webgpu' ? 'ort-wasm-simd-threaded.asyncify' : 'ort-wasm-simd-threaded';
  return { mjs: `${base}${name}.mjs`, wasm: `${base}${name}.wasm` };
}

/**
 * Picks the build for the first session a worker creates: ONNX Runtime loads its wasm once
 * per worker, so a WebGPU load that falls back to WASM keeps the asyncify build, which runs
 * WASM too.
 */
export function useOrtBuildFor(device: Device | 'cpu'): void {
  const wasm = env.backends.onnx.wasm;
  if (wasm && ortBase) wasm.wasmPaths = ortBuildPaths(ortBase, device);
}

/** Runs a model load; a failure names the file that could not be fetched and what to do. */
export async function explainedLoad<T>(model: HostedModel, load: () => Promise<T>): Promise<T> {
  lastFailure = undefined;
  try {
    return await load();
  } catch (e) {
    throw new Error(explainLoadFailure(e, lastFailure, model.host === 'self'), { cause: e });
  }
}
