import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { FIXTURES, addFolder, countOf, openApp, waitForIndexing } from './app';

// e2e/fixtures/exif: lisbon.jpg is tiny world's beach-trip/0027.jpg with an EXIF segment
// spliced in (workers/embedding/exif-test-bytes.ts: a Canon in Lisbon, little-endian);
// golden-gate.heic is heif-enc's HEIC of the same photo with an iPhone's EXIF.
const EXIF = path.join(FIXTURES, 'exif');

interface StoredRow {
  path: string;
  takenAt: number;
  offsetMin: number;
  lat: number;
  camera: string;
  place: string;
  country: string;
}

/** Each photo's newest metadata row, read from the app's IndexedDB as the page sees it. */
function storedMetadata(page: Page): Promise<StoredRow[]> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('lumen');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(new Error(String(r.error)));
    });
    const all = <T>(store: string) =>
      new Promise<T[]>((resolve) => {
        const r = db.transaction(store).objectStore(store).getAll();
        r.onsuccess = () => resolve(r.result as T[]);
      });
    type Block = Record<string, ArrayLike<number>> & { ids: Uint32Array; strings: string[] };
    const photos = await all<{ id: number; path: string }>('photos');
    const rows = new Map<number, Omit<StoredRow, 'path'>>();
    for (const b of await all<Block>('photoMeta'))
      b.ids.forEach((id, i) =>
        rows.set(id, {
          takenAt: b.takenAt![i]!,
          offsetMin: b.offsetMin![i]!,
          lat: b.lat![i]!,
          camera: b.strings[b.camera![i]!]!,
          place: b.strings[b.place![i]!]!,
          country: b.strings[b.country![i]!]!,
        }),
      );
    db.close();
    return photos.flatMap((p) => (rows.has(p.id) ? [{ path: p.path, ...rows.get(p.id)! }] : []));
  });
}

test('capture time, place and camera are read while indexing, and filled in for an old library', async ({
  page,
}) => {
  test.setTimeout(90_000);
  await openApp(page);
  await addFolder(page, EXIF);
  expect(countOf(await waitForIndexing(page, 60_000), /new photos? indexed/)).toBe(2);

  const byName = async () =>
    new Map((await storedMetadata(page)).map((r) => [r.path.split('/').pop(), r]));
  let rows = await byName();
  expect(rows.get('lisbon.jpg')).toMatchObject({
    takenAt: Date.UTC(2021, 5, 12, 19, 5),
    offsetMin: 60,
    camera: 'Canon EOS R5',
    place: 'Lisbon',
    country: 'PT',
  });
  expect(rows.get('golden-gate.heic')).toMatchObject({
    takenAt: Date.UTC(2023, 7, 19, 7, 45, 10),
    offsetMin: -420,
    camera: 'Apple iPhone 15 Pro',
    country: 'US',
  });

  // A library indexed before capture metadata: adding its folder again reads the files for
  // their metadata only, embedding nothing again.
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const r = indexedDB.open('lumen');
        r.onsuccess = () => {
          const tx = r.result.transaction('photoMeta', 'readwrite');
          tx.objectStore('photoMeta').clear();
          tx.oncomplete = () => {
            r.result.close();
            resolve();
          };
        };
        r.onerror = () => reject(new Error(String(r.error)));
      }),
  );
  expect(await storedMetadata(page)).toEqual([]);
  await addFolder(page, EXIF);
  const counts = await waitForIndexing(page, 60_000);
  expect(countOf(counts, /new photos? indexed/)).toBe(0);
  rows = await byName();
  expect(rows.get('lisbon.jpg')).toMatchObject({ camera: 'Canon EOS R5', place: 'Lisbon' });
  expect(rows.get('golden-gate.heic')?.country).toBe('US');
});
