import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { openLibraryDb, type LumenDb } from '../../src/core/store/db';
import { loadMatrix } from '../../src/core/store/embedding-store';
import { readLibraryMetadata } from '../../src/core/store/metadata-store';
import { sha256Hex } from './decode-image';
import { cameraIfds, tiffBytes, withPngExif } from './exif-test-bytes';
import { IndexingJob, type IndexingDeps } from './indexer';
import type { PlaceLookup } from './place-names';
import type { FileSource } from './protocol';

const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];

/** A PNG-shaped file (8×8 in its header) told apart by one byte after IHDR. */
function pngBytes(seed: number): Uint8Array {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  const ihdr = [...u32(13), 0x49, 0x48, 0x44, 0x52, ...u32(8), ...u32(8), 8, 6, 0, 0, 0, ...u32(0)];
  const iend = [...u32(0), 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];
  return new Uint8Array([...sig, ...ihdr, seed, ...iend]);
}

const MODIFIED = Date.UTC(2020, 4, 5, 12);

function photo(i: number, exif?: Parameters<typeof cameraIfds>[0]): FileSource {
  const bytes = exif ? withPngExif(pngBytes(i), tiffBytes(cameraIfds(exif))) : pngBytes(i);
  return {
    file: new File([bytes as BlobPart], `img-${i}.png`, { lastModified: MODIFIED }),
    path: `trip/img-${i}.png`,
  };
}

const LISBON = { taken: '2019:07:14 18:30:05', offset: '+01:00', lat: 38.72, lon: -9.14 };

let db: LumenDb;
let dbCount = 0;
beforeEach(async () => {
  db = await openLibraryDb(`indexer-metadata-spec-${++dbCount}`);
});

function deps(extra: Partial<IndexingDeps> = {}) {
  const counts = { decoded: 0, embedded: 0, placeLoads: 0 };
  const lookup: PlaceLookup = (lat, lon) =>
    Math.abs(lat - 38.72) < 1 && Math.abs(lon + 9.14) < 1
      ? { place: 'Lisbon', region: 'Lisbon', country: 'PT' }
      : undefined;
  const d: IndexingDeps = {
    db,
    model: 'test@1',
    dim: 2,
    batchSize: 2,
    hash: sha256Hex,
    decode() {
      counts.decoded++;
      return Promise.resolve({
        width: 8,
        height: 8,
        thumbnail: new Blob(['t']),
        pixels: { data: new Uint8ClampedArray(4), width: 1, height: 1 },
      });
    },
    embed(images) {
      counts.embedded += images.length;
      return Promise.resolve(images.map(() => Float32Array.of(1, 0)));
    },
    places() {
      counts.placeLoads++;
      return Promise.resolve(lookup);
    },
    ...extra,
  };
  return { deps: d, counts };
}

const byPath = async () => {
  const meta = await readLibraryMetadata(db);
  const out = new Map<string, ReturnType<typeof meta.get>>();
  for (const p of await db.getAll('photos')) out.set(p.path, meta.get(p.id));
  return out;
};

describe('indexing stores capture metadata', () => {
  it('stores the EXIF time, position and place of each photo, and the file time otherwise', async () => {
    const { deps: d, counts } = deps();
    await new IndexingJob(d).run([photo(1, LISBON), photo(2), photo(3, LISBON)], () => {});
    const meta = await byPath();
    expect(meta.get('trip/img-1.png')).toMatchObject({
      takenAt: Date.UTC(2019, 6, 14, 18, 30, 5),
      offsetMin: 60,
      takenSource: 'exif-offset',
      place: 'Lisbon',
      country: 'PT',
    });
    expect(meta.get('trip/img-1.png')?.lat).toBeCloseTo(38.72, 3);
    expect(meta.get('trip/img-2.png')).toMatchObject({ takenSource: 'file' });
    expect(meta.get('trip/img-2.png')?.place).toBeUndefined();
    // One metadata block per committed batch; the place data loaded once.
    expect(await db.count('photoMeta')).toBe(2);
    expect(counts.placeLoads).toBe(1);
  });

  it('never loads the place data for a library without GPS', async () => {
    const { deps: d, counts } = deps();
    await new IndexingJob(d).run([photo(1, { taken: '2019:07:14 18:30:05' }), photo(2)], () => {});
    expect(counts.placeLoads).toBe(0);
    expect((await byPath()).get('trip/img-1.png')?.takenSource).toBe('exif');
  });

  it('still indexes every photo when the place data cannot load', async () => {
    const { deps: d, counts } = deps({ places: () => Promise.reject(new Error('offline')) });
    const result = await new IndexingJob(d).run([photo(1, LISBON), photo(2, LISBON)], () => {});
    expect(result).toMatchObject({ state: 'done', indexed: 2 });
    expect(counts.embedded).toBe(2);
    const m = (await byPath()).get('trip/img-1.png');
    expect(m?.takenSource).toBe('exif-offset');
    expect(m?.place).toBeUndefined();
  });

  it("fills in an old library's metadata when its folder is added again, without decoding or embedding", async () => {
    const files = [photo(1, LISBON), photo(2), photo(3, LISBON)];
    await new IndexingJob(deps().deps).run(files, () => {});
    // A library indexed before schema 7 has no metadata.
    await db.clear('photoMeta');
    const again = deps();
    const result = await new IndexingJob(again.deps).run(files, () => {});
    expect(result).toMatchObject({ state: 'done', indexed: 0, unchanged: 3 });
    expect(again.counts).toMatchObject({ decoded: 0, embedded: 0 });
    expect((await loadMatrix(db, 'test@1', 2)).ids.length).toBe(3);
    const meta = await byPath();
    expect(meta.get('trip/img-3.png')).toMatchObject({
      takenSource: 'exif-offset',
      place: 'Lisbon',
    });
    expect(meta.get('trip/img-2.png')).toMatchObject({ takenSource: 'file' });

    // Once stored, an unchanged file is not even read the third time.
    const third = deps({
      hash: () => Promise.reject(new Error('read again')),
    });
    const last = await new IndexingJob(third.deps).run(files, () => {});
    expect(last).toMatchObject({ state: 'done', unchanged: 3, skipped: 0 });
  });
});
