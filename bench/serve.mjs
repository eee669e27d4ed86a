// What bench/run.mjs and bench/eval.mjs share: build the production app plus one driver page,
// serve it like `vite preview` (COOP/COEP, so WASM gets threads) and start Chromium on it.
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
 * Builds index.html and bench/<page> into outDir, serves it on 127.0.0.1:port and opens Chromium.
 * `url` is the driver page's address; `close()` stops both.
 * @param {{ page: string, outDir: string, port: number }} options page: an .html file in bench/
 */
export async function serveBench({ page, outDir, port }) {
  await build({
    root,
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: true,
      rollupOptions: {
        input: { app: path.join(root, 'index.html'), bench: path.join(root, 'bench', page) },
      },
    },
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
      url: `http://127.0.0.1:${port}/bench/${page}`,
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
