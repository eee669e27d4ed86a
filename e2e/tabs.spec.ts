import { expect, test, type Page } from '@playwright/test';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PHOTOS, addFolder, countOf, openApp, waitForIndexing } from './app';
import { chromiumArgs, chromiumPath } from './chromium.mjs';

// Pages of one context are tabs of one window: all but one are in the background, where
// Chromium defers animation frames (Playwright's actions wait on them) and throttles timers.
// These tests are about what tabs tell each other, not about background scheduling.
test.use({
  launchOptions: {
    executablePath: chromiumPath,
    args: [
      ...chromiumArgs,
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
    ],
  },
});

/** Picks a folder in `page`, brought to the front first as a person would. */
async function addFolderIn(page: Page, dir: string) {
  await page.bringToFront();
  await addFolder(page, dir);
}

const PER_FOLDER = 8;
/**
 * The folder both tabs add at once: large enough that its job is still running while the
 * second tab is checked for the first one's progress (8 photos could be indexed before that).
 */
const SHARED_FOLDER = 120;

/** A small copy of a fixture folder under `root`, with the same name. */
function copyFolder(root: string, name: string, count = PER_FOLDER): string {
  const files = readdirSync(path.join(PHOTOS, name)).sort().slice(0, count);
  for (const f of files) cpSync(path.join(PHOTOS, name, f), path.join(root, name, f));
  return path.join(root, name);
}

/** Every uncaught error and console error of a page, to expect none. */
function errorsOf(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`${e.name}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return errors;
}

/** In how many of `pages` the text shows. */
async function visibleIn(pages: Page[], text: string): Promise<number> {
  const shown = await Promise.all(pages.map((p) => p.getByText(text).first().isVisible()));
  return shown.filter(Boolean).length;
}

const libraryHeading = (page: Page, n: number) =>
  page.getByRole('heading', { name: `Library: ${n} photos` });

async function closeIndexingPanel(page: Page) {
  await page
    .getByRole('region', { name: 'Indexing' })
    .getByRole('button', { name: 'Close' })
    .click();
}

test('two tabs add the same folder and then different folders at once: each file is stored once and both tabs agree', async ({
  page,
}) => {
  const root = mkdtempSync(path.join(tmpdir(), 'lumen-tabs-'));
  try {
    const beach = copyFolder(root, 'beach-trip', SHARED_FOLDER);
    const garden = copyFolder(root, 'garden');
    const winter = copyFolder(root, 'winter');
    const other = await page.context().newPage();
    const errors = [...[page, other].map(errorsOf)];
    await openApp(page);
    await openApp(other);

    // The same folder in both tabs at once: one indexes it, the other waits, then finds it all.
    await addFolderIn(page, beach);
    await addFolderIn(other, beach);
    // One of them waits, showing the other's job.
    await expect.poll(() => visibleIn([page, other], 'Waiting to index “beach-trip”')).toBe(1);
    await expect
      .poll(() => visibleIn([page, other], 'Another Lumen tab is indexing “beach-trip”'), {
        timeout: 60_000,
      })
      .toBe(1);
    const counts = await Promise.all([waitForIndexing(page), waitForIndexing(other)]);
    const indexed = counts.map((c) => countOf(c, /new photos? indexed/));
    const unchanged = counts.map((c) => countOf(c, /unchanged/));
    expect(indexed.sort((a, b) => a - b)).toEqual([0, SHARED_FOLDER]);
    expect(unchanged.sort((a, b) => a - b)).toEqual([0, SHARED_FOLDER]);
    for (const p of [page, other]) await expect(libraryHeading(p, SHARED_FOLDER)).toBeVisible();

    // Different folders at once: both run, one after the other, and both tabs count them all.
    for (const p of [page, other]) {
      await p.bringToFront();
      await closeIndexingPanel(p);
    }
    await addFolderIn(page, garden);
    await addFolderIn(other, winter);
    const done = await Promise.all([waitForIndexing(page), waitForIndexing(other)]);
    for (const c of done) expect(countOf(c, /new photos? indexed/)).toBe(PER_FOLDER);
    for (const p of [page, other])
      await expect(libraryHeading(p, SHARED_FOLDER + 2 * PER_FOLDER)).toBeVisible({
        timeout: 2_000,
      });
    expect(errors.flat()).toEqual([]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('three tabs: a folder added in one is counted in the others within a second or two', async ({
  page,
}) => {
  const root = mkdtempSync(path.join(tmpdir(), 'lumen-tabs3-'));
  try {
    const garden = copyFolder(root, 'garden');
    const pages = [page, await page.context().newPage(), await page.context().newPage()];
    const errors = pages.map(errorsOf);
    for (const p of pages) await openApp(p);
    await addFolderIn(page, garden);
    await expect(page.getByRole('region', { name: 'Indexing' })).toBeVisible();
    await waitForIndexing(page, 120_000);
    for (const p of pages)
      await expect(libraryHeading(p, PER_FOLDER)).toBeVisible({ timeout: 2_000 });
    expect(errors.flat()).toEqual([]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('an upgrade from another tab is not blocked by an open tab, which steps aside and says so', async ({
  page,
}) => {
  await openApp(page);
  await expect(libraryHeading(page, 0)).toBeVisible();
  const newer = await page.context().newPage();
  await newer.goto('/favicon.svg');
  const outcome = await newer.evaluate(async () => {
    const current = await new Promise<number>((resolve, reject) => {
      const req = indexedDB.open('lumen');
      req.onsuccess = () => {
        resolve(req.result.version);
        req.result.close();
      };
      req.onerror = () => reject(new Error('open failed'));
    });
    let blocked = false;
    const version = await new Promise<number>((resolve, reject) => {
      const req = indexedDB.open('lumen', current + 1);
      req.onblocked = () => (blocked = true);
      req.onsuccess = () => {
        resolve(req.result.version);
        req.result.close();
      };
      req.onerror = () => reject(new Error('upgrade failed'));
    });
    return { current, version, blocked };
  });
  expect(outcome.version).toBe(outcome.current + 1);
  expect(outcome.blocked).toBe(false);
  await expect(page.getByText(/Another Lumen tab is updating the library/)).toBeVisible();
});
