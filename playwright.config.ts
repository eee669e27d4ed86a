import { defineConfig } from '@playwright/test';
import { chromiumArgs, chromiumPath } from './e2e/chromium.mjs';

const executablePath = chromiumPath;
const args = chromiumArgs;
const port = Number(process.env.E2E_PORT ?? 4173);
export const SUBPATH_PORT = port + 1;
export const DEV_PORT = port + 2;

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  timeout: 240_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    launchOptions: { executablePath, args },
  },
  projects: [
    { name: 'wasm', testIgnore: /webgpu\.spec\.ts/ },
    {
      name: 'webgpu',
      testMatch: /webgpu\.spec\.ts/,
      // SwiftShader's software adapter: slow, but it runs the real WebGPU code path.
      use: { launchOptions: { executablePath, args: [...args, '--enable-unsafe-webgpu'] } },
    },
  ],
  webServer: [
    {
      // The production build, served with the COOP/COEP headers of vite.config.ts.
      command: `npx vite preview --host 127.0.0.1 --port ${port} --strictPort`,
      url: `http://127.0.0.1:${port}/`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
    {
      // The same app built for a sub-path, as GitHub Pages serves it.
      command: `npx vite preview --host 127.0.0.1 --port ${SUBPATH_PORT} --strictPort --outDir dist-subpath`,
      env: { LUMEN_BASE: '/lumen/' },
      url: `http://127.0.0.1:${SUBPATH_PORT}/lumen/`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
    {
      // The dev server that the README's `npm start` runs (without opening a browser).
      command: `npx vite --host 127.0.0.1 --port ${DEV_PORT} --strictPort`,
      url: `http://127.0.0.1:${DEV_PORT}/`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
  ],
});
