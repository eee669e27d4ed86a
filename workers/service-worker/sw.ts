/// <reference lib="webworker" />
import { clientsClaim } from 'workbox-core';
import { addPlugins, cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';
import { registerRoute, setCatchHandler } from 'workbox-routing';
import { CacheFirst, NetworkOnly } from 'workbox-strategies';
import { LIBHEIF_DIR, LUMEN_DECODER_CACHE, LUMEN_MODEL_CACHE } from '../../src/core/cache-names';
import { isCurrentModelUrl } from '../../src/core/model-revisions';
import { PLACES_CACHE, PLACES_DATA_FILE, isCurrentPlacesUrl } from '../../src/core/places';
import { withIsolationHeaders } from './isolation';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: (string | { url: string; revision: string | null })[];
};

const isolate = {
  handlerWillRespond: ({ response }: { response: Response }) =>
    Promise.resolve(withIsolationHeaders(response)),
};

// The app shell and ONNX Runtime's wasm: everything needed to start offline.
addPlugins([isolate]);
precacheAndRoute(self.__WB_MANIFEST, { ignoreURLParametersMatching: [/.*/] });
cleanupOutdatedCaches();

const scope = new URL(self.registration.scope);
const sameOrigin = (url: URL) =>
  url.origin === scope.origin && url.pathname.startsWith(scope.pathname);

// Self-hosted models (and the tiny-world fixture): cache-first, so the app works offline and
// does not download hundreds of MB per visit. The workers ask for them with the manifest
// revision in the URL (src/core/model-revisions.ts), so a redeployed model is a new URL.
const modelsPath = `${scope.pathname}models/`;
registerRoute(
  ({ url }) => sameOrigin(url) && url.pathname.startsWith(modelsPath),
  new CacheFirst({ cacheName: LUMEN_MODEL_CACHE, plugins: [isolate] }),
);
// The place names (docs/places.md): fetched by the indexing workers only once a library has
// GPS, then kept for offline use like models; the URL carries the data's revision.
registerRoute(
  ({ url }) => sameOrigin(url) && url.pathname === `${scope.pathname}${PLACES_DATA_FILE}`,
  new CacheFirst({ cacheName: PLACES_CACHE, plugins: [isolate] }),
);
self.addEventListener('activate', (event: ExtendableEvent) => {
  event.waitUntil(
    caches.open(PLACES_CACHE).then(async (cache) => {
      for (const request of await cache.keys()) {
        if (!isCurrentPlacesUrl(new URL(request.url), scope.pathname)) await cache.delete(request);
      }
    }),
  );
});
// The HEIC decoder: fetched by the decoder workers on their first HEIC only, then kept for
// offline use as models are. Its version is in its path, so an upgrade is a new URL.
const decoderPath = `${scope.pathname}${LIBHEIF_DIR}`;
registerRoute(
  ({ url }) => sameOrigin(url) && url.pathname.startsWith(decoderPath),
  new CacheFirst({ cacheName: LUMEN_DECODER_CACHE, plugins: [isolate] }),
);
self.addEventListener('activate', (event: ExtendableEvent) => {
  event.waitUntil(
    caches.open(LUMEN_DECODER_CACHE).then(async (cache) => {
      for (const request of await cache.keys())
        if (!new URL(request.url).pathname.startsWith(decoderPath)) await cache.delete(request);
    }),
  );
});
// Everything else of ours (a new page, an asset not precached) still gets the headers.
registerRoute(({ url }) => sameOrigin(url), new NetworkOnly({ plugins: [isolate] }));
setCatchHandler(() => Promise.resolve(Response.error()));

// Revisions the new app's manifest no longer lists only take space: drop them.
self.addEventListener('activate', (event: ExtendableEvent) => {
  event.waitUntil(
    caches.open(LUMEN_MODEL_CACHE).then(async (cache) => {
      for (const request of await cache.keys()) {
        const url = new URL(request.url);
        if (sameOrigin(url) && !isCurrentModelUrl(url, modelsPath)) await cache.delete(request);
      }
    }),
  );
});

// Control the page that installed us at once: only then can it become cross-origin isolated.
clientsClaim();

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
