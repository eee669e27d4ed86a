import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { gotoView, openScoredLibrary, search, topPaths } from './app';

const QUERY = 'a red circle';

/** The adapter file ends in a CRC-32 of every byte before it; a forged file needs a fresh one. */
function withChecksum(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const end = out.length - 4;
  let crc = 0xffffffff;
  for (let i = 0; i < end; i++) {
    crc ^= out[i]!;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  new DataView(out.buffer).setUint32(end, (crc ^ 0xffffffff) >>> 0, true);
  return out;
}

/** The exported file with its base model renamed everywhere (same length, valid checksum). */
function foreignAdapter(bytes: Uint8Array, model: string): Uint8Array {
  const text = Buffer.from(bytes).toString('latin1');
  expect(text.includes(model), 'the base model id is in the file').toBe(true);
  const other = 'x'.repeat(model.length);
  return withChecksum(Uint8Array.from(Buffer.from(text.split(model).join(other), 'latin1')));
}

async function importFile(page: Page, name: string, buffer: Uint8Array) {
  await page.getByLabel('Import a tuned model file').setInputFiles({
    name,
    mimeType: 'application/octet-stream',
    buffer: Buffer.from(buffer),
  });
}

test('tune to my taste: train from the panel, export, reset, import, and refuse a foreign file', async ({
  page,
}) => {
  test.setTimeout(480_000);
  await openScoredLibrary(page);

  await search(page, QUERY);
  const baseOrder = await topPaths(page, 12);

  await gotoView(page, 'Tune');
  const panel = page.getByRole('region', { name: 'Tune to my taste' });
  await expect(panel.getByTestId('active-model')).toContainText('the base model');
  await expect(panel.getByTestId('expected-pairs')).toContainText(/up to [1-9][\d,]* automatic/);

  // Pairs are counted before training.
  await panel.getByRole('button', { name: 'Build pairs' }).click();
  await expect(panel.getByTestId('build-report')).toContainText(
    /Built [1-9][\d,]* automatic pairs/,
    {
      timeout: 60_000,
    },
  );
  // The counts are read again after the report shows: wait for them rather than read once.
  await expect(panel.getByTestId('pair-counts')).toContainText(/^[1-9][\d,]* pairs?:/);

  // Training shows its epochs and ends with a tuned model in use.
  await panel.getByRole('button', { name: 'Train a tuned model' }).click();
  await expect(panel.getByRole('img', { name: /^Epoch \d+: training loss/ })).toBeVisible({
    timeout: 120_000,
  });
  await expect(panel.getByTestId('train-message')).toContainText('Trained on', {
    timeout: 180_000,
  });
  await expect(panel.getByTestId('active-model')).toContainText('tuned model');
  // Results keep their order until the person asks for the new one (which shows them).
  await gotoView(page, 'Photos');
  expect(await topPaths(page, 12)).toEqual(baseOrder);
  await gotoView(page, 'Tune');
  await panel.getByRole('button', { name: 'Show with new taste' }).click();
  await expect(page.getByRole('heading', { name: /results? for/ })).toBeVisible();
  await expect.poll(() => topPaths(page, 12), { timeout: 30_000 }).not.toEqual(baseOrder);
  const tunedOrder = await topPaths(page, 12);

  // "Why?" says how the tuned model moved the photo.
  await page.getByRole('button', { name: `Why is ${tunedOrder[0]} here?` }).click();
  const why = page
    .getByRole('dialog', { name: 'Why this photo is here' })
    .filter({ visible: true });
  await expect(why.getByTestId('tuned-move')).toHaveText(
    /not moved|up \d+ place|down \d+ place|new:/,
  );
  await page.keyboard.press('Escape');

  // Export the adapter file.
  await gotoView(page, 'Tune');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    panel
      .getByRole('button', { name: /^Export the tuned model of / })
      .first()
      .click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^lumen-adapter-[\d-]+\.lmna$/);
  const exported = new Uint8Array(readFileSync(await download.path()));
  expect(exported.length).toBeGreaterThan(64);

  // Reset to base: the original order comes back.
  await panel.getByRole('button', { name: 'Reset to base' }).click();
  await expect(panel.getByTestId('active-model')).toContainText('the base model');
  await gotoView(page, 'Photos');
  await expect.poll(() => topPaths(page, 12), { timeout: 30_000 }).toEqual(baseOrder);

  // Importing the exported file brings the tuned order back.
  await gotoView(page, 'Tune');
  await importFile(page, download.suggestedFilename(), exported);
  await expect(panel.getByTestId('active-model')).toContainText('tuned model');
  await gotoView(page, 'Photos');
  await expect.poll(() => topPaths(page, 12), { timeout: 30_000 }).toEqual(tunedOrder);
  await gotoView(page, 'Tune');
  const models = panel.getByRole('radio');
  const modelCount = await models.count();

  // A foreign adapter and a corrupt file are refused with a clear message; nothing changes.
  const manifest = JSON.parse(readFileSync('models/manifest.json', 'utf8')) as {
    profiles: Record<string, { clip: { id: string; revision: string } }>;
  };
  const clip = manifest.profiles['tiny-world']!.clip;
  await importFile(page, 'foreign.lmna', foreignAdapter(exported, `${clip.id}@${clip.revision}`));
  await expect(panel.getByRole('alert')).toContainText('Nothing was changed');
  await expect(panel.getByRole('alert')).toContainText('trained for');
  await importFile(
    page,
    'noise.lmna',
    Uint8Array.from({ length: 300 }, (_, i) => (i * 97) % 251),
  );
  await expect(panel.getByRole('alert')).toContainText('Not a usable Lumen adapter file');
  await expect(models).toHaveCount(modelCount);
  await expect(panel.getByTestId('active-model')).toContainText('tuned model');
  await gotoView(page, 'Photos');
  expect(await topPaths(page, 12)).toEqual(tunedOrder);

  // The tuned model stays in use across a reload.
  await page.reload();
  await expect(
    page.getByRole('heading', { name: new RegExp(`results? for “${QUERY}”`) }),
  ).toBeVisible();
  await expect.poll(() => topPaths(page, 12), { timeout: 60_000 }).toEqual(tunedOrder);
});
