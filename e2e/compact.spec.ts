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

/** Counts the library's blocks by format, straight from IndexedDB. */
function blockFormats(page: Page): Promise<{ float: number; compact: number }> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('lumen');
        open.onerror = () => reject(open.error ?? new Error('could not open the library'));
        open.onsuccess = () => {
          const db = open.result;
          const all = db.transaction('blocks').objectStore('blocks').getAll();
          all.onsuccess = () => {
            const blocks = all.result as { vectors?: unknown; codes?: unknown }[];
            db.close();
            resolve({
              float: blocks.filter((b) => b.vectors).length,
              compact: blocks.filter((b) => b.codes && !b.vectors).length,
            });
          };
        };
      }),
  );
}

/** How many photos the library stores, straight from IndexedDB. */
function storedPhotos(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('lumen');
        open.onerror = () => reject(open.error ?? new Error('could not open the library'));
        open.onsuccess = () => {
          const db = open.result;
          const count = db.transaction('photos').objectStore('photos').count();
          count.onsuccess = () => {
            db.close();
            resolve(count.result);
          };
        };
      }),
  );
}

/**
 * Rewrites every block in the float format that Lumen stored before compact vectors (row i =
 * its decoded vector, L2-normalised), as a library indexed by an older version would be.
 */
function storeAsFloats(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('lumen');
        open.onerror = () => reject(open.error ?? new Error('could not open the library'));
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('blocks', 'readwrite');
          const store = tx.objectStore('blocks');
          const all = store.getAll();
          let count = 0;
          all.onsuccess = () => {
            type Block = {
              id: number;
              model: string;
              dim: number;
              ids: Uint32Array;
              codes: Int8Array;
              scales: Float32Array;
              fine: Uint8Array;
            };
            for (const b of all.result as Block[]) {
              const { dim, ids, codes, scales, fine } = b;
              const stride = Math.ceil(dim / 4);
              const vectors = new Float32Array(ids.length * dim);
              for (let i = 0; i < ids.length; i++) {
                let norm = 0;
                for (let j = 0; j < dim; j++) {
                  const r = (fine[i * stride + (j >> 2)]! >> (2 * (j & 3))) & 3;
                  const v = scales[i]! * (codes[i * dim + j]! + (r + 0.5) / 4 - 0.5);
                  vectors[i * dim + j] = v;
                  norm += v * v;
                }
                for (let j = 0; j < dim; j++) vectors[i * dim + j]! /= Math.sqrt(norm) || 1;
              }
              store.put({ id: b.id, model: b.model, dim, ids, vectors });
              count++;
            }
          };
          tx.oncomplete = () => {
            db.close();
            resolve(count);
          };
          tx.onerror = () => reject(tx.error ?? new Error('could not rewrite the blocks'));
        };
      }),
  );
}

test('a library stored with float vectors is compacted in place, with the same results', async ({
  page,
}) => {
  await openApp(page);
  await addFolder(page, photoSubfolder());
  await waitForIndexing(page);
  const heading = page.getByRole('heading', { name: /^Library: \d+ photos?/ });
  // "Done" can show a moment before the count catches up with the last batches.
  const photos = `Library: ${await storedPhotos(page)} photos`;
  await expect(heading).toHaveText(photos);
  // New photos are stored compact: int8 codes, a scale and a 2-bit refinement per photo.
  expect(await blockFormats(page)).toMatchObject({ float: 0 });

  const queries = groundTruth()
    .queries.filter((q) => q.split === 'test')
    .slice(0, 4)
    .map((q) => q.text);
  const before = new Map<string, string[]>();
  for (const q of queries) {
    await search(page, q);
    before.set(q, await topPaths(page, 10));
  }

  const rewritten = await storeAsFloats(page);
  expect(rewritten).toBeGreaterThan(0);
  expect(await blockFormats(page)).toEqual({ float: rewritten, compact: 0 });

  // The next start finds the float blocks and compacts them in the background.
  await page.reload();
  await expect
    .poll(() => blockFormats(page), { timeout: 60_000 })
    .toEqual({ float: 0, compact: rewritten });
  await expect(page.getByRole('region', { name: 'Compacting stored vectors' })).toHaveCount(0);
  // The last search survives the reload; the whole library still holds every photo.
  await page.getByRole('button', { name: 'Show whole library' }).click();
  await expect(heading).toHaveText(photos);

  for (const q of queries) {
    await search(page, q);
    const after = await topPaths(page, 10);
    const was = before.get(q)!;
    // Up to int8 ties: a near-tie may swap places, but the results are the same photos.
    expect(after.filter((p) => was.includes(p)).length, q).toBeGreaterThanOrEqual(9);
    expect(after[0], q).toBe(was[0]);
  }
});
