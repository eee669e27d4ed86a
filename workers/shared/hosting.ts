import type { HostingOptions } from './clip-models';

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
