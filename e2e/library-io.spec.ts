import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { unzipSync } from 'fflate';
import { parquetReadObjects } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  addFolder,
  gotoView,
  openApp,
  photoSubfolder,
  search,
  topPaths,
  waitForIndexing,
  waitForScores,
} from './app';

const QUERY = 'a red circle';
/** The tiny world's model key (`id@revision`), as stored in exports of its libraries. */
const manifest = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../models/manifest.json'), 'utf8'),
) as { profiles: Record<string, { clip: { id: string; revision: string } }> };
const { clip } = manifest.profiles['tiny-world']!;
const TINY_MODEL = `${clip.id}@${clip.revision}`;

/** Searches, and waits until the grid shows similarities: the library view before it has none. */
async function searchResults(page: Page, n: number): Promise<string[]> {
  await search(page, QUERY);
  await expect(page.getByTestId('similarity').first()).toBeVisible();
  return topPaths(page, n);
}

/** The panel is in the Library view, folded: each visit there opens it again. */
async function openPanel(page: Page) {
  await gotoView(page, 'Library');
  await page.getByText('Export or import the library').click();
  return page.getByRole('region', { name: 'Export and import' });
}

test('export the library as a zip, import it in a fresh browser, and search it there', async ({
  page,
  browser,
}) => {
  test.setTimeout(600_000);
  // "Export to a folder" writes where the picker points: here the origin-private file system,
  // which the test can read back (a real picker needs a person).
  await page.addInitScript(() => {
    Object.assign(window, { showDirectoryPicker: () => navigator.storage.getDirectory() });
  });
  await openApp(page);
  await addFolder(page, photoSubfolder());
  await waitForIndexing(page);
  await waitForScores(page);
  const heading = (await page.getByRole('heading', { name: /^Library: / }).textContent()) ?? '';
  const count = Number(/(\d+)/.exec(heading)![1]);
  const before = await searchResults(page, 10);

  const panel = await openPanel(page);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    panel.getByRole('button', { name: 'Export as zip' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(
    new RegExp(`^lumen-${clip.id}-${clip.revision}-\\d{4}-\\d\\d-\\d\\d\\.zip$`),
  );
  await expect(panel.getByTestId('library-io-message')).toContainText(
    `Exported ${count} photos with ${count} thumbnails`,
  );
  const zipPath = await download.path();
  const zip = readFileSync(zipPath);

  // The same export into a folder, from the worker through the File System Access API.
  await panel.getByRole('button', { name: 'Export to a folder…' }).click();
  await expect(panel.getByTestId('library-io-message')).toContainText(
    `Exported ${count} photos with ${count} thumbnails into the folder`,
  );
  const folder = download.suggestedFilename().replace(/\.zip$/, '');
  const written = await page.evaluate(async (name) => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(name);
    const file = async (sub: string, file: string) =>
      (await (await dir.getDirectoryHandle(sub)).getFileHandle(file)).getFile();
    const npy = new Uint8Array(await (await file('img_emb', 'img_emb_0.npy')).arrayBuffer());
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', npy));
    const thumbnails: string[] = [];
    for await (const key of (await dir.getDirectoryHandle('thumbnails')).keys()) {
      thumbnails.push(key);
    }
    return {
      npy: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(''),
      parquet: (await file('metadata', 'metadata_0.parquet')).size,
      thumbnails: thumbnails.length,
    };
  }, folder);

  // What the zip holds, read in Node with readers of our own dependencies' makers.
  const files = unzipSync(new Uint8Array(zip));
  const rows = await parquetReadObjects({
    file: new Uint8Array(files['metadata/metadata_0.parquet']!).buffer,
  });
  expect(rows).toHaveLength(count);
  expect(new Set(rows.map((r) => r.model as string))).toEqual(new Set([TINY_MODEL]));
  expect(rows.every((r) => typeof r.aesthetic_laion === 'number')).toBe(true);
  expect(Object.keys(files).filter((f) => f.startsWith('thumbnails/'))).toHaveLength(count);
  expect(written).toEqual({
    npy: createHash('sha256').update(files['img_emb/img_emb_0.npy']!).digest('hex'),
    parquet: files['metadata/metadata_0.parquet']!.length,
    thumbnails: count,
  });

  // Location left out on request: the columns are gone from the file, capture times stay.
  expect(Object.keys(rows[0]!)).toContain('lat');
  await panel.getByLabel('Include where photos were taken (GPS and place names)').uncheck();
  const [withoutPlaces] = await Promise.all([
    page.waitForEvent('download'),
    panel.getByRole('button', { name: 'Export as zip' }).click(),
  ]);
  const placeless = unzipSync(new Uint8Array(readFileSync(await withoutPlaces.path())));
  const placelessRows = await parquetReadObjects({
    file: new Uint8Array(placeless['metadata/metadata_0.parquet']!).buffer,
  });
  expect(placelessRows).toHaveLength(count);
  const columns = Object.keys(placelessRows[0]!);
  expect(columns).toContain('taken_at');
  for (const column of ['lat', 'lon', 'place', 'region', 'country'])
    expect(columns).not.toContain(column);

  // A fresh browser profile: an empty library.
  const context = await browser.newContext();
  const fresh = await context.newPage();
  await openApp(fresh);
  const freshPanel = await openPanel(fresh);

  // An export of another model is refused, and nothing is stored.
  const foreignMeta = parquetWriteBuffer({
    columnData: [
      { name: 'image_path', data: rows.map((r) => r.image_path as string), type: 'STRING' },
      { name: 'model', data: rows.map(() => 'other-model@1'), type: 'STRING' },
    ],
  });
  // As a folder, picked through the folder input.
  const foreign = test.info().outputPath('foreign-export');
  mkdirSync(path.join(foreign, 'img_emb'), { recursive: true });
  mkdirSync(path.join(foreign, 'metadata'), { recursive: true });
  writeFileSync(path.join(foreign, 'img_emb', 'img_emb_0.npy'), files['img_emb/img_emb_0.npy']!);
  writeFileSync(path.join(foreign, 'metadata', 'metadata_0.parquet'), new Uint8Array(foreignMeta));
  await fresh.getByLabel('Export folder to import').setInputFiles(foreign);
  await expect(freshPanel.getByRole('alert')).toContainText(
    `Nothing was imported. This export was made with the model other-model@1, but this library uses ${TINY_MODEL}.`,
  );
  // The open panel, with its refusal, is accessible.
  const { violations } = await new AxeBuilder({ page: fresh }).include('.library-io').analyze();
  expect(
    violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id),
  ).toEqual([]);
  await gotoView(fresh, 'Photos');
  await expect(
    fresh.getByRole('heading', { name: 'Find your photos by describing them' }),
  ).toBeVisible();

  // The real export imports: photos, vectors, scores and thumbnails.
  await openPanel(fresh);
  await fresh.getByLabel('Export zip to import').setInputFiles(zipPath);
  await expect(freshPanel.getByTestId('library-io-message')).toContainText(
    `Imported ${count} photos with ${count} thumbnails, ${count} with their beauty scores.`,
    { timeout: 120_000 },
  );
  await gotoView(fresh, 'Photos');
  await expect(fresh.getByRole('heading', { name: `Library: ${count} photos` })).toBeVisible();
  await waitForScores(fresh);

  // Search works on the imported vectors, and ranks as the original library did.
  const after = await searchResults(fresh, 10);
  expect(after[0]).toBe(before[0]);
  expect(after.filter((p) => before.includes(p)).length).toBeGreaterThanOrEqual(8);

  // The viewer shows the thumbnail and says the original is not here.
  await fresh.getByRole('button', { name: `Open ${after[0]}` }).click();
  const dialog = fresh.getByRole('dialog');
  await expect(dialog.getByRole('img', { name: after[0] })).toBeVisible();
  await expect(dialog.getByTestId('original-missing')).toHaveText(
    'original not on this device (imported); showing its thumbnail',
  );
  // "More like this" works from imported vectors.
  await dialog.getByRole('button', { name: 'More like this' }).click();
  await expect(
    fresh.getByRole('heading', { name: /photos? like the one you picked/ }),
  ).toBeVisible();
  const similar = await topPaths(fresh, 5);
  expect(similar).toHaveLength(5);
  expect(similar).not.toContain(after[0]);

  // A second import into the now full library is refused, and changes nothing.
  await openPanel(fresh);
  await fresh.getByLabel('Export zip to import').setInputFiles(zipPath);
  await expect(freshPanel.getByRole('alert')).toContainText(
    `This library already holds ${count} photos.`,
  );
  await fresh.goBack();
  await expect(
    fresh.getByRole('heading', { name: /photos? like the one you picked/ }),
  ).toBeVisible();
  await context.close();
});
