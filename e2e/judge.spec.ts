import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { gotoView, openScoredLibrary } from './app';

test('judging base against re-rank by keyboard survives a reload and exports its verdicts', async ({
  page,
}) => {
  await openScoredLibrary(page);

  await gotoView(page, 'Compare');
  const view = page.getByRole('region', { name: 'Compare systems' });
  // Judging is full-window: no navigation, no search box, no footer beside the two rows.
  await expect(page.getByRole('navigation', { name: 'Views' })).toHaveCount(0);
  await expect(page.getByRole('searchbox', { name: 'Search your photos' })).toHaveCount(0);
  await expect(page.getByRole('contentinfo')).toHaveCount(0);
  await view.getByLabel('First system').selectOption({ label: 'Base' });
  await view.getByLabel('Second system').selectOption({ label: '+re-rank' });
  await view.getByLabel('Queries, one per line').fill('a red circle\na blue square');
  await view.getByRole('button', { name: 'Start judging' }).click();

  const progress = view.getByTestId('judge-progress');
  // Two queries, each shown twice with the sides swapped.
  await expect(progress).toHaveText('0 of 4');
  await expect(view.getByRole('heading', { name: '“a red circle”' })).toBeVisible();
  await expect(view.getByRole('list', { name: 'Left row' }).locator('img')).toHaveCount(5);
  await expect(view.getByRole('list', { name: 'Right row' }).locator('img')).toHaveCount(5);

  // Aspect by aspect: accuracy, aesthetics, diversity, then on to the next showing.
  const current = view.getByRole('list', { name: 'Aspects' }).locator('[aria-current="step"]');
  await expect(current).toHaveText('accuracy');
  await page.keyboard.press('ArrowLeft');
  await expect(current).toHaveText('aesthetics');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown');
  await expect(progress).toHaveText('1 of 4');
  await expect(view.getByRole('heading', { name: '“a blue square”' })).toBeVisible();
  // Undo steps back into the finished showing, one aspect at a time.
  await page.keyboard.press('Backspace');
  await expect(progress).toHaveText('0 of 4');
  await expect(current).toHaveText('diversity');
  await page.keyboard.press('Backspace');
  await expect(current).toHaveText('aesthetics');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(progress).toHaveText('1 of 4');
  await page.keyboard.press('ArrowLeft');
  await expect(current).toHaveText('aesthetics');
  await expect(view).toHaveAttribute('data-saved', 'true');

  // A reload in the middle comes back to the same showing and aspect.
  await page.reload();
  await expect(progress).toHaveText('1 of 4');
  await expect(current).toHaveText('aesthetics');
  await expect(view.getByRole('heading', { name: '“a blue square”' })).toBeVisible();

  // Always the left row: a judge that only follows the screen side earns no wins.
  for (let i = 0; i < 2 + 3 * 2; i++) await page.keyboard.press('ArrowLeft');
  await expect(progress).toContainText('4 of 4');
  await expect(view.getByRole('table', { name: /^Your verdicts/ })).toContainText('100%');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    view.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('lumen-judging-base-vs-rerank-person.csv');
  const lines = readFileSync(await download.path(), 'utf8')
    .trimEnd()
    .split('\r\n');
  expect(lines[0]).toBe('query,system_a,system_b,accuracy,aesthetics,diversity,a_left_first');
  expect(lines).toHaveLength(3);
  // Every answer was "left", once with each system there: similar on every aspect.
  expect(lines[1]).toMatch(/^a red circle,base,rerank,similar,similar,similar,(true|false)$/);
  expect(lines[2]).toMatch(/^a blue square,base,rerank,similar,similar,similar,(true|false)$/);

  // The automatic judge answers the same comparisons; its agreement with the person is shown.
  await view.getByRole('button', { name: 'Let the automatic judge answer' }).click();
  await expect(view.getByRole('table', { name: /^Automatic judge/ })).toBeVisible();
  await expect(view.getByTestId('judge-agreement')).toContainText('over 2 comparisons');
});
