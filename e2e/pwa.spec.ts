import { expect, test, type Page } from '@playwright/test';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SUBPATH_PORT } from '../playwright.config';
import {
  addFolder,
  countOf,
  foreignRequests,
  openApp,
  photoSubfolder,
  PHOTOS,
  search,
  topPaths,
  waitForIndexing,
} from './app';

async function serviceWorkerReady(page: Page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((r) =>
        navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }),
      );
    }
  });
}

test('works offline after the first visit: reload, add photos and search', async ({
  page,
  context,
}) => {
  const folders = readdirSync(PHOTOS, { withFileTypes: true }).filter((d) => d.isDirectory());
  await openApp(page);
  await serviceWorkerReady(page);
  await addFolder(page, path.join(PHOTOS, folders[0]!.name));
  await waitForIndexing(page);
  await search(page, 'a red circle');

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { name: /results? for “a red circle”/ })).toBeVisible();
  await addFolder(page, path.join(PHOTOS, folders[1]!.name));
  const counts = await waitForIndexing(page);
  expect(countOf(counts, /new photos? indexed/)).toBeGreaterThan(0);
  await search(page, 'a blue square');
  expect(await topPaths(page, 5)).toHaveLength(5);
});

test('the build served from a sub-path works and stays under it', async ({ page }) => {
  const origin = `http://127.0.0.1:${SUBPATH_PORT}`;
  const requests = await openApp(page, '?profile=tiny-world', `${origin}/lumen/`);
  await addFolder(page, photoSubfolder());
  await waitForIndexing(page);
  await search(page, 'a green triangle');
  expect(await topPaths(page, 3)).toHaveLength(3);
  expect(foreignRequests(requests, `${origin}/lumen/`)).toEqual([]);
});

test.describe('on a static host without COOP/COEP headers', () => {
  let server: Server;
  let site: string;
  let origin: string;

  test.beforeAll(async () => {
    site = mkdtempSync(path.join(os.tmpdir(), 'lumen-site-'));
    cpSync('dist', site, { recursive: true });
    // Like GitHub Pages: plain files, no isolation headers.
    server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      let file = path.join(site, decodeURIComponent(url.pathname));
      try {
        if (statSync(file).isDirectory()) file = path.join(file, 'index.html');
        const type =
          file.endsWith('.js') || file.endsWith('.mjs')
            ? 'text/javascript'
            : file.endsWith('.wasm')
              ? 'application/wasm'
              : file.endsWith('.html')
                ? 'text/html'
                : file.endsWith('.json')
                  ? 'application/json'
                  : 'application/octet-stream';
        res
          .writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-cache' })
          .end(readFileSync(file));
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  test.afterAll(() => {
    server.close();
    rmSync(site, { recursive: true, force: true });
  });

  test('the service worker makes the page cross-origin isolated and offers a new version', async ({
    page,
  }) => {
    await page.goto(`${origin}/?profile=tiny-world`);
    // First visit: not isolated until the service worker controls the page, then one reload.
    await expect(page.getByTestId('isolation')).toHaveText(/^Multithreaded WASM/, {
      timeout: 60_000,
    });
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await expect(page.getByText('Build e2e', { exact: true })).toBeVisible();

    // A new deployment: the page offers the update instead of mixing versions.
    cpSync('dist-next', site, { recursive: true });
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    const prompt = page
      .getByRole('alert')
      .filter({ hasText: 'A new version of Lumen is available' });
    await expect(prompt).toBeVisible({ timeout: 60_000 });
    await prompt.getByRole('button', { name: 'Update now' }).click();
    await expect(page.getByText('Build e2e-next', { exact: true })).toBeVisible({
      timeout: 60_000,
    });
  });
});

test.describe('when storage runs out', () => {
  // The service worker's precache would count against the tiny quota too.
  test.use({ serviceWorkers: 'block' });

  test('indexing stops with a message and keeps everything stored', async ({ page, baseURL }) => {
    await openApp(page);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', {
      origin: new URL(baseURL!).origin,
      quotaSize: 400 * 1024,
    });
    await addFolder(page, PHOTOS);
    await waitForIndexing(page);
    await expect(page.getByRole('status').filter({ hasText: 'Storage is full' })).toBeVisible();
    const heading = page.getByRole('heading', { name: /^Library: \d+ photos?/ });
    const kept = Number(/(\d+)/.exec((await heading.textContent()) ?? '')![1]);
    expect(kept).toBeGreaterThan(0);
    await page.reload();
    await expect(
      page.getByRole('heading', { name: `Library: ${kept} photo${kept === 1 ? '' : 's'}` }),
    ).toBeVisible();
  });
});
