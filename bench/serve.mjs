// What the benches and scripts/screenshots.mjs share: build the production app (plus a driver
// page, for bench/run.mjs, bench/eval.mjs and the like), serve it like `vite preview` (COOP/COEP,
// so WASM gets threads) and start Chromium on it.
import { chromium } from '@playwright/test';
import os from 'node:os';
import path from 'node:path';
import { build, preview } from 'vite';
import { chromiumArgs, chromiumPath } from '../e2e/chromium.mjs';

export const root = path.resolve(import.meta.dirname, '..');

/** The machine a figure was measured on, recorded beside it. */
export function machine() {
  return {
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  };
}

/**
 * Builds the app into outDir (index.html, or the pages `input` names), serves it like `vite
 * preview` on 127.0.0.1:port and opens Chromium. `base` is the served root's address;
 * `close()` stops both.
 * @param {{ outDir: string, port: number, input?: Record<string, string> }} options
 */
export async function serveBuilt({ outDir, port, input }) {
  await build({
    root,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, ...(input ? { rollupOptions: { input } } : {}) },
  });
  const server = await preview({
    root,
    logLevel: 'warn',
    build: { outDir },
    preview: { port, strictPort: true, host: '127.0.0.1' },
  });
  try {
    const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
    return {
      browser,
      base: `http://127.0.0.1:${port}/`,
      close: async () => {
        await browser.close();
        await new Promise((resolve) => server.httpServer.close(resolve));
      },
    };
  } catch (e) {
    await new Promise((resolve) => server.httpServer.close(resolve));
    throw e;
  }
}

/**
 * Builds index.html and bench/<page> into outDir, serves it on 127.0.0.1:port and opens Chromium.
 * `url` is the driver page's address; `close()` stops both.
 * @param {{ page: string, outDir: string, port: number }} options page: an .html file in bench/
 */
export async function serveBench({ page, outDir, port }) {
  const { browser, base, close } = await serveBuilt({
    outDir,
    port,
    input: { app: path.join(root, 'index.html'), bench: path.join(root, 'bench', page) },
  });
  return { browser, url: `${base}bench/${page}`, close };
}
