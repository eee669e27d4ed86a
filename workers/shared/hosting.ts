import type { HostingOptions } from './clip-models';

/** Resolves models/ and ort/ against the app's root and sizes the WASM thread pool. */
export function browserHosting(appBase: string): HostingOptions {
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  return {
    modelRoot: new URL('models/', appBase).href,
    ortBase: new URL('ort/', appBase).href,
    // Threads need SharedArrayBuffer, which only a cross-origin-isolated page gets.
    threads: globalThis.crossOriginIsolated ? Math.max(1, Math.min(4, cores)) : 1,
  };
}
