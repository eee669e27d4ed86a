import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import {
  addFolder,
  addPhotoFiles,
  gotoView,
  groundTruth,
  openApp,
  photoSubfolder,
  search,
  topPaths,
  waitForIndexing,
  type ViewName,
} from './app';

type Violations = Awaited<ReturnType<AxeBuilder['analyze']>>['violations'];

/** One line per failing element, so a failure says what to fix and where. */
function describe(violations: Violations): string {
  return violations
    .flatMap((v) =>
      v.nodes.map(
        (n) =>
          `[${v.impact}] ${v.id}: ${v.help}\n    at ${n.target.join(' ')}\n    ${n.failureSummary ?? ''}`,
      ),
    )
    .join('\n');
}

/** Runs axe on what the page shows now; serious and critical findings fail the test. */
async function expectAccessible(page: Page, view: string) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = violations.filter((v) => !blocking.includes(v));
  if (minor.length > 0) console.log(`${view}: minor findings\n${describe(minor)}`);
  expect(
    blocking,
    `${view}: serious or critical accessibility violations\n${describe(blocking)}`,
  ).toEqual([]);
}

test('the main views have no serious or critical accessibility violations', async ({ page }) => {
  await openApp(page);
  await expectAccessible(page, 'empty library');

  await addFolder(page, photoSubfolder());
  await expect(
    page.getByRole('region', { name: 'Indexing' }).getByText(/^Indexing \d+ of/),
  ).toBeVisible({ timeout: 120_000 });
  await expectAccessible(page, 'indexing in progress');

  await waitForIndexing(page);
  await search(page, groundTruth().queries[0]!.text);
  const [first] = await topPaths(page, 1);
  await expectAccessible(page, 'results');

  await page.getByRole('button', { name: `Why is ${first} here?` }).click();
  await expect(
    page.getByRole('dialog', { name: 'Why this photo is here' }).filter({ visible: true }),
  ).toBeVisible();
  await expectAccessible(page, '"Why?" popover');
  await page.keyboard.press('Escape');

  await gotoView(page, 'Library');
  const models = page.getByText('Downloaded models');
  await models.click();
  await expect(page.locator('details.models')).toHaveAttribute('open', '');
  await expectAccessible(page, 'models panel');
});

/** The widths every view is checked at: a desktop window and a phone. */
const WIDTHS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
];
/** The colour schemes the page follows (prefers-color-scheme); a theme toggle adds to these. */
const SCHEMES = ['light', 'dark'] as const;
const VIEWS: ViewName[] = ['Photos', 'Tune', 'Moments', 'Library'];

test('every view, at both widths and in both colour schemes, has no serious or critical violations', async ({
  page,
}) => {
  test.setTimeout(360_000);
  await openApp(page);
  await addPhotoFiles(page, 12);
  await waitForIndexing(page);
  const query = groundTruth().queries[0]!.text;

  for (const { name, width, height } of WIDTHS) {
    await page.setViewportSize({ width, height });
    for (const scheme of SCHEMES) {
      await page.emulateMedia({ colorScheme: scheme });
      const at = `${name}, ${scheme}`;
      await gotoView(page, 'Photos');
      await search(page, query);
      await topPaths(page, 1);
      for (const view of VIEWS) {
        await gotoView(page, view);
        await expectAccessible(page, `${view} (${at})`);
      }
      // The models' popover of the top bar.
      await page.getByRole('button', { name: /^Models: / }).click();
      await expect(page.getByRole('combobox', { name: 'Model' })).toBeVisible();
      await expectAccessible(page, `models popover (${at})`);
      await page.keyboard.press('Escape');
      // On a phone, ranking and filters open in a sheet.
      if (width < 640) {
        await gotoView(page, 'Photos');
        await page.getByRole('button', { name: /^Ranking and filters/ }).click();
        const sheet = page.getByRole('dialog', { name: 'Ranking and filters' });
        await expect(sheet).toBeVisible();
        await expectAccessible(page, `ranking and filters sheet (${at})`);
        await sheet.getByRole('button', { name: 'Done' }).click();
      }
      // Compare is full-window, without the navigation: reached by its address.
      await page.goto('/?profile=tiny-world#compare');
      await expect(page.getByRole('region', { name: 'Compare systems' })).toBeVisible();
      await expectAccessible(page, `Compare (${at})`);
      await page.getByRole('button', { name: 'Back to search' }).click();
    }
  }
});
