import { defaultClientConditions } from 'vite';
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { viteStaticCopy } from 'vite-plugin-static-copy';

// Multithreaded WASM needs SharedArrayBuffer, which browsers only grant to
// cross-origin-isolated pages.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// ONNX Runtime's wasm glue must be served as standalone files: when Vite bundles
// it, the runtime's thread workers load the app chunk and die on `document`.
const ortFiles = ['mjs', 'wasm'].map(
  (ext) => `node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.${ext}`,
);

export default defineConfig({
  // Deployments under a sub-path (GitHub Pages) set LUMEN_BASE=/repo-name/.
  base: process.env.LUMEN_BASE ?? '/',
  // A missing model file must be a 404, not index.html (which ORT would report
  // as "protobuf parsing failed").
  appType: 'mpa',
  plugins: [
    svelte(),
    viteStaticCopy({
      targets: [
        { src: ortFiles, dest: 'ort', rename: { stripBase: 3 } },
        // Self-hosted models (the tiny-world fixture, and whatever `npm run models` fetched)
        // are served from the app's own origin under models/.
        { src: ['models/**/*', '!models/generator/**', '!models/**/*.ts'], dest: '.' },
      ],
    }),
  ],
  // Resolve ORT to its build without an embedded wasm, so only the standalone copy ships.
  resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
  worker: { format: 'es' },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
  test: {
    include: ['src/**/*.spec.ts', 'workers/**/*.spec.ts', 'models/**/*.spec.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
