import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openLibraryDb } from '../../src/core/store/db';
import { readLibraryMetadata } from '../../src/core/store/metadata-store';
import { commitBatch } from '../../src/core/store/photo-store';
import { sha256Hex } from './decode-image';
import { cameraIfds, tiffBytes, withJpegExif } from './exif-test-bytes';
import { fillMetadata } from './metadata-fill';
import type { FileSource } from './protocol';

const JPEG = new Uint8Array(
  readFileSync(new URL('../../e2e/fixtures/bad-files/good-2.jpg', import.meta.url)),
);
const withExif = (taken: string) =>
  withJpegExif(JPEG, tiffBytes(cameraIfds({ taken, lat: 38.72, lon: -9.14 })));

const source = (path: string, bytes: Uint8Array, lastModified = 1000): FileSource => ({
  path,
  file: new File([bytes as BlobPart], path.split('/').pop()!, { lastModified }),
});

describe('fillMetadata', () => {
  it("fills in stored photos' metadata from their files, and only theirs", async () => {
    const db = await openLibraryDb('metadata-fill-spec');
    const a = withExif('2019:07:14 18:30:05');
    const b = withExif('2020:01:01 00:00:00');
    const stored = async (path: string, bytes: Uint8Array) =>
      ({
        path,
        name: path,
        size: bytes.length,
        lastModified: 1000,
        width: 1,
        height: 1,
        hash: await sha256Hex(bytes.slice().buffer),
        mime: 'image/jpeg',
      }) as const;
    const [idA, idB] = await commitBatch(db, {
      model: 'm@1',
      dim: 2,
      writes: [
        { fields: await stored('f/a.jpg', a), vector: Float32Array.of(1, 0) },
        { fields: await stored('f/b.jpg', b), vector: Float32Array.of(0, 1) },
      ],
      touched: [],
      skipped: [],
    });
    let loads = 0;
    const progress: number[] = [];
    const result = await fillMetadata(
      {
        db,
        hash: sha256Hex,
        batchSize: 1,
        places: () => {
          loads++;
          return Promise.resolve(() => ({ place: 'Lisbon', country: 'PT' }));
        },
      },
      [
        source('f/a.jpg', a, 2000), // touched since: same bytes, so the same photo
        source('f/b.jpg', withExif('2020:01:01 00:00:01'), 3000), // other bytes
        source('f/c.jpg', a), // not in the library
      ],
      (p) => progress.push(p.done),
    );
    expect(result).toEqual({ filled: 1, already: 0, changed: 1, unknown: 1, unreadable: 0 });
    expect(progress).toEqual([1, 2, 3]);
    expect(loads).toBe(1);
    const meta = await readLibraryMetadata(db);
    expect(meta.get(idA!)).toMatchObject({
      takenAt: Date.UTC(2019, 6, 14, 18, 30, 5),
      takenSource: 'exif',
      place: 'Lisbon',
      country: 'PT',
    });
    expect(meta.has(idB!)).toBe(false);

    // A second pass leaves filled photos alone.
    const again = await fillMetadata({ db, hash: sha256Hex }, [source('f/a.jpg', a)], () => {});
    expect(again).toMatchObject({ filled: 0, already: 1 });
    db.close();
  });
});
