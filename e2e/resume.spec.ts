import { expect, test } from '@playwright/test';
import { PHOTOS, addFolder, countOf, groundTruth, openApp, waitForIndexing } from './app';

test('a tab closed mid-index keeps finished photos and resumes without redoing them', async ({
  page,
}) => {
  const total = groundTruth().images.length;
  await openApp(page);
  await addFolder(page, PHOTOS);
  const indexing = page.getByRole('region', { name: 'Indexing' });
  // Wait for a few committed batches, then "close the tab".
  await expect(indexing.getByText(/^Indexing ([4-9]\d|\d{3,}) of/)).toBeVisible({
    timeout: 120_000,
  });
  await page.reload();

  await expect(page.getByRole('region', { name: 'Interrupted indexing' })).toBeVisible();
  // The count of what was kept (the heading reads 0 until the library's counts are in).
  const heading = page.getByRole('heading', { name: /^Library: [1-9][\d,]* photos?/ });
  await expect(heading).toBeVisible();
  const kept = countOf((await heading.textContent()) ?? '', /photos?/);
  expect(kept).toBeGreaterThan(0);
  expect(kept).toBeLessThan(total);

  // Without a stored folder handle (the file input), resuming means choosing the folder again.
  await page.getByRole('button', { name: 'Resume indexing' }).click();
  await expect(page.getByText(/Choose the folder .* again/)).toBeVisible();
  await addFolder(page, PHOTOS);
  const counts = await waitForIndexing(page);
  expect(countOf(counts, /unchanged/)).toBe(kept);
  expect(countOf(counts, /new photos? indexed/)).toBe(total - kept);
  await expect(page.getByRole('region', { name: 'Interrupted indexing' })).toHaveCount(0);
});
