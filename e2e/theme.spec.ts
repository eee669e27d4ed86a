import { expect, test, type Page } from '@playwright/test';
import { openApp } from './app';

// app.css: --bg is #fbfaf8 in the light theme and #161513 in the dark one.
const LIGHT_BG = 'rgb(251, 250, 248)';
const DARK_BG = 'rgb(22, 21, 19)';

const background = (page: Page) =>
  page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
const theme = (page: Page) => page.evaluate(() => document.documentElement.dataset.theme);

async function choose(page: Page, label: 'System' | 'Light' | 'Dark') {
  await page.getByRole('button', { name: /^Theme: / }).click();
  await page.getByRole('menuitemradio', { name: label }).click();
  await expect(page.getByRole('menu')).toBeHidden();
}

test('the theme follows the system, and a chosen one is kept across reloads', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await openApp(page);
  // The system's dark scheme: the dark tokens apply.
  expect(await theme(page)).toBe('system');
  await expect.poll(() => background(page)).toBe(DARK_BG);
  await expect(page.getByRole('button', { name: 'Theme: System' })).toBeVisible();

  // Light, though the system prefers dark; kept across a reload.
  await choose(page, 'Light');
  await expect.poll(() => background(page)).toBe(LIGHT_BG);
  expect(await theme(page)).toBe('light');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Lumen' })).toBeVisible();
  expect(await theme(page)).toBe('light');
  await expect.poll(() => background(page)).toBe(LIGHT_BG);
  await expect(page.getByRole('button', { name: 'Theme: Light' })).toBeVisible();
  expect(await page.evaluate(() => localStorage.getItem('lumen.theme'))).toBe('light');

  // The menu says which is chosen.
  await page.getByRole('button', { name: 'Theme: Light' }).click();
  await expect(page.getByRole('menuitemradio', { name: 'Light' })).toHaveAttribute(
    'aria-checked',
    'true',
  );
  await page.keyboard.press('Escape');

  // Back to the system's: dark again, and still after a reload, with light asked for by the
  // system it follows that.
  await choose(page, 'System');
  await expect.poll(() => background(page)).toBe(DARK_BG);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Lumen' })).toBeVisible();
  expect(await theme(page)).toBe('system');
  await expect.poll(() => background(page)).toBe(DARK_BG);
  await page.emulateMedia({ colorScheme: 'light' });
  await expect.poll(() => background(page)).toBe(LIGHT_BG);

  // Dark, chosen, holds against a light system.
  await choose(page, 'Dark');
  await expect.poll(() => background(page)).toBe(DARK_BG);
});
