import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SUBPATH_PORT } from '../playwright.config';
import { SAMPLE_FOLDER } from '../src/core/sample-library';
import {
  BAD_FILES,
  currentModel,
  foreignRequests,
  groundTruth,
  openApp,
  search,
  topPaths,
  waitForIndexing,
} from './app';

// The first run (docs/sample-library.md): a fresh page welcomes, "Try it on sample photos" loads
// the tiny world's sample through the library import, search works at once with nothing fetched
// from outside the app, and "Leave the sample" empties the library and returns to the default.

const manifest = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../models/manifest.json'), 'utf8'),
) as { profiles: Record<string, { exampleQuery: string }> };
const EXAMPLE = manifest.profiles['tiny-world']!.exampleQuery;
const truth = groundTruth();
const byPath = new Map(truth.images.map((i) => [i.path.replace(/^photos\//, ''), i]));

/** Serious and critical axe findings on what the page shows now, by rule and element. */
async function blockingFindings(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} at ${n.target.join(' ')}`));
}

async function libraryHeading(page: Page) {
  return page.getByRole('heading', { name: /^Library: / }).textContent();
}

for (const [where, base] of [
  ['at the root', '/'],
  ['under a sub-path, as on GitHub Pages', `http://127.0.0.1:${SUBPATH_PORT}/lumen/`],
] as const) {
  test(`a first visit tries the sample and leaves it again, ${where}`, async ({ page }) => {
    // A fresh browser profile, on the default model.
    const requests = await openApp(page, '', base);
    const appRoot = new URL(base, page.url()).href;
    const welcome = page.getByRole('region', { name: 'Find your photos by describing them' });
    await expect(welcome).toBeVisible();
    await expect(welcome.getByText(/never leave this device/)).toBeVisible();
    await expect(welcome.getByRole('button', { name: 'Add a folder' })).toBeEnabled();
    expect(await blockingFindings(page)).toEqual([]);

    await welcome.getByRole('button', { name: 'Try it on sample photos' }).click();
    // The page starts again on the built-in model and imports the sample.
    const banner = page.getByRole('region', { name: 'Sample library' });
    await expect(banner).toBeVisible({ timeout: 120_000 });
    await expect(page).toHaveURL(/[?&]profile=tiny-world(&|$)/);
    // The request is acted on once: a reload does not import it again.
    expect(page.url()).not.toContain('sample=try');
    await expect.poll(() => currentModel(page)).toBe('tiny-world');
    await expect(banner).toContainText(`${truth.images.length} synthetic pictures`);
    await expect(banner).toContainText('a small model built into Lumen');
    await expect(page.getByRole('heading', { name: /^Library: / })).toHaveText(
      `Library: ${truth.images.length} photos`,
    );
    await expect(welcome).toBeHidden();
    expect(await blockingFindings(page)).toEqual([]);

    // Search works at once: the built-in model, and the sample's vectors and scores.
    await search(page, EXAMPLE);
    const top = await topPaths(page, 5);
    expect(top.every((p) => p.startsWith(`${SAMPLE_FOLDER}/`))).toBe(true);
    const hits = top.map((p) => byPath.get(p.slice(SAMPLE_FOLDER.length + 1))!);
    // “a red circle on sand”: only 4 photos are all three; each of the first five is two of them.
    const matched = hits.map(
      (h) =>
        Number(h.shape === 'circle') + Number(h.colour === 'red') + Number(h.background === 'sand'),
    );
    console.log(`top 5 for “${EXAMPLE}”: attributes matched ${matched.join(', ')}`);
    expect(matched.every((m) => m >= 2)).toBe(true);
    expect(foreignRequests(requests, appRoot)).toEqual([]);

    // One click leaves: the sample's photos go, and the default model is back.
    await banner.getByRole('button', { name: 'Leave the sample' }).click();
    await expect(page).toHaveURL(/[?&]profile=default(&|$)/, { timeout: 60_000 });
    await expect.poll(() => currentModel(page)).toBe('default');
    await expect(welcome).toBeVisible();
    await expect(banner).toBeHidden();
    // An empty library again: the sample can be tried once more.
    await expect(welcome.getByRole('button', { name: 'Try it on sample photos' })).toBeEnabled();
    expect(await libraryHeading(page)).toBe('Library: 0 photos');
    expect(foreignRequests(requests, appRoot)).toEqual([]);
  });
}

test('leaving the sample keeps the photos the person added meanwhile', async ({ page }) => {
  // A link straight to the sample: the built-in model, asking for it.
  await openApp(page, '?profile=tiny-world&sample=try');
  const banner = page.getByRole('region', { name: 'Sample library' });
  await expect(banner).toBeVisible({ timeout: 120_000 });
  await page.getByLabel('Photo files').setInputFiles(path.join(BAD_FILES, 'good-1.jpg'));
  await waitForIndexing(page);
  await expect(page.getByRole('heading', { name: /^Library: / })).toHaveText(
    `Library: ${truth.images.length + 1} photos`,
  );

  await banner.getByRole('button', { name: 'Leave the sample' }).click();
  await expect(page).toHaveURL(/[?&]profile=default(&|$)/, { timeout: 60_000 });
  // The person's photo is still stored (with the built-in model's vector), so the sample,
  // which only loads into an empty library, is not offered over it.
  const welcome = page.getByRole('region', { name: 'Find your photos by describing them' });
  await expect(welcome).toContainText('this one holds a photo');
  await expect(welcome.getByRole('button', { name: 'Try it on sample photos' })).toBeDisabled();
  // Back on the built-in model, it is the whole library.
  await page.goto('/?profile=tiny-world');
  await expect(page.getByRole('heading', { name: /^Library: / })).toHaveText('Library: 1 photo');
  await expect(banner).toBeHidden();
});
