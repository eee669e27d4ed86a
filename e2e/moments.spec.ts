import { expect, test, type Page } from '@playwright/test';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addFolder, FIXTURES, gotoView, openApp, waitForIndexing } from './app';

const MOMENTS = path.join(FIXTURES, 'moments', 'photos');
/** Two bursts, two sets of copies and a pair of lookalikes: enough groups, short to index. */
const PICKED = /^(moment-0[01]|copy-0[01]|lookalike-00)/;

function pickedFolder(root: string): number {
  const files = readdirSync(MOMENTS).filter((f) => PICKED.test(f));
  for (const f of files) cpSync(path.join(MOMENTS, f), path.join(root, 'moments', f));
  return files.length;
}

const where = (page: Page) =>
  page.getByRole('region', { name: 'Review moments' }).getByRole('status').first();

test('review moments with the keyboard, accept all, reload, export, and train from the culling pairs', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const root = mkdtempSync(path.join(os.tmpdir(), 'lumen-moments-'));
  try {
    const count = pickedFolder(root);
    await openApp(page);
    await addFolder(page, path.join(root, 'moments'));
    await waitForIndexing(page);
    await expect(page.getByRole('heading', { name: `Library: ${count} photos` })).toBeVisible();

    // Stacks: in results (here the best shots), near-identical photos show as one cover with a
    // count, which opens the group.
    await page.getByRole('button', { name: 'Best shots' }).click();
    const stack = page
      .getByRole('button', { name: /^Open the stack of \d+ near-identical/ })
      .first();
    await expect(stack).toBeVisible({ timeout: 60_000 });
    const size = Number(/stack of (\d+)/.exec((await stack.getAttribute('aria-label')) ?? '')![1]);
    expect(size).toBeGreaterThan(1);
    await stack.click();
    await expect(page.getByText(`Stack of ${size} photos`)).toBeVisible();
    await page.getByRole('button', { name: 'Close the stack' }).click();
    await page.getByRole('checkbox', { name: 'Stack near-identical photos' }).uncheck();
    await expect(stack).toBeHidden();
    await page.getByRole('checkbox', { name: 'Stack near-identical photos' }).check();

    await gotoView(page, 'Moments');
    const view = page.getByRole('region', { name: 'Review moments' });
    await expect(where(page)).toContainText(/Group 1 of [4-9] /, { timeout: 60_000 });
    await expect(view.getByText('K', { exact: true })).toBeAttached();

    // Keyboard: keep the first photo, reject the second, undo the reject.
    const strip = view.getByRole('list', { name: 'Photos in this group' });
    await page.keyboard.press('k');
    await expect(strip.getByRole('button').nth(0)).toHaveAccessibleName(/^Photo 1: kept/);
    await expect(where(page)).toContainText('photo 2 of');
    await page.keyboard.press('x');
    await expect(strip.getByRole('button').nth(1)).toHaveAccessibleName(/^Photo 2: rejected/);
    await page.keyboard.press('u');
    await expect(strip.getByRole('button').nth(1)).toHaveAccessibleName(/^Photo 2: undecided/);
    await page.keyboard.press('n');
    await expect(where(page)).toContainText('Group 2 of');
    await page.keyboard.press('p');
    await expect(where(page)).toContainText('Group 1 of');

    // Accept all says how many it rejects before it does.
    await view.getByRole('button', { name: 'Accept all suggestions…' }).click();
    const question = view.getByRole('status').filter({ hasText: 'Nothing is deleted' });
    const rejects = Number(/rejects (\d+)\s+photo/.exec((await question.textContent()) ?? '')![1]);
    expect(rejects).toBeGreaterThan(3);
    await view.getByRole('button', { name: /^Reject \d+ photos?$/ }).click();
    await expect(strip.getByRole('button').nth(1)).toHaveAccessibleName(
      /^Photo 2: (kept|rejected)/,
    );

    // The decisions survive a reload (the view comes back with the URL).
    await page.reload();
    await expect(where(page)).toContainText('Group 1 of', { timeout: 60_000 });
    await expect(strip.getByRole('button').nth(0)).toHaveAccessibleName(/^Photo 1: kept/);

    // Export: one row per decided photo, with its path, group and decision.
    const download = page.waitForEvent('download');
    await view.getByRole('button', { name: 'Export CSV' }).click();
    const csv = readFileSync(await (await download).path(), 'utf8')
      .trim()
      .split('\n');
    expect(csv[0]).toBe('path,group,decision');
    expect(csv.filter((l) => l.endsWith(',reject'))).toHaveLength(rejects);
    expect(
      csv.slice(1).every((l) => /^moments\/[\w-]+\.jpg,(copy|moment)-\d+,(keep|reject)$/.test(l)),
    ).toBe(true);

    // The culling pairs are the taste's picks: training from them puts a tuned model in use.
    await gotoView(page, 'Tune');
    const panel = page.getByRole('region', { name: 'Tune to my taste' });
    await panel.getByRole('button', { name: 'Train a tuned model' }).click();
    await expect(panel.getByTestId('train-message')).toContainText('Trained on', {
      timeout: 120_000,
    });
    await expect(panel.getByTestId('active-model')).toContainText('tuned model');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
