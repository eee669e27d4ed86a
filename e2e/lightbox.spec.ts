import { expect, test, type Page } from '@playwright/test';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FIXTURES, PHOTOS, addFolder, openApp, search, topPaths, waitForIndexing } from './app';

// A small library: a dozen tiny-world photos, and lisbon.jpg, whose EXIF says when (12 June
// 2021, 19:05 at UTC+1), where (Lisbon) and with what (a Canon EOS R5): see
// e2e/capture-metadata.spec.ts.
const FOLDER = 'lightbox-photos';
let root: string;

test.beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'lumen-lightbox-'));
  const dir = path.join(root, FOLDER);
  mkdirSync(dir);
  for (let i = 1; i <= 12; i++) {
    const name = `${String(i).padStart(4, '0')}.jpg`;
    if (name === '0008.jpg') continue; // a PNG in the fixture
    copyFileSync(path.join(PHOTOS, 'beach-trip', name), path.join(dir, name));
  }
  copyFileSync(path.join(FIXTURES, 'exif', 'lisbon.jpg'), path.join(dir, 'lisbon.jpg'));
});
test.afterAll(() => rmSync(root, { recursive: true, force: true }));

async function openLibrary(page: Page) {
  await openApp(page);
  await addFolder(page, path.join(root, FOLDER));
  await waitForIndexing(page, 120_000);
}

const lightbox = (page: Page) => page.getByRole('dialog');

/** One finger drawn sideways across the photo by dx pixels (touch pointer events). */
async function swipe(page: Page, dx: number) {
  await page.locator('.lightbox .stage').evaluate((stage, dx) => {
    const r = stage.getBoundingClientRect();
    const y = r.top + r.height / 2;
    const x = r.left + r.width / 2 - dx / 2;
    const at = (type: string, cx: number) =>
      stage.dispatchEvent(
        new PointerEvent(type, {
          pointerId: 7,
          pointerType: 'touch',
          isPrimary: true,
          clientX: cx,
          clientY: y,
          bubbles: true,
        }),
      );
    at('pointerdown', x);
    at('pointermove', x + dx / 2);
    at('pointerup', x + dx);
  }, dx);
}

test('the lightbox steps through the results with ← and →, zooms, likes, and Esc returns focus to the grid', async ({
  page,
}) => {
  await openLibrary(page);
  await search(page, 'a red circle');
  const [first, second, third, fourth] = await topPaths(page, 4);

  const opener = page.getByRole('button', { name: `Open ${first}` });
  await opener.click();
  const box = lightbox(page);
  await expect(box.getByRole('img', { name: first })).toBeVisible();
  const total = await page
    .getByTestId('results')
    .locator('li')
    .first()
    .getAttribute('aria-setsize');
  await expect(box.getByTestId('lightbox-position')).toHaveText(`1 of ${total}`);
  // Nothing before the first result.
  await page.keyboard.press('ArrowLeft');
  await expect(box.getByRole('img', { name: first })).toBeVisible();

  await page.keyboard.press('ArrowRight');
  await expect(box.getByRole('img', { name: second })).toBeVisible();
  await page.keyboard.press('ArrowRight');
  await expect(box.getByRole('img', { name: third })).toBeVisible();
  await expect(box.getByTestId('lightbox-position')).toHaveText(`3 of ${total}`);
  await page.keyboard.press('ArrowLeft');
  await expect(box.getByRole('img', { name: second })).toBeVisible();
  await box.getByRole('button', { name: 'Next photo' }).click();
  await expect(box.getByRole('img', { name: third })).toBeVisible();

  // + and − zoom; the zoom is kept between the whole photo and 8×.
  const img = box.getByRole('img', { name: third });
  await page.keyboard.press('+');
  await expect(img).toHaveCSS('transform', /matrix\(1\.5, 0, 0, 1\.5/);
  for (let i = 0; i < 10; i++) await page.keyboard.press('+');
  await expect(img).toHaveCSS('transform', /matrix\(8, 0, 0, 8/);
  for (let i = 0; i < 10; i++) await page.keyboard.press('-');
  await expect(img).toHaveCSS('transform', 'matrix(1, 0, 0, 1, 0, 0)');

  // The wheel zooms about the pointer; a swipe on a touch screen moves on, when not zoomed.
  await img.hover();
  await page.mouse.wheel(0, -200);
  await expect(img).not.toHaveCSS('transform', 'matrix(1, 0, 0, 1, 0, 0)');
  await page.keyboard.press('0');
  await expect(img).toHaveCSS('transform', 'matrix(1, 0, 0, 1, 0, 0)');
  await swipe(page, -200);
  await expect(box.getByRole('img', { name: fourth })).toBeVisible();
  await swipe(page, 200);
  await expect(box.getByRole('img', { name: third })).toBeVisible();

  // A like from the lightbox is the same like as the cell's: better than the two above it.
  const like = box.getByRole('button', { name: `Like ${third}`, exact: true });
  await like.click();
  await expect(like).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByText(/^Liked: 2 new pairs for “a red circle”/)).toBeAttached();

  // Esc closes it, and focus goes to the photo last shown, in the grid.
  await page.keyboard.press('Escape');
  await expect(box).toBeHidden();
  await expect(page.getByRole('button', { name: `Open ${third}` })).toBeFocused();
  await expect(page.getByRole('button', { name: `Like ${third}`, exact: true })).toHaveAttribute(
    'aria-pressed',
    'true',
  );

  // Opened and closed at once, focus is back on what opened it.
  await opener.click();
  await expect(box.getByRole('img', { name: first })).toBeVisible();
  await box.getByRole('button', { name: 'Close' }).click();
  await expect(box).toBeHidden();
  await expect(opener).toBeFocused();
});

test('the details say when, where and with what camera a photo was taken, and why it is here', async ({
  page,
}) => {
  await openLibrary(page);
  await page.getByRole('button', { name: `Open ${FOLDER}/lisbon.jpg` }).click();
  const box = lightbox(page);
  await expect(box.getByRole('img', { name: `${FOLDER}/lisbon.jpg` })).toBeVisible();
  // The original is on this device: it can be opened on its own.
  await expect(box.getByRole('link', { name: 'Open the original' })).toHaveAttribute(
    'href',
    /^blob:/,
  );

  const toggle = box.getByRole('button', { name: 'Details' });
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  const details = box.getByRole('complementary', { name: 'Details' });
  await expect(details.locator('time')).toHaveAttribute('datetime', '2021-06-12T19:05:00+01:00');
  await expect(details.locator('time')).toContainText('2021');
  await expect(details).toContainText('Canon EOS R5');
  await expect(details).toContainText('Lisbon');

  // "Why?" explains its place, over the lightbox.
  await details.getByRole('button', { name: `Why is ${FOLDER}/lisbon.jpg here?` }).click();
  await expect(
    page.getByRole('dialog', { name: 'Why this photo is here' }).filter({ visible: true }),
  ).toBeVisible();
  // The first Esc closes the explanation, the second the lightbox.
  await page.keyboard.press('Escape');
  await expect(
    page.getByRole('dialog', { name: 'Why this photo is here' }).filter({ visible: true }),
  ).toBeHidden();
  await expect(box).toBeVisible();

  // The details stay open from photo to photo, and follow it.
  const at = Number(/^(\d+) of/.exec(await box.getByTestId('lightbox-position').innerText())?.[1]);
  await page.keyboard.press(at > 1 ? 'ArrowLeft' : 'ArrowRight');
  await expect(box.getByRole('img', { name: `${FOLDER}/lisbon.jpg` })).toBeHidden();
  await expect(details.locator('time')).not.toHaveAttribute(
    'datetime',
    '2021-06-12T19:05:00+01:00',
  );
  await expect(details).not.toContainText('Canon EOS R5');
  await page.keyboard.press('Escape');
  await expect(box).toBeHidden();
});
