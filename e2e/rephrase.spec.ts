import { expect, test } from '@playwright/test';
import { addFolder, openApp, photoSubfolder, search, topPaths, waitForIndexing } from './app';

test('a rephrasing from the local LLM is shown, editable, undoable, cached, and changes results', async ({
  page,
}) => {
  // Two page lives, each starting the language model from scratch on two busy cores.
  test.setTimeout(360_000);
  await openApp(page);
  await addFolder(page, photoSubfolder());
  await waitForIndexing(page);

  await search(page, 'a red circle');
  const plain = await topPaths(page, 10);

  await page
    .getByRole('checkbox', { name: 'Rephrase my searches with a local language model' })
    .check();
  await page.getByRole('slider', { name: 'Weight of the rephrasing' }).fill('0.8');
  await search(page, 'a red circle');
  // The repo's tiny random-weight LM runs for real through transformers.js on WASM.
  await expect(page.getByTestId('llm-status')).toContainText('tiny-llm (transformers.js, WASM)', {
    timeout: 60_000,
  });
  const box = page.getByRole('textbox', { name: /Rephrased query/ });
  await expect(box).not.toHaveAttribute('aria-busy', 'true', { timeout: 60_000 });

  // Its words are nonsense: replace them with a rephrasing that means something else.
  await box.fill('a blue square');
  await page.getByRole('button', { name: 'Use this rephrasing' }).click();
  await expect(page.getByText('Rephrased query (in use)')).toBeVisible();
  await expect.poll(() => topPaths(page, 10)).not.toEqual(plain);
  const rephrased = await topPaths(page, 10);

  // "Use my words only" gives the plain results back; Undo returns to the rephrasing.
  await page.getByRole('button', { name: 'Use my words only' }).click();
  await expect.poll(() => topPaths(page, 10)).toEqual(plain);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(box).toHaveValue('a blue square');
  await expect.poll(() => topPaths(page, 10)).toEqual(rephrased);

  // The edited rephrasing is cached: after a reload the same query uses it at once.
  await page.reload();
  await search(page, 'a red circle');
  await expect(box).toHaveValue('a blue square', { timeout: 150_000 });
  await expect.poll(() => topPaths(page, 10)).toEqual(rephrased);
});

test.describe('when the model cannot be fetched', () => {
  // page.route cannot see requests the service worker makes on the page's behalf.
  test.use({ serviceWorkers: 'block' });

  test('search still works and the page says why', async ({ page }) => {
    await page.route('**/models/tiny-llm/**', (route) => route.fulfill({ status: 404, body: '' }));
    await openApp(page);
    await addFolder(page, photoSubfolder());
    await waitForIndexing(page);
    await page
      .getByRole('checkbox', { name: 'Rephrase my searches with a local language model' })
      .check();
    await search(page, 'a red circle');
    await expect(
      page.getByRole('alert').filter({ hasText: 'No language model can run here' }),
    ).toBeVisible({
      timeout: 60_000,
    });
    expect(await topPaths(page, 3)).toHaveLength(3);
  });
});
