import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import {
  addFolder,
  groundTruth,
  openApp,
  photoSubfolder,
  search,
  topPaths,
  waitForIndexing,
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

  const models = page.getByText('Downloaded models');
  await models.click();
  await expect(page.locator('details.models')).toHaveAttribute('open', '');
  await expectAccessible(page, 'models panel');
});
