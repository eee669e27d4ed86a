import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { zipArchive } from '../../workers/library-io/archive';
import { importLibrary } from '../../workers/library-io/importer';
import { getProfile, modelKey } from './manifest';
import { isSamplePath, SAMPLE_FOLDER, SAMPLE_PROFILE, sampleFile } from './sample-library';
import { openLibraryDb } from './store/db';
import { readLibraryMetadata } from './store/metadata-store';
import { libraryStats } from './store/photo-store';

const root = path.resolve(import.meta.dirname, '../..');

describe('the committed sample library', () => {
  // Stale after the tiny world is retrained or its photos change: rebuild it with
  // `node scripts/build-sample-library.mjs`.
  it("imports through the library import: every fixture photo, under the sample's folder, scored", async () => {
    const profile = getProfile(SAMPLE_PROFILE);
    const zip = readFileSync(path.join(root, 'public', sampleFile(profile)));
    const truth = JSON.parse(
      readFileSync(path.join(root, 'e2e/fixtures/tiny-world/ground-truth.json'), 'utf8'),
    ) as { images: { path: string }[] };
    const db = await openLibraryDb('sample-library-spec');
    const outcome = await importLibrary({
      db,
      profile,
      archive: await zipArchive(new Blob([zip])),
      cancelled: () => false,
      onProgress: () => undefined,
    });
    const n = truth.images.length;
    expect(outcome).toEqual({ state: 'done', photos: n, thumbnails: n, scored: n });
    expect((await libraryStats(db, modelKey(profile.clip))).embedded).toBe(n);
    const paths = (await db.getAll('photos')).map((p) => p.path).sort();
    expect(paths).toEqual(
      truth.images.map((i) => `${SAMPLE_FOLDER}/${i.path.replace(/^photos\//, '')}`).sort(),
    );
    expect(paths.every(isSamplePath)).toBe(true);
    // Dates and places came along, as they do from an indexed folder.
    const capture = [...(await readLibraryMetadata(db)).values()];
    expect(capture.filter((c) => c.takenAt !== undefined).length).toBe(n);
    expect(capture.some((c) => c.place)).toBe(true);
    // Small enough to fetch on a click.
    expect(zip.byteLength).toBeLessThan(4 * 1024 * 1024);
  });

  it('tells its paths from folders merely named alike', () => {
    expect(isSamplePath(`${SAMPLE_FOLDER}/garden/0001.jpg`)).toBe(true);
    expect(isSamplePath(`${SAMPLE_FOLDER} 2/garden/0001.jpg`)).toBe(false);
    expect(isSamplePath('garden/0001.jpg')).toBe(false);
  });
});
