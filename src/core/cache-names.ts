/**
 * Names of the browser caches the app and its libraries write model files to. The page lists and
 * deletes them (Models panel), the service worker and the workers fill them, so the names live in
 * the shared layer.
 */

/** Our service worker's cache-first store for remotely fetched model files. */
export const LUMEN_MODEL_CACHE = 'lumen-models';
/** transformers.js' own cache (`env.useBrowserCache`). */
export const TRANSFORMERS_CACHE = 'transformers-cache';
/** web-llm's caches for weights, configs and compiled model libraries. */
export const WEBLLM_CACHES = ['webllm/model', 'webllm/config', 'webllm/wasm'] as const;

/** Every cache that can hold downloaded model files. */
export const MODEL_CACHES: readonly string[] = [
  TRANSFORMERS_CACHE,
  LUMEN_MODEL_CACHE,
  ...WEBLLM_CACHES,
];

/**
 * The HEIC decoders, relative to the app's base, in one folder (the service worker keeps what is
 * under it), both single-file ES modules with the same API, shipped by vite.config.ts: libheif
 * 1.23.1 with libde265 1.1.1 built with WebAssembly SIMD by scripts/build-libheif.sh (committed in
 * vendor/libheif-simd/), and libheif-js 1.23.2's build, unmodified, for browsers without
 * WebAssembly SIMD. The versions are in the path, so an upgrade is a new URL.
 */
export const LIBHEIF_DIR = 'vendor/libheif-1.23.1-simd/';
export const LIBHEIF_FILE = `${LIBHEIF_DIR}libheif.mjs`;
/** libheif-js' own build (no SIMD), in a folder of its own with its licence. */
export const LIBHEIF_JS_FILE = `${LIBHEIF_DIR}libheif-js-1.23.2/libheif-bundle.mjs`;
/** Our service worker's cache-first store for decoders fetched on first use (kept offline). */
export const LUMEN_DECODER_CACHE = 'lumen-decoders';
