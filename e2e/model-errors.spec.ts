import { expect, test } from '@playwright/test';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import {
  PHOTOS,
  addFolder,
  countOf,
  modelPicker,
  openApp,
  photoSubfolder,
  waitForIndexing,
} from './app';

// page.route cannot see requests the service worker makes on the page's behalf.
test.use({ serviceWorkers: 'block' });

test('a model file that cannot be fetched is named, with what to do, instead of hanging', async ({
  page,
}) => {
  // Self-hosted model URLs carry the manifest revision (?rev=…), so match any query.
  const modelUrl = '**/models/tiny-world/onnx/vision_model.onnx*';
  await page.route(modelUrl, (route) => route.fulfill({ status: 404, body: 'not found' }));
  await openApp(page);
  const dir = readdirSync(PHOTOS, { withFileTypes: true }).find((d) => d.isDirectory())!.name;
  await addFolder(page, path.join(PHOTOS, dir));
  const alert = page.getByRole('alert').filter({ hasText: 'vision_model.onnx' });
  await expect(alert).toBeVisible({ timeout: 60_000 });
  await expect(alert).toContainText('HTTP 404');
  await expect(alert).toContainText('models/tiny-world/onnx/vision_model.onnx');
  await expect(alert).toContainText(/rebuild or redeploy/);
  // Nothing was half-indexed, and the page still works.
  await expect(page.getByRole('button', { name: 'Add a folder…' })).toBeEnabled();
  const waiting = page.getByRole('region', { name: 'Indexing not started' });
  await expect(waiting).toContainText(`“${dir}”`);
  await expect(waiting).toContainText('Nothing was stored');
  await expect(page.getByRole('heading', { name: 'Library: 0 photos' })).toBeVisible();

  // Once the model can be fetched again, one click indexes the same folder: no picking again.
  await page.unroute(modelUrl);
  await waiting.getByRole('button', { name: 'Try again' }).click();
  const counts = await waitForIndexing(page);
  const files = readdirSync(path.join(PHOTOS, dir)).length;
  expect(countOf(counts, /new photos? indexed/)).toBe(files);
  await expect(waiting).toHaveCount(0);
  await expect(alert).toHaveCount(0);
});

test('an unknown profile in the URL falls back to a known one and says so', async ({ page }) => {
  await openApp(page, '?profile=no-such-model');
  await expect(
    page.getByRole('status').filter({ hasText: 'no model profile called "no-such-model"' }),
  ).toBeVisible();
});

test('the model is picked on the page, and a failed download points to the built-in one', async ({
  page,
}) => {
  // This workplace cannot reach the Hub anyway; the route makes the test mean the same anywhere.
  await page.route('https://huggingface.co/**', (route) => route.abort('internetdisconnected'));
  await openApp(page);
  const picker = await modelPicker(page);
  await expect(picker).toHaveValue('tiny-world');
  await picker.selectOption({ label: 'CLIP ViT-B/32 (Hugging Face Hub)' });
  await expect(page).toHaveURL(/[?&]profile=default\b/);
  await expect(await modelPicker(page)).toHaveValue('default');
  await page.keyboard.press('Escape');
  // The empty search box suggests what this model can find.
  const box = page.getByRole('searchbox', { name: 'Search your photos' });
  await expect(box).toHaveAttribute('placeholder', /a dog running on the beach/);

  await addFolder(page, photoSubfolder());
  const alert = page.getByRole('alert').filter({ hasText: 'Could not download' });
  await expect(alert).toBeVisible({ timeout: 60_000 });
  await expect(alert).toContainText('huggingface.co');
  await expect(alert).toContainText('“Tiny world (test fixture)” model (pick it under Model)');
  await expect(page.getByRole('region', { name: 'Indexing not started' })).toBeVisible();

  await (await modelPicker(page)).selectOption('tiny-world');
  await expect(page).toHaveURL(/[?&]profile=tiny-world\b/);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(box).toHaveAttribute('placeholder', /a red circle on sand/);
  // The choice is remembered without the URL.
  await page.goto('/');
  await expect(await modelPicker(page)).toHaveValue('tiny-world');
});
