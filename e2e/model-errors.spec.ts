import { expect, test } from '@playwright/test';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { PHOTOS, addFolder, openApp } from './app';

// page.route cannot see requests the service worker makes on the page's behalf.
test.use({ serviceWorkers: 'block' });

test('a model file that cannot be fetched is named, with what to do, instead of hanging', async ({
  page,
}) => {
  // Self-hosted model URLs carry the manifest revision (?rev=…), so match any query.
  await page.route('**/models/tiny-world/onnx/vision_model.onnx*', (route) =>
    route.fulfill({ status: 404, body: 'not found' }),
  );
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
});

test('an unknown profile in the URL falls back to a known one and says so', async ({ page }) => {
  await openApp(page, '?profile=no-such-model');
  await expect(
    page.getByRole('status').filter({ hasText: 'no model profile called "no-such-model"' }),
  ).toBeVisible();
});
