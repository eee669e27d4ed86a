import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  TINY_WORLD,
  addFolder,
  openApp,
  photoSubfolder,
  search,
  topPaths,
  waitForIndexing,
} from './app';

/** The fixture's capture metadata (its generator splices EXIF into the photos). */
interface Captured {
  path: string;
  shape: string;
  colour: string;
  takenAt: string | null;
  city: string | null;
}
const truth = (
  JSON.parse(readFileSync(path.join(TINY_WORLD, 'ground-truth.json'), 'utf8')) as {
    images: Captured[];
  }
).images;
const folder = path.basename(photoSubfolder());
/** By the path a result shows (folder/name), for the photos of the indexed folder. */
const byPath = new Map(
  truth
    .filter((img) => img.path.startsWith(`photos/${folder}/`))
    .map((img) => [img.path.replace(/^photos\//, ''), img]),
);
const count = (keep: (img: Captured) => boolean) => [...byPath.values()].filter(keep).length;
const in2021 = (img: Captured) => img.takenAt?.startsWith('2021') ?? false;
const inLisbon = (img: Captured) => img.city === 'Lisbon';

/** The results' heading: with `n`, exactly n results; without, any number. */
const resultsHeading = (page: Page, n: number | undefined, text: string) =>
  page.getByRole('heading', {
    name: n === undefined ? new RegExp(`results? for “${text}”`) : `${n} results for “${text}”`,
  });

test('words for a time, a place filter, and results in the order they were taken', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await openApp(page);
  await addFolder(page, photoSubfolder());
  await waitForIndexing(page);

  // "-red" takes the concept away: fewer red photos among the first ten.
  const redInTop10 = async () =>
    (await topPaths(page, 10)).filter((p) => byPath.get(p)!.colour === 'red').length;
  await search(page, 'a red circle');
  const red = await redInTop10();
  await search(page, 'a red circle -red');
  await expect(page.getByRole('list', { name: 'In force' })).toContainText('Without: red');
  expect(await redInTop10()).toBeLessThan(red);

  // "in 2021" is read as a time: only 2021's photos come back, and it shows as a chip.
  await search(page, 'a red circle in 2021');
  await expect(resultsHeading(page, count(in2021), 'a red circle in 2021')).toBeVisible();
  for (const p of await topPaths(page, 20)) expect(in2021(byPath.get(p)!)).toBe(true);
  const chips = page.getByRole('list', { name: 'In force' });
  await chips.getByRole('button', { name: 'Remove 2021' }).click();
  await expect(page.getByRole('searchbox', { name: 'Search your photos' })).toHaveValue(
    'a red circle',
  );
  await expect(resultsHeading(page, byPath.size, 'a red circle')).toBeVisible();

  // The bar's date range does the same from the filter bar, with a chip of its own.
  await page.getByRole('combobox', { name: 'Taken from', exact: true }).selectOption('2021');
  await page.getByRole('combobox', { name: 'to', exact: true }).selectOption('2021');
  await expect(resultsHeading(page, count(in2021), 'a red circle')).toBeVisible();
  await chips.getByRole('button', { name: /^Remove Jan 2021/ }).click();
  await expect(resultsHeading(page, byPath.size, 'a red circle')).toBeVisible();

  // A place from the filter bar narrows the same words to the photos taken there.
  const place = page.getByRole('combobox', { name: 'Place' });
  const lisbon = await place.locator('option', { hasText: 'Lisbon' }).getAttribute('value');
  await place.selectOption(lisbon);
  await expect(resultsHeading(page, count(inLisbon), 'a red circle')).toBeVisible();
  for (const p of await topPaths(page, 20)) expect(inLisbon(byPath.get(p)!)).toBe(true);
  await expect(chips.getByRole('button', { name: 'Remove Lisbon' })).toBeVisible();

  // Newest taken first: the relevant ones only, under month headings, newest first.
  await page.getByRole('combobox', { name: 'Order' }).selectOption('taken-newest');
  const headings = page.getByTestId('results').getByRole('heading', { level: 3 });
  await expect(headings.first()).toBeVisible();
  const months = (await headings.allTextContents()).map((t) => Date.parse(`1 ${t}`));
  expect(months.every((m) => !Number.isNaN(m))).toBe(true);
  expect(months).toEqual([...months].sort((a, b) => b - a));
  const shown = await topPaths(page, 5);
  const times = shown.map((p) => byPath.get(p)!.takenAt!);
  expect(times).toEqual([...times].sort().reverse());

  // The search, its filter and its order are all still in force after a reload.
  await page.reload();
  await expect(resultsHeading(page, undefined, 'a red circle')).toBeVisible();
  await expect(chips.getByRole('button', { name: 'Remove Lisbon' })).toBeVisible();
  await expect(headings.first()).toBeVisible();

  // Without words, the filter lists every photo taken there, newest first, by month.
  await page.getByRole('button', { name: 'Show whole library' }).click();
  await expect(
    page.getByRole('heading', { name: `Filtered: ${count(inLisbon)} photos, newest taken first` }),
  ).toBeVisible();
  await expect(headings.first()).toBeVisible();
  const listed = await topPaths(page, 8);
  expect(listed.every((p) => inLisbon(byPath.get(p)!))).toBe(true);
  const taken = listed.map((p) => byPath.get(p)!.takenAt!);
  expect(taken).toEqual([...taken].sort().reverse());
});
