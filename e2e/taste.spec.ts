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
  gotoView,
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
/** Train/val queries searched before the prompt opens. */
const SEARCHES = 4;
/** Every TEST_STRIDE-th test photo: a quarter of them keeps the spec shorter on two cores. */
const TEST_STRIDE = 4;

const truth = parseGroundTruth(
  JSON.parse(readFileSync(path.join(TINY_WORLD, 'ground-truth.json'), 'utf8')),
);
/** Stored paths start with the picked folder's name; the fixture's sub-path follows it. */
const key = (p: string) => p.split('/').slice(-2).join('/');
const byKey = new Map(truth.images.map((img) => [key(img.path), img]));
const queryOf = new Map(truth.queries.map((q) => [q.text, q]));
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

async function measure(page: Page, queries: TruthQuery[]) {
  const rows: TruthImage[][] = [];
  for (const q of queries) {
    await search(page, q.text);
    rows.push((await topPaths(page, 10)).map(imageOf));
  }
  return { taste: tasteMetric(PERSON, rows), orders: rows.map((r) => r.map((i) => i.path).join()) };
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
    );

    const startedAt = Date.now();
    await openApp(page);
    await addFolder(page, folderOf(tmp, 'picks', trainVal));
    await waitForIndexing(page);
    await waitForScores(page);

    const indexedAt = Date.now();
    const panel = page.getByRole('region', { name: 'Tune to my taste' });
    const prompt = page.getByRole('group', { name: 'Which of these two do you prefer?' });
    // The person searches a few of the train/val queries; the prompt then asks about pairs
    // from those searches and the profile's training queries (all train split), naming which.
    for (const q of askQueries.slice(0, SEARCHES)) await search(page, q.text);
    await gotoView(page, 'Tune');
    await panel.getByRole('button', { name: 'Which of these two?' }).click();
    const imgs = prompt.locator('img');
    const shown = async () =>
      `${await prompt.getByTestId('pair-query').textContent()}|` +
      (await imgs.evaluateAll((e) => e.map((i) => i.getAttribute('alt')).join('|')));
    let picks = 0;
    let previous = '';
    for (let asked = 0; picks < PICKS && asked < PICKS * 6; asked++) {
      await expect(imgs).toHaveCount(2);
      // A pair that does not move on means the answer was not taken: say what the panel says.
      await expect
        .poll(shown)
        .not.toBe(previous)
        .catch(async (e: unknown) => {
          throw new Error(`${String(e)}\nThe panel says: ${await panel.textContent()}`);
        });
      // The query and both photos are read in one go: the prompt can move on between reads
      // (a background retrain), which left one side undefined when they were read apart.
      let pair = { text: '', alts: [] as string[] };
      await expect
        .poll(async () => {
          pair = await prompt.evaluate((el) => ({
            text: el.querySelector('[data-testid="pair-query"]')?.textContent ?? '',
            alts: Array.from(el.querySelectorAll('img'), (i) => i.getAttribute('alt') ?? ''),
          }));
          return pair.alts.filter(Boolean).length;
        })
        .toBe(2);
      previous = `${pair.text}|${pair.alts.join('|')}`;
      const query = queryOf.get(pair.text);
      const [a, b] = pair.alts;
      const side = query ? prefer(PERSON, query, imageOf(a!), imageOf(b!)) : null;
      if (side === null) {
        await prompt.getByRole('button', { name: 'Similar: skip' }).click();
        continue;
      }
      await prompt
        .getByRole('button', { name: `Prefer the ${side === 0 ? 'first' : 'second'} photo` })
        .click();
      picks++;
    }
    await expect(panel).toContainText(`${PICKS} answered`);
    expect(picks).toBe(PICKS);
    const pickedAt = Date.now();

    await panel.getByRole('button', { name: 'Train a tuned model' }).click();
    await expect(panel.getByTestId('train-message')).toContainText('Trained on', {
      timeout: 120_000,
    });
    await expect(panel.getByTestId('active-model')).toContainText('tuned model');
    console.log(await panel.getByTestId('train-message').textContent());

    // Test photos arrive only now, so none was ever in a pair.
    await gotoView(page, 'Photos');
    await addFolder(page, folderOf(tmp, 'later', test));
    await waitForIndexing(page);
    await expect(page.getByRole('region', { name: 'Ranking' })).toContainText(
      `${trainVal.length + test.length} photos scored for beauty`,
      { timeout: 180_000 },
    );
    const { taste: tuned, orders: tunedOrders } = await measure(page, testQueries);
    await gotoView(page, 'Tune');
    await panel.getByRole('button', { name: 'Reset to base' }).click();
    await expect(panel.getByTestId('active-model')).toContainText('the base model');
    const { taste: base, orders: baseOrders } = await measure(page, testQueries);
    const moved = tunedOrders.filter((o, i) => o !== baseOrders[i]).length;
    const s = (from: number, to: number) => `${((to - from) / 1000).toFixed(0)} s`;
    console.log(
      `taste of ${PERSON.id} on ${testQueries.length} test queries: base ${base.toFixed(3)}, ` +
        `tuned ${tuned.toFixed(3)} (${moved} top 10s moved); indexing ${s(startedAt, indexedAt)}, picks ` +
        `${s(indexedAt, pickedAt)}, training to the end ${s(pickedAt, Date.now())}`,
    );
    expect(tuned).toBeGreaterThan(base);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
