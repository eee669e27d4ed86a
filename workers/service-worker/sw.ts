/// <reference lib="webworker" />
import { clientsClaim } from 'workbox-core';
import { addPlugins, cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';
import { registerRoute, setCatchHandler } from 'workbox-routing';
import { CacheFirst, NetworkOnly } from 'workbox-strategies';
import { LUMEN_MODEL_CACHE } from '../../src/core/cache-names';
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

// Self-hosted models (and the tiny-world fixture): kept after first use, so the app works
// offline. Their URLs change with the model's folder, not with app versions.
registerRoute(
  ({ url }) => sameOrigin(url) && url.pathname.startsWith(`${scope.pathname}models/`),
  new CacheFirst({ cacheName: LUMEN_MODEL_CACHE, plugins: [isolate] }),
);
// Everything else of ours (a new page, an asset not precached) still gets the headers.
registerRoute(({ url }) => sameOrigin(url), new NetworkOnly({ plugins: [isolate] }));
setCatchHandler(() => Promise.resolve(Response.error()));

// Control the page that installed us at once: only then can it become cross-origin isolated.
clientsClaim();

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
