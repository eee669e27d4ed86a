import { expect, test, type Locator, type Page } from '@playwright/test';
import { SUBPATH_PORT } from '../playwright.config';
import {
  addPhotoFiles,
  failOnPolicyViolations,
  gotoView,
  modelPicker,
  openApp,
  search,
  topPaths,
  waitForIndexing,
} from './app';

const tuneView = (page: Page) => page.getByRole('region', { name: 'Tune to my taste' });
const libraryView = (page: Page) => page.getByRole('region', { name: 'Library', exact: true });
const compareView = (page: Page) => page.getByRole('region', { name: 'Compare systems' });
const momentsView = (page: Page) => page.getByRole('region', { name: 'Review moments' });

test('each view has an address: Back and Forward move between them, a reload and a change of model keep them', async ({
  page,
}) => {
  await page.route('https://huggingface.co/**', (route) => route.abort('internetdisconnected'));
  await openApp(page);
  await expect(page.getByRole('searchbox', { name: 'Search your photos' })).toBeVisible();
  await expect(page).not.toHaveURL(/#/);

  await gotoView(page, 'Tune');
  await expect(page).toHaveURL(/\?profile=tiny-world#tune$/);
  await expect(tuneView(page)).toBeVisible();
  await gotoView(page, 'Moments');
  await expect(page).toHaveURL(/#moments$/);
  await expect(momentsView(page)).toBeVisible();
  await gotoView(page, 'Library');
  await expect(page).toHaveURL(/#library$/);
  await expect(libraryView(page)).toBeVisible();
  // Nothing of the search view is left under another view.
  await expect(page.getByTestId('results')).toHaveCount(0);

  await page.goBack();
  await expect(momentsView(page)).toBeVisible();
  await page.goBack();
  await expect(tuneView(page)).toBeVisible();
  await page.goBack();
  await expect(page.getByTestId('results')).toBeAttached();
  await expect(page).not.toHaveURL(/#/);
  await page.goForward();
  await expect(tuneView(page)).toBeVisible();

  // A reload comes back to the view in the address.
  await page.reload();
  await expect(tuneView(page)).toBeVisible();

  // Switching the model reloads the page on it, in the same view.
  await gotoView(page, 'Library');
  await (await modelPicker(page)).selectOption('default');
  await expect(page).toHaveURL(/\?profile=default#library$/);
  await expect(libraryView(page)).toBeVisible();
  await expect(await modelPicker(page)).toHaveValue('default');
});

test('old addresses still lead to their views, and judging is full-window', async ({ page }) => {
  await openApp(page, '?profile=tiny-world#judge');
  await expect(compareView(page)).toBeVisible();
  // Rewritten in place: the same history entry, under the new name.
  await expect(page).toHaveURL(/#compare$/);
  await expect(page.getByRole('navigation', { name: 'Views' })).toHaveCount(0);
  await expect(page.getByRole('searchbox', { name: 'Search your photos' })).toHaveCount(0);
  await compareView(page).getByRole('button', { name: 'Back to search' }).click();
  await expect(page.getByRole('searchbox', { name: 'Search your photos' })).toBeVisible();
  await expect(page).not.toHaveURL(/#/);
  // Back returns to the judging it left.
  await page.goBack();
  await expect(compareView(page)).toBeVisible();

  await page.goto('/?profile=tiny-world#moments');
  await expect(momentsView(page)).toBeVisible();
});

test('the views work under a sub-path, as on GitHub Pages', async ({ page }) => {
  const base = `http://127.0.0.1:${SUBPATH_PORT}/lumen/`;
  await openApp(page, '?profile=tiny-world#library', base);
  await expect(libraryView(page)).toBeVisible();
  await gotoView(page, 'Tune');
  await expect(page).toHaveURL(`${base}?profile=tiny-world#tune`);
  await gotoView(page, 'Photos');
  await expect(page).toHaveURL(`${base}?profile=tiny-world`);
  await expect(page.getByTestId('results')).toBeAttached();
  await page.goBack();
  await expect(tuneView(page)).toBeVisible();
});

/** Width and height of an element on screen. */
async function size(l: Locator) {
  const box = await l.boundingBox();
  expect(box, 'the element is on screen').not.toBeNull();
  return box!;
}

async function expectTouchSized(targets: Locator, what: string) {
  const n = await targets.count();
  expect(n, `${what}: some to measure`).toBeGreaterThan(0);
  for (let i = 0; i < n; i++) {
    const t = targets.nth(i);
    const { width, height } = await size(t);
    const name = (await t.getAttribute('aria-label')) ?? (await t.textContent())?.trim();
    expect(Math.min(width, height), `${what}: “${name}” is at least 44 px`).toBeGreaterThanOrEqual(
      44,
    );
  }
}

test('on a phone the search box and the results come first, the controls open in a sheet', async ({
  page,
}) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await failOnPolicyViolations(page);
  await openApp(page);
  await addPhotoFiles(page, 12);
  await waitForIndexing(page);
  // The indexing summary is read and closed, as a person would.
  await page
    .getByRole('region', { name: 'Indexing' })
    .getByRole('button', { name: 'Close' })
    .click();
  await search(page, 'a red circle');
  const [first] = await topPaths(page, 1);

  // The search box is on the first screen, above the results, which start on it too.
  const box = await size(page.getByRole('searchbox', { name: 'Search your photos' }));
  const cell = await size(page.getByRole('button', { name: `Open ${first}` }));
  expect(box.y + box.height).toBeLessThan(cell.y);
  expect(cell.y).toBeLessThan(844 / 2);
  // Nothing is wider than the phone.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  // At least three columns: the first three results share a row.
  const tops = [];
  for (let i = 1; i <= 3; i++)
    tops.push((await size(page.locator(`[data-testid="results"] li[aria-posinset="${i}"]`))).y);
  expect(new Set(tops).size).toBe(1);

  // Touch targets: the top bar's buttons, the views' links and a cell's actions.
  await expectTouchSized(page.locator('header').getByRole('button'), 'top bar');
  await expectTouchSized(
    page.getByRole('navigation', { name: 'Views' }).getByRole('link'),
    'navigation',
  );
  const firstCell = page.getByTestId('results').locator('li[aria-posinset="1"]');
  await expectTouchSized(
    firstCell.getByRole('button', { name: new RegExp(`^(Why is|More like) ${first}`) }),
    'cell actions',
  );

  // Ranking and filters are in a sheet, not above the results.
  await expect(page.getByRole('region', { name: 'Ranking' })).toHaveCount(0);
  await page.getByRole('button', { name: /^Ranking and filters/ }).click();
  const sheet = page.getByRole('dialog', { name: 'Ranking and filters' });
  await expect(sheet.getByRole('region', { name: 'Ranking' })).toBeVisible();
  await sheet.getByRole('combobox', { name: 'Order' }).selectOption('beauty');
  await sheet.getByRole('button', { name: 'Done' }).click();
  await expect(sheet).toBeHidden();
  await expect(page.getByRole('heading', { name: /results? for “a red circle”/ })).toBeVisible();

  // The views are along the bottom, and each still works at this width.
  const nav = await size(page.getByRole('navigation', { name: 'Views' }));
  expect(nav.y + nav.height).toBeGreaterThan(844 - 2);
  await gotoView(page, 'Library');
  await expect(libraryView(page)).toBeVisible();
});
