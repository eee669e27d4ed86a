import { expect, test, type Page } from '@playwright/test';
import { openScoredLibrary, search, topPaths } from './app';

async function beautyOfTop(page: Page, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 1; i <= n; i++) {
    const text = await page
      .locator(`li[aria-posinset="${i}"] [data-testid="beauty"]`)
      .textContent();
    out.push(Number(/(\d+)/.exec(text ?? '')?.[1]));
  }
  return out;
}

test('the beauty slider re-orders relevant results and each result explains itself', async ({
  page,
}) => {
  await openScoredLibrary(page);

  await search(page, 'a red circle');
  const relevanceOrder = await topPaths(page, 10);
  const beautyBefore = await beautyOfTop(page, 5);

  const slider = page.getByRole('slider', { name: 'Beauty' });
  await slider.fill('1');
  await expect.poll(() => topPaths(page, 10), { timeout: 20_000 }).not.toEqual(relevanceOrder);
  const beautyAfter = await beautyOfTop(page, 5);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  expect(mean(beautyAfter)).toBeGreaterThan(mean(beautyBefore));

  // The slider is remembered across a reload.
  await page.reload();
  await expect(page.getByRole('slider', { name: 'Beauty' })).toHaveValue('1');

  // Each result says why it is where it is.
  const [first] = await topPaths(page, 1);
  await page.getByRole('button', { name: `Why is ${first} here?` }).click();
  const why = page
    .getByRole('dialog', { name: 'Why this photo is here' })
    .filter({ visible: true });
  await expect(why).toContainText('Similarity to the query');
  await expect(why).toContainText('LAION aesthetic predictor');
  await expect(why).toContainText('CLIP-IQA');
  await expect(why).toContainText('Pixel appeal');
  await page.keyboard.press('Escape');

  // Best shots: the whole library, most beautiful first.
  await page.getByRole('button', { name: 'Best shots' }).click();
  await expect(page.getByRole('heading', { name: /^Best shots: / })).toBeVisible();
  const best = await beautyOfTop(page, 8);
  expect(best).toEqual([...best].sort((a, b) => b - a));

  // A beauty filter hides the weaker half.
  await page.getByRole('slider', { name: 'Hide photos less beautiful than' }).fill('0.5');
  await expect
    .poll(async () => Math.min(...(await beautyOfTop(page, 5))))
    .toBeGreaterThanOrEqual(50);
});
