import { expect, test } from '@playwright/test';
import { gotoView, openScoredLibrary, search } from './app';

// A named taste: its own "Which of these two?" answers, a background retrain every five that
// leaves the shown order alone, and pairs that are never asked twice, even after a reload.
test('a named taste learns from its own picks and never asks a pair twice', async ({ page }) => {
  test.setTimeout(300_000);
  await openScoredLibrary(page);
  await search(page, 'a red circle');

  await gotoView(page, 'Tune');
  const panel = page.getByRole('region', { name: 'Tune to my taste' });
  await panel.getByLabel('Name of a new taste').fill('Night scenes');
  await panel.getByRole('button', { name: 'New taste' }).click();
  await expect(panel.getByTestId('active-taste')).toHaveValue(/^taste-/);
  await expect(panel.getByTestId('active-taste').locator('option:checked')).toHaveText(
    'Night scenes',
  );

  const prompt = page.getByRole('group', { name: 'Which of these two do you prefer?' });
  const asked = new Set<string>();
  const current = async () => {
    const query = await prompt.getByTestId('pair-query').textContent();
    const alts = await prompt
      .locator('img')
      .evaluateAll((e) => e.map((i) => i.getAttribute('alt') ?? ''));
    alts.sort();
    return `${query}|${alts.join('|')}`;
  };
  await panel.getByRole('button', { name: 'Which of these two?' }).click();
  for (let i = 0; i < 5; i++) {
    await expect(prompt.locator('img')).toHaveCount(2);
    await expect.poll(async () => asked.has(await current())).toBe(false);
    asked.add(await current());
    await prompt.getByRole('button', { name: 'Prefer the first photo' }).click();
  }
  // Five answers retrain the taste in the background; what is shown keeps its order.
  await expect(panel.getByTestId('train-message')).toContainText('Trained on 5 pairs', {
    timeout: 120_000,
  });
  await expect(panel.getByRole('button', { name: 'Show with new taste' })).toBeVisible();
  await expect(panel.getByTestId('active-taste').locator('option:checked')).toHaveText(
    'Night scenes (trained)',
  );

  // After a reload the taste is still active and the answered pairs are not asked again.
  // (The reload comes back to the Tune view: it is in the address.)
  await page.reload();
  await expect(panel.getByTestId('active-taste').locator('option:checked')).toHaveText(
    'Night scenes (trained)',
  );
  await expect(panel.getByTestId('pair-counts')).toContainText('5');
  await panel.getByRole('button', { name: 'Which of these two?' }).click();
  for (let i = 0; i < 3; i++) {
    await expect(prompt.locator('img')).toHaveCount(2);
    await expect.poll(async () => asked.has(await current())).toBe(false);
    asked.add(await current());
    await prompt.getByRole('button', { name: 'Similar: skip' }).click();
  }
});
