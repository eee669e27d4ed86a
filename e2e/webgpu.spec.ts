import { expect, test } from '@playwright/test';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { PHOTOS, countOf, modelPicker, openApp, search, topPaths, waitForIndexing } from './app';

test('indexes and searches on WebGPU when the browser offers an adapter', async ({ page }) => {
  test.setTimeout(480_000);
  await openApp(page);
  const hasAdapter = await page.evaluate(async () => {
    const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    return Boolean(gpu && (await gpu.requestAdapter()));
  });
  expect(hasAdapter, 'Chromium with --enable-unsafe-webgpu offers a (software) adapter').toBe(true);
  // The software adapter embeds about one photo a second on these machines: a few dozen
  // photos check the WebGPU path without spending minutes on throughput (measured on WASM by
  // the bench, not here).
  const dir = readdirSync(PHOTOS, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()[0]!;
  const photos = readdirSync(path.join(PHOTOS, dir))
    .sort()
    .slice(0, 48)
    .map((name) => path.join(PHOTOS, dir, name));
  await page.getByLabel('Photo files').setInputFiles(photos);
  const counts = await waitForIndexing(page, 300_000);
  expect(countOf(counts, /new photos? indexed/)).toBe(photos.length);
  // The models' details are in the top bar's popover.
  await modelPicker(page);
  await expect(page.getByTestId('vision-status')).toContainText('WebGPU');
  await page.keyboard.press('Escape');
  await search(page, 'a blue square');
  await modelPicker(page);
  await expect(page.getByTestId('text-status')).toContainText('WebGPU');
  await page.keyboard.press('Escape');
  expect(await topPaths(page, 3)).toHaveLength(3);

  // The language model's WebGPU path: the profile has no WebLLM build (its weights cannot
  // be fetched here), so transformers.js runs the tiny LM on the WebGPU adapter.
  await page
    .getByRole('checkbox', { name: 'Rephrase my searches with a local language model' })
    .check();
  await search(page, 'a red circle');
  await expect(page.getByTestId('llm-status')).toContainText('tiny-llm (transformers.js, WebGPU)', {
    timeout: 120_000,
  });
  await expect(page.getByRole('textbox', { name: /Rephrased query/ })).not.toHaveAttribute(
    'aria-busy',
    'true',
    {
      timeout: 120_000,
    },
  );
});
