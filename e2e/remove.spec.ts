import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PHOTOS, addFolder, gotoView, groundTruth, openApp, search, topPaths } from './app';

const PER_FOLDER = 20;

/** A small copy of a fixture folder under `root`, with the same name, less `leaveOut` files. */
function copyFolder(root: string, name: string, leaveOut = 0): string[] {
  const files = readdirSync(path.join(PHOTOS, name))
    .sort()
    .slice(0, PER_FOLDER - leaveOut);
  for (const f of files) cpSync(path.join(PHOTOS, name, f), path.join(root, name, f));
  return files;
}

const libraryHeading = (page: Page, n: number) =>
  page.getByRole('heading', { name: `Library: ${n} photos` });

test('remove a folder, the files gone from a folder added again, and picked photos', async ({
  page,
}) => {
  const root = mkdtempSync(path.join(tmpdir(), 'lumen-remove-'));
  const again = mkdtempSync(path.join(tmpdir(), 'lumen-remove-again-'));
  try {
    const beach = copyFolder(root, 'beach-trip');
    copyFolder(root, 'garden');
    copyFolder(again, 'garden', 1);
    // A query that finds a photo of the folder about to go.
    const truth = groundTruth();
    const first = truth.images.find((i) => i.path.endsWith(`beach-trip/${beach[0]}`))!;
    const query = truth.queries.find(
      (q) => q.relevant.colour === first.colour && q.relevant.shape === first.shape,
    )!.text;

    await openApp(page);
    await addFolder(page, path.join(root, 'beach-trip'));
    await expect(libraryHeading(page, PER_FOLDER)).toBeVisible({ timeout: 120_000 });
    await addFolder(page, path.join(root, 'garden'));
    await expect(libraryHeading(page, 2 * PER_FOLDER)).toBeVisible({ timeout: 120_000 });

    // The folders are listed in the Library view.
    await gotoView(page, 'Library');
    await page.getByText('2 folders in the library').click();
    const list = page.getByRole('list', { name: 'Folders in the library' });
    await expect(list.getByRole('listitem').filter({ hasText: 'beach-trip' })).toContainText(
      `${PER_FOLDER} photos · last added`,
    );
    await search(page, query);
    expect((await topPaths(page, 10)).some((p) => p.startsWith('beach-trip/'))).toBe(true);

    // It says what goes before anything does; cancelling keeps everything.
    await gotoView(page, 'Library');
    await page.getByText('2 folders in the library').click();
    await page.getByRole('button', { name: 'Remove beach-trip from the library' }).click();
    const dialog = page.getByRole('dialog', { name: /Remove the folder “beach-trip”/ });
    await expect(dialog).toContainText(`${PER_FOLDER} photos`);
    // The question and the folder list are usable by everyone (no serious or critical findings).
    const { violations } = await new AxeBuilder({ page }).analyze();
    expect(
      violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id),
    ).toEqual([]);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    await page.getByRole('button', { name: 'Remove beach-trip from the library' }).click();
    await dialog.getByRole('button', { name: 'Remove', exact: true }).click();

    await expect(page.getByText('1 folder in the library')).toBeVisible();
    // Back to the results, which no longer hold the folder's photos.
    await page.goBack();
    expect((await topPaths(page, 10)).filter((p) => p.startsWith('beach-trip/'))).toEqual([]);
    await page.getByRole('button', { name: 'Show whole library' }).click();
    await expect(libraryHeading(page, PER_FOLDER)).toBeVisible();

    // Still gone after a reload.
    await page.reload();
    await expect(libraryHeading(page, PER_FOLDER)).toBeVisible();
    await gotoView(page, 'Library');
    await expect(page.getByText('1 folder in the library')).toBeVisible();
    await gotoView(page, 'Photos');

    // garden, added again with a file gone from it: reported, and removed in one step.
    await addFolder(page, path.join(again, 'garden'));
    const gone = page.getByRole('status').filter({ hasText: 'no longer in' });
    await expect(gone).toContainText('1 photo is no longer in “garden”.');
    await gone.getByRole('button', { name: 'Remove it from the library…' }).click();
    const confirm = page.getByRole('dialog', { name: /Remove the photos no longer in “garden”/ });
    await expect(confirm).toContainText('1 photo,');
    await confirm.getByRole('button', { name: 'Remove', exact: true }).click();
    await expect(libraryHeading(page, PER_FOLDER - 1)).toBeVisible();
    await expect(gone).toHaveCount(0);

    // Photos picked in the grid go together.
    await page.getByRole('button', { name: 'Select photos' }).click();
    const boxes = page.getByTestId('results').getByRole('checkbox', { name: /^Select garden\// });
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await expect(page.getByText('2 photos selected')).toBeVisible();
    await page.getByRole('button', { name: 'Remove from library…' }).click();
    const picked = page.getByRole('dialog', { name: /Remove the selected photos/ });
    await expect(picked).toContainText('2 photos,');
    await picked.getByRole('button', { name: 'Remove', exact: true }).click();
    await expect(libraryHeading(page, PER_FOLDER - 3)).toBeVisible();
    await expect(page.getByRole('button', { name: 'Select photos' })).toBeVisible();
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(again, { recursive: true, force: true });
  }
});
