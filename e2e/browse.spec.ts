import { expect, test } from '@playwright/test';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { PHOTOS, addFolder, countOf, openApp, search, topPaths, waitForIndexing } from './app';

const subfolder = () => {
  const name = readdirSync(PHOTOS, { withFileTypes: true }).find((d) => d.isDirectory())!.name;
  return path.join(PHOTOS, name);
};

test('pause, resume and cancel indexing, then browse, open and find similar photos', async ({
  page,
}) => {
  await openApp(page);
  await addFolder(page, subfolder());
  const indexing = page.getByRole('region', { name: 'Indexing' });
  await indexing.getByRole('button', { name: 'Pause' }).click();
  await expect(indexing.getByText(/^Paused at/)).toBeVisible();
  await indexing.getByRole('button', { name: 'Resume' }).click();
  await expect(indexing.getByText(/^Indexing \d+ of/)).toBeVisible();
  await indexing.getByRole('button', { name: 'Cancel' }).click();
  const counts = await waitForIndexing(page);
  await expect(indexing.getByText(/^Cancelled after/)).toBeVisible();
  const stored = countOf(counts, /new photos? indexed/);

  // The cancelled run kept what it finished; adding again does only the rest.
  await addFolder(page, subfolder());
  const rest = await waitForIndexing(page);
  expect(countOf(rest, /unchanged/)).toBe(stored);
  expect(countOf(rest, /new photos? indexed/)).toBeGreaterThan(0);

  // A jump to the end of the library and back: the grid moves more than a screen at once (a
  // fling), shows placeholders meanwhile, and where it settles every cell shows its own photo.
  const firstScreen = await topPaths(page, 6);
  const total = Number(
    await page.getByTestId('results').locator('li').first().getAttribute('aria-setsize'),
  );
  // The window scrolls, not the grid: the grid has no scroll area of its own.
  const grid = page.getByRole('region', { name: 'Photos', exact: true });
  expect(await grid.evaluate((el) => el.scrollHeight > el.clientHeight + 1)).toBe(false);
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  // While it moves, a slot's earlier cell is kept hidden: only what is visible counts.
  const lastPhoto = page.locator(`li[aria-posinset="${total}"] img`);
  await expect(lastPhoto).toBeVisible();
  expect(firstScreen).not.toContain(await lastPhoto.getAttribute('alt'));
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(page.locator('li[aria-posinset="1"] img')).toBeVisible();
  expect(await topPaths(page, 6)).toEqual(firstScreen);

  await search(page, 'a red circle');
  const [first] = await topPaths(page, 1);

  // Open the first result large, then close it with the keyboard.
  await page.getByRole('button', { name: `Open ${first}` }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('img', { name: first })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // Arrow keys move between results.
  await page.getByRole('button', { name: `Open ${first}` }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('li[aria-posinset="2"] .open')).toBeFocused();

  // More like this: image-to-image search that never returns the photo itself.
  await page.getByRole('button', { name: `More like ${first}` }).click();
  await expect(
    page.getByRole('heading', { name: /photos? like the one you picked/ }),
  ).toBeVisible();
  const similar = await topPaths(page, 5);
  expect(similar).not.toContain(first);
});
