import { expect, test } from '@playwright/test';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BAD_FILES, addFolder, countOf, gotoView, openApp, waitForIndexing } from './app';

interface Expected {
  files: { name: string; expect: 'indexed' | 'skipped' | 'ignored'; reason?: string }[];
}

test('hostile files are listed with a reason and the library stays intact', async ({ page }) => {
  const expected = JSON.parse(
    readFileSync(path.join(BAD_FILES, 'expected.json'), 'utf8'),
  ) as Expected;
  // expected.json lists itself: it lies in the folder and is rightly reported as not an image.
  const skipped = expected.files.filter((f) => f.expect === 'skipped');
  const indexed = expected.files.filter((f) => f.expect === 'indexed');
  const ignored = expected.files.filter((f) => f.expect === 'ignored');
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  await openApp(page);
  await addFolder(page, BAD_FILES);
  const counts = await waitForIndexing(page);
  expect(countOf(counts, /new photos? indexed/)).toBe(indexed.length);
  expect(countOf(counts, /skipped/)).toBe(skipped.length);

  // The skipped files are listed in the Library view.
  await gotoView(page, 'Library');
  const panel = page.getByRole('group').filter({ hasText: /files? skipped/ });
  await panel.getByText(/files? skipped/).click();
  const list = page.getByRole('list', { name: 'Skipped files' });
  for (const f of skipped) {
    const item = list.locator('li').filter({ has: page.getByText(f.name, { exact: false }) });
    await expect(item, `${f.name} is listed`).toHaveCount(1);
    await expect(item).toHaveAttribute('data-reason', f.reason!);
  }
  // Hidden and system files are neither indexed nor reported.
  for (const f of ignored) await expect(list.getByText(f.name, { exact: false })).toHaveCount(0);

  // A file name made of HTML is shown as text, never parsed.
  await gotoView(page, 'Photos');
  const htmlName = indexed.find((f) => f.name.includes('<'));
  if (htmlName) {
    await expect(
      page.getByRole('img', {
        name: new RegExp(htmlName.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
      }),
    ).toBeVisible();
    await expect(page.locator('img[src="x"]')).toHaveCount(0);
  }
  expect(dialogs).toBe(0);
  expect(errors).toEqual([]);

  // A photo whose EXIF says "rotated" is shown upright: 96×64 stored, 64×96 as taken.
  const rotated = page.getByRole('img', { name: /rotated-exif6\.jpg/ });
  await expect(rotated).toBeVisible();
  const [w, h] = await rotated.evaluate((img: HTMLImageElement) => [
    img.naturalWidth,
    img.naturalHeight,
  ]);
  expect(h).toBeGreaterThan(w);

  // Adding the bad folder again changes nothing that was stored.
  await page.reload();
  await expect(
    page.getByRole('heading', {
      name: `Library: ${indexed.length} photo${indexed.length === 1 ? '' : 's'}`,
    }),
  ).toBeVisible();
  await addFolder(page, BAD_FILES);
  const again = await waitForIndexing(page);
  expect(countOf(again, /new photos? indexed/)).toBe(0);
  expect(countOf(again, /unchanged/)).toBe(indexed.length);
});

test('a phone’s 108-megapixel photo is indexed, not refused as too large', async ({ page }) => {
  await openApp(page);
  // Made here rather than committed: 12000×9000 pixels, as a 108 MP phone camera takes them.
  const base64 = await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(12_000, 9_000);
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#2a6';
    ctx.fillRect(0, 0, 12_000, 9_000);
    ctx.fillStyle = '#e33';
    ctx.beginPath();
    ctx.arc(6_000, 4_500, 3_000, 0, 7);
    ctx.fill();
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000)
      s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  });
  await page.getByLabel('Photo files').setInputFiles({
    name: 'phone-108mp.jpg',
    mimeType: 'image/jpeg',
    buffer: Buffer.from(base64, 'base64'),
  });
  const counts = await waitForIndexing(page);
  expect(countOf(counts, /new photos? indexed/)).toBe(1);
  await expect(page.getByRole('heading', { name: 'Library: 1 photo' })).toBeVisible();
  await expect(page.getByRole('img', { name: /phone-108mp\.jpg/ })).toBeVisible();
});

test('a photo export full of sidecar files lists them by reason, 200 at a time', async ({
  page,
}) => {
  // As Google Takeout writes it: a .json beside every photo.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lumen-takeout-'));
  try {
    for (let i = 0; i < 230; i++) {
      writeFileSync(path.join(dir, `PXL_${1000 + i}.jpg.json`), `{"title":"PXL_${1000 + i}.jpg"}`);
    }
    copyFileSync(path.join(BAD_FILES, 'good-1.jpg'), path.join(dir, 'PXL_0999.jpg'));
    await openApp(page);
    await addFolder(page, dir);
    const counts = await waitForIndexing(page);
    expect(countOf(counts, /new photos? indexed/)).toBe(1);
    expect(countOf(counts, /skipped/)).toBe(230);

    await gotoView(page, 'Library');
    await page.getByText('230 files skipped').click();
    await expect(page.getByText('230 not images', { exact: true })).toBeVisible();
    const list = page.getByRole('list', { name: 'Skipped files' });
    await expect(list.locator('li')).toHaveCount(200);
    await page.getByRole('button', { name: 'Show all 230' }).click();
    await expect(list.locator('li')).toHaveCount(230);
    await expect(page.getByRole('button', { name: /^Show all/ })).toHaveCount(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
