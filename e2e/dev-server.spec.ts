import { expect, test } from '@playwright/test';
import { DEV_PORT } from '../playwright.config';
import { addFolder, openApp, photoSubfolder, search, topPaths, waitForIndexing } from './app';

// Every other spec drives the production build; a person's first command is `npm start`, the dev
// server, which serves modules one by one and once answered the manifest import with raw JSON.
test('the dev server of `npm start` indexes and searches like the build', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await openApp(page, '?profile=tiny-world', `http://127.0.0.1:${DEV_PORT}/`);
  await addFolder(page, photoSubfolder());
  const counts = await waitForIndexing(page);
  expect(counts).toMatch(/[1-9][\d,]* new photos? indexed/);
  await search(page, 'a red circle');
  expect(await topPaths(page, 5)).toHaveLength(5);
  expect(errors).toEqual([]);
});
