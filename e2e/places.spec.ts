import { expect, test, type Page } from '@playwright/test';
import { statSync } from 'node:fs';
import { PLACES_CACHE, PLACES_DATA_FILE, placesDataUrl } from '../src/core/places';
import { openApp } from './app';

const dataBytes = statSync(`public/${PLACES_DATA_FILE}`).size;

async function serviceWorkerReady(page: Page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((r) =>
        navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }),
      );
    }
  });
}

/** Every cached URL that holds the place data, in any of the page's caches. */
function cachedPlaceData(page: Page): Promise<string[]> {
  return page.evaluate(async (file) => {
    const found: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) {
        if (request.url.includes(file)) found.push(`${name} ${request.url}`);
      }
    }
    return found;
  }, PLACES_DATA_FILE);
}

test('the place data is downloaded only when asked for, then kept for offline use', async ({
  page,
  context,
  baseURL,
}) => {
  const requests = await openApp(page);
  await serviceWorkerReady(page);
  // Not precached: a library without GPS never downloads it.
  expect(requests.filter((u) => u.includes(PLACES_DATA_FILE))).toEqual([]);
  expect(await cachedPlaceData(page)).toEqual([]);

  const url = placesDataUrl(new URL('/', baseURL).href);
  const fetchSize = () =>
    page.evaluate(async (u) => {
      const res = await fetch(u);
      return { status: res.status, bytes: (await res.arrayBuffer()).byteLength };
    }, url);
  expect(await fetchSize()).toEqual({ status: 200, bytes: dataBytes });
  expect(await cachedPlaceData(page)).toEqual([`${PLACES_CACHE} ${url}`]);

  await context.setOffline(true);
  expect(await fetchSize()).toEqual({ status: 200, bytes: dataBytes });
});
