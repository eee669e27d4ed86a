import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import {
  FIXTURES,
  addFolder,
  countOf,
  foreignRequests,
  openApp,
  search,
  topPaths,
  waitForIndexing,
} from './app';
import { LIBHEIF_FILE } from '../src/core/cache-names';

// Tiny-world photos as iPhone-style HEICs (e2e/fixtures/heic/make.py): 8-bit, 10-bit, turned
// by irot, mirrored by imir, a 2 × 2 grid, and a file whose primary image is its second.
const HEIC = path.join(FIXTURES, 'heic');
const fixtures = JSON.parse(readFileSync(path.join(HEIC, 'manifest.json'), 'utf8')) as {
  name: string;
}[];

/** The fixtures in two folders: all but one first, then that one (indexed offline). */
function splitFixtures(): [string, string] {
  const root = mkdtempSync(path.join(os.tmpdir(), 'lumen-heic-'));
  const [first, later] = [path.join(root, 'photos'), path.join(root, 'later')];
  for (const f of fixtures) {
    const into = f.name === 'ten-bit.heic' ? later : first;
    cpSync(path.join(HEIC, 'photos', f.name), path.join(into, f.name));
  }
  return [first, later];
}

async function serviceWorkerControls(page: Page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller)
      await new Promise((r) =>
        navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }),
      );
  });
}

test('a folder of HEIC photos is indexed, shown upright, and found in words', async ({
  page,
  context,
  baseURL,
}) => {
  test.setTimeout(60_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const requests = await openApp(page);
  await serviceWorkerControls(page);
  const [first, later] = splitFixtures();

  await addFolder(page, first);
  const counts = await waitForIndexing(page, 45_000);
  expect(countOf(counts, /new photos? indexed/)).toBe(fixtures.length - 1);
  expect(countOf(counts, /skipped/)).toBe(0);
  // Chromium has no HEIC decoder: libheif came from the app's own origin, on demand; it has
  // WebAssembly SIMD, so our SIMD build, not libheif-js' (the fallback without SIMD).
  expect(requests.some((u) => u.endsWith(`/${LIBHEIF_FILE}`))).toBe(true);
  expect(requests.some((u) => u.includes('/libheif-js-'))).toBe(false);
  expect(foreignRequests(requests, new URL(baseURL!).origin)).toEqual([]);

  // Stored a quarter turn clockwise (80×128) with irot turning it back: upright it is 128×80.
  const size = (img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight];
  const thumbnail = page.getByRole('img', { name: 'photos/rotated.heic' });
  await expect(thumbnail).toBeVisible();
  const [tw, th] = await thumbnail.evaluate(size);
  expect(tw! / th!).toBeCloseTo(128 / 80, 1);

  // Large, from a decoded copy (Chromium cannot show the original), upright and full size.
  await page.getByRole('button', { name: 'Open photos/rotated.heic' }).click();
  const large = page.getByRole('dialog').getByRole('img', { name: 'photos/rotated.heic' });
  await expect(large).toHaveAttribute('src', /^blob:/);
  await expect(page.getByRole('dialog')).not.toContainText('preview;');
  await expect.poll(() => large.evaluate(size)).toEqual([128, 80]);
  await page.keyboard.press('Escape');

  // The tiny-world model finds the red circle among the shapes.
  await search(page, 'a red circle');
  expect(await topPaths(page, 1)).toEqual(['photos/red-circle.heic']);
  expect(errors).toEqual([]);

  // The decoder was kept at first use: offline, a new HEIC is still indexed.
  await context.setOffline(true);
  await page.reload();
  await addFolder(page, later);
  expect(countOf(await waitForIndexing(page, 45_000), /new photos? indexed/)).toBe(1);
});
