import { defaultClientConditions } from 'vite';
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { viteStaticCopy } from 'vite-plugin-static-copy';
import { LIBHEIF_DIR, LIBHEIF_JS_FILE } from './src/core/cache-names.ts';
import { cspPlugin, devReportOnlyPolicy, policy } from './build/vite-plugin-csp.ts';
import { watBytes } from './workers/search/scan/vite-plugin-wat.ts';

// Multithreaded WASM needs SharedArrayBuffer, which browsers only grant to
// cross-origin-isolated pages.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// ONNX Runtime's wasm glue must be served as standalone files: when Vite bundles
// it, the runtime's thread workers load the app chunk and die on `document`. Two builds: the
// plain one runs WASM without eval; WebGPU needs the asyncify one (workers/shared/hosting.ts).
const ortFiles = ['ort-wasm-simd-threaded', 'ort-wasm-simd-threaded.asyncify'].flatMap((name) =>
  ['mjs', 'wasm'].map((ext) => `node_modules/onnxruntime-web/dist/${name}.${ext}`),
);

const libheifDist = 'node_modules/libheif-js/libheif-wasm';
const libheifJsDir = LIBHEIF_JS_FILE.slice(0, LIBHEIF_JS_FILE.lastIndexOf('/'));
const libheifSimd = 'vendor/libheif-simd';

// Shown in the page and baked into the service worker, so a new deployment is a new worker.
const buildId = process.env.LUMEN_BUILD_ID ?? new Date().toISOString().slice(0, 16);

export default defineConfig({
  define: { __LUMEN_BUILD__: JSON.stringify(buildId) },
  // Deployments under a sub-path (GitHub Pages) set LUMEN_BASE=/repo-name/.
  base: process.env.LUMEN_BASE ?? '/',
  // A missing model file must be a 404, not index.html (which ORT would report
  // as "protobuf parsing failed").
  appType: 'mpa',
  plugins: [
    svelte(),
    watBytes(),
    cspPlugin(),
    viteStaticCopy({ targets: [{ src: ortFiles, dest: 'ort' }] }),
    // The HEIC decoders (LGPL), each with its licences and where its source is. Ours, built with
    // WebAssembly SIMD by scripts/build-libheif.sh (vendor/libheif-simd/); and libheif-js' file as
    // published, in a folder of its own, for browsers without SIMD. Not precached: decoder
    // workers fetch one on their first HEIC.
    viteStaticCopy({
      targets: [
        { src: `${libheifSimd}/*`, dest: LIBHEIF_DIR },
        { src: `${libheifDist}/libheif-bundle.mjs`, dest: libheifJsDir },
        { src: `${libheifDist}/LICENSE`, dest: libheifJsDir },
        {
          src: 'workers/embedding/heic/libheif-README.md',
          dest: libheifJsDir,
          rename: 'README.md',
        },
      ],
    }),
    // Self-hosted models (the tiny-world fixture, and whatever `npm run models` fetched)
    // are served from the app's own origin under models/, folder structure kept. Not the
    // manifest: the page imports it as a module, and the dev server would answer that
    // import with the raw JSON file (a blank page under `npm start`).
    viteStaticCopy({
      structured: true,
      targets: [
        {
          src: [
            'models/**/*',
            '!models/manifest.json',
            '!models/generator/**',
            '!models/**/*.ts',
            '!models/**/*.mjs',
          ],
          dest: '.',
        },
      ],
    }),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'workers/service-worker',
      filename: 'sw.ts',
      // A new version waits until the person agrees, instead of mixing versions in one tab.
      registerType: 'prompt',
      injectRegister: false,
      injectManifest: {
        globPatterns: ['**/*.{html,js,css,svg,png,webmanifest}', 'ort/*.{mjs,wasm}'],
        // The sample library (docs/sample-library.md) is fetched only by those who try it.
        globIgnores: ['models/**', 'bench/**', 'sample/**', 'screenshot.png'],
        // ONNX Runtime's wasm is 27 MB; it must be there offline.
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        buildPlugins: {
          vite: [
            {
              name: 'lumen-build-id',
              config: () => ({ define: { __LUMEN_BUILD__: JSON.stringify(buildId) } }),
            },
          ],
        },
      },
      manifest: {
        name: 'Lumen — search your photos in words',
        short_name: 'Lumen',
        description: 'Search your own photos in plain words, on your device. Nothing leaves it.',
        start_url: './',
        scope: './',
        display: 'standalone',
        background_color: '#fbfaf8',
        theme_color: '#9a4d16',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          {
            src: 'icon-maskable-512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
        ],
      },
      devOptions: { enabled: false },
    }),
  ],
  // Resolve ORT to its build without an embedded wasm, so only the standalone copy ships.
  resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
  // Worker bundles get only these plugins, not the page's; the scan kernel lives in a worker.
  worker: { format: 'es', plugins: () => [watBytes()] },
  // Dependencies that only workers import are found by the dev server's optimizer when a worker
  // first loads them, and each find reloads the page: on `npm start` the first folder added was
  // lost to those reloads. Naming them here optimizes them before the page opens.
  optimizeDeps: {
    include: ['exifr', 'kdbush', 'geokdbush', 'fflate', 'hyparquet', 'hyparquet-writer'],
  },
  // The dev server injects <style> elements and talks to its hot-reload websocket: it gets a
  // report-only policy (violations are logged, nothing is blocked); every build enforces.
  server: {
    headers: { ...isolationHeaders, 'Content-Security-Policy-Report-Only': devReportOnlyPolicy() },
  },
  // Covers the page and, on a first visit before the service worker controls it, every worker
  // script: a dedicated worker takes its policy from its own script's response.
  preview: {
    headers: {
      ...isolationHeaders,
      'Content-Security-Policy': policy(true),
    },
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
  test: {
    include: [
      'src/**/*.spec.ts',
      'workers/**/*.spec.ts',
      'models/**/*.spec.ts',
      'bench/**/*.spec.ts',
    ],
    environment: 'node',
    testTimeout: 60_000,
  },
});
