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
 * The HEIC decoder (libheif-js' single-file ES module, shipped unmodified by vite.config.ts),
 * relative to the app's base. The version is in the path, so an upgrade is a new URL.
 */
export const LIBHEIF_DIR = 'vendor/libheif-js-1.23.2/';
export const LIBHEIF_FILE = `${LIBHEIF_DIR}libheif-bundle.mjs`;
/** Our service worker's cache-first store for decoders fetched on first use (kept offline). */
export const LUMEN_DECODER_CACHE = 'lumen-decoders';
