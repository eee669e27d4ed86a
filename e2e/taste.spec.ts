import { expect, test, type Page } from '@playwright/test';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  parseGroundTruth,
  queriesOfSplit,
  type TruthImage,
  type TruthQuery,
} from '../src/core/eval/ground-truth';
import { personById, prefer, tasteMetric, tasteQueries } from '../src/core/eval/people';
import {
  addFolder,
  openApp,
  search,
  TINY_WORLD,
  topPaths,
  waitForIndexing,
  waitForScores,
} from './app';

// The taste protocol of issue 22 through the page: one simulated person answers 20 "Which of
// these two?" prompts on train/val photos for train/val queries, the taste is trained, and only
// then are test photos indexed; their taste metric on test queries must rise over base.
const PERSON = personById('night-lover');
const PICKS = 20;
const PICKS_PER_QUERY = 4;
/** Every TEST_STRIDE-th test photo: a quarter of them keeps the spec shorter on two cores. */
const TEST_STRIDE = 4;
const TEST_QUERIES = 6;

const truth = parseGroundTruth(
  JSON.parse(readFileSync(path.join(TINY_WORLD, 'ground-truth.json'), 'utf8')),
);
/** Stored paths start with the picked folder's name; the fixture's sub-path follows it. */
const key = (p: string) => p.split('/').slice(-2).join('/');
const byKey = new Map(truth.images.map((img) => [key(img.path), img]));
const imageOf = (p: string): TruthImage => {
  const img = byKey.get(key(p));
  if (!img) throw new Error(`${p} is not in the ground truth`);
  return img;
};

/** A folder holding copies of these photos under their fixture sub-paths. */
function folderOf(root: string, name: string, images: TruthImage[]): string {
  const dir = path.join(root, name);
  for (const img of images) {
    const to = path.join(dir, key(img.path));
    mkdirSync(path.dirname(to), { recursive: true });
    copyFileSync(path.join(TINY_WORLD, img.path), to);
  }
  return dir;
}

async function measure(page: Page, queries: TruthQuery[]): Promise<number> {
  const rows: TruthImage[][] = [];
  for (const q of queries) {
    await search(page, q.text);
    rows.push((await topPaths(page, 10)).map(imageOf));
  }
  return tasteMetric(PERSON, rows);
}

test('a simulated person’s 20 picks on train/val photos raise their taste on test photos', async ({
  page,
}) => {
  test.setTimeout(480_000);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'lumen-taste-'));
  try {
    const trainVal = truth.images.filter((i) => i.split === 'train' || i.split === 'val');
    const test = truth.images
      .filter((i) => i.split === 'test')
      .filter((_, i) => i % TEST_STRIDE === 0);
    const askQueries = tasteQueries(PERSON, [
      ...queriesOfSplit(truth, 'train'),
      ...queriesOfSplit(truth, 'val'),
    ]);
    const testQueries = tasteQueries(
      PERSON,
      queriesOfSplit(truth, 'test').filter((q) => q.kind !== 'held-out-triple'),
    ).slice(0, TEST_QUERIES);

    const startedAt = Date.now();
    await openApp(page);
    await addFolder(page, folderOf(tmp, 'picks', trainVal));
    await waitForIndexing(page);
    await waitForScores(page);

    const indexedAt = Date.now();
    await page.getByText('Tune to my taste', { exact: true }).click();
    const panel = page.getByRole('region', { name: 'Tune to my taste' });
    const prompt = page.getByRole('group', { name: 'Which of these two do you prefer?' });
    let picks = 0;
    for (let n = 0; picks < PICKS && n < askQueries.length * 2; n++) {
      const query = askQueries[n % askQueries.length]!;
      await search(page, query.text);
      await panel.getByRole('button', { name: 'Which of these two?' }).click();
      let previous = '';
      for (let asked = 0; asked < PICKS_PER_QUERY * 2 && picks < PICKS; asked++) {
        if (!(await prompt.isVisible())) break;
        const imgs = prompt.locator('img');
        await expect(imgs).toHaveCount(2);
        await expect
          .poll(
            async () =>
              await imgs.evaluateAll((e) => e.map((i) => i.getAttribute('alt')).join('|')),
          )
          .not.toBe(previous);
        const [a, b] = await imgs.evaluateAll((e) => e.map((i) => i.getAttribute('alt') ?? ''));
        previous = `${a}|${b}`;
        const side = prefer(PERSON, query, imageOf(a!), imageOf(b!));
        if (side === null) {
          await prompt.getByRole('button', { name: 'Skip' }).click();
          continue;
        }
        await prompt
          .getByRole('button', { name: `Prefer the ${side === 0 ? 'first' : 'second'} photo` })
          .click();
        picks++;
        if (picks % PICKS_PER_QUERY === 0) break;
      }
      if (await prompt.isVisible()) await prompt.getByRole('button', { name: 'Done' }).click();
    }
    expect(picks).toBe(PICKS);
    const pickedAt = Date.now();

    await panel.getByRole('button', { name: 'Train a tuned model' }).click();
    await expect(panel.getByTestId('train-message')).toContainText('Trained on', {
      timeout: 120_000,
    });
    await expect(panel.getByTestId('active-model')).toContainText('tuned model');

    // Test photos arrive only now, so none was ever in a pair.
    await addFolder(page, folderOf(tmp, 'later', test));
    await waitForIndexing(page);
    await expect(page.getByRole('region', { name: 'Ranking' })).toContainText(
      `${trainVal.length + test.length} photos scored for beauty`,
      { timeout: 180_000 },
    );
    const tuned = await measure(page, testQueries);
    await panel.getByRole('button', { name: 'Reset to base' }).click();
    await expect(panel.getByTestId('active-model')).toContainText('the base model');
    const base = await measure(page, testQueries);
    const s = (from: number, to: number) => `${((to - from) / 1000).toFixed(0)} s`;
    console.log(
      `taste of ${PERSON.id} on ${testQueries.length} test queries: base ${base.toFixed(3)}, ` +
        `tuned ${tuned.toFixed(3)}; indexing ${s(startedAt, indexedAt)}, picks ` +
        `${s(indexedAt, pickedAt)}, training to the end ${s(pickedAt, Date.now())}`,
    );
    expect(tuned).toBeGreaterThan(base);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
