import { expect, test } from '@playwright/test';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { PHOTOS, addFolder, countOf, openApp, search, topPaths, waitForIndexing } from './app';

test('indexes and searches on WebGPU when the browser offers an adapter', async ({ page }) => {
  await openApp(page);
  const hasAdapter = await page.evaluate(async () => {
    const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    return Boolean(gpu && (await gpu.requestAdapter()));
  });
  expect(hasAdapter, 'Chromium with --enable-unsafe-webgpu offers a (software) adapter').toBe(true);
  const dir = readdirSync(PHOTOS, { withFileTypes: true }).find((d) => d.isDirectory())!.name;
  await addFolder(page, path.join(PHOTOS, dir));
  const counts = await waitForIndexing(page, 220_000);
  expect(countOf(counts, /new photos? indexed/)).toBeGreaterThan(0);
  await expect(page.getByTestId('vision-status')).toContainText('WebGPU');
  await search(page, 'a blue square');
  await expect(page.getByTestId('text-status')).toContainText('WebGPU');
  expect(await topPaths(page, 3)).toHaveLength(3);
});
