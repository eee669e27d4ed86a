import { expect, test } from '@playwright/test';
import {
  PHOTOS,
  addFolder,
  countOf,
  groundTruth,
  killWorker,
  openApp,
  search,
  topPaths,
  waitForIndexing,
} from './app';

test('an indexing worker killed mid-index is reported, keeps what it stored, and indexing starts again', async ({
  page,
}) => {
  const truth = groundTruth();
  const total = truth.images.length;
  await openApp(page);
  await addFolder(page, PHOTOS);
  const indexing = page.getByRole('region', { name: 'Indexing' });
  // A few committed batches first, so there is something the death must not lose.
  await expect(indexing.getByText(/^Indexing ([4-9]\d|\d{3,}) of/)).toBeVisible({
    timeout: 120_000,
  });

  // Paused, the job is still in the worker's hands however fast this machine indexes the rest.
  await indexing.getByRole('button', { name: 'Pause' }).click();
  await expect(indexing.getByText(/^Paused at/)).toBeVisible();

  await killWorker(page, 'indexing');

  // The person is told, and the page stops waiting for a worker that is gone.
  await expect(page.getByText(/indexing worker stopped unexpectedly/i).first()).toBeVisible();
  await expect(indexing.getByText(/^Indexing \d+ of/)).toHaveCount(0);
  const heading = page.getByRole('heading', { name: /^Library: \d+ photos?/ });
  await expect(heading).toBeVisible();
  const kept = Number(/(\d+)/.exec((await heading.textContent()) ?? '')![1]);
  expect(kept).toBeGreaterThan(0);
  expect(kept).toBeLessThan(total);

  // Without a reload: a fresh worker loads the model again and finishes the job.
  await addFolder(page, PHOTOS);
  const counts = await waitForIndexing(page);
  const unchanged = countOf(counts, /unchanged/);
  expect(unchanged).toBeGreaterThanOrEqual(kept);
  expect(countOf(counts, /new photos? indexed/)).toBe(total - unchanged);
  await expect(page.getByRole('heading', { name: `Library: ${total} photos` })).toBeVisible();

  // Everything is still there after a reload, and search answers.
  await page.reload();
  await expect(page.getByRole('heading', { name: `Library: ${total} photos` })).toBeVisible();
  await search(page, truth.queries[0]!.text);
  expect(await topPaths(page, 5)).toHaveLength(5);
});
