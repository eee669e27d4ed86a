import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { PhotoMetadata } from '../photo-metadata';
import { NO_OFFSET, openLibraryDb } from './db';
import {
  getMetadataVersion,
  packMetadata,
  photosWithMetadata,
  readLibraryMetadata,
  readMetaColumns,
  readPhotoMetadata,
  removeMetadataRows,
  unpackRow,
  writeMetadata,
} from './metadata-store';
import { commitBatch, type PhotoFields } from './photo-store';

let n = 0;
const freshDb = () => openLibraryDb(`metadata-spec-${++n}`);

const LISBON: PhotoMetadata = {
  takenAt: Date.UTC(2019, 6, 14, 18, 30, 5),
  offsetMin: 60,
  takenSource: 'exif-offset',
  lat: 38.75,
  lon: -9.125,
  camera: 'Apple iPhone 13',
  lens: 'iPhone 13 back camera',
  place: 'Lisbon',
  region: 'Lisbon',
  country: 'PT',
};
const SCAN: PhotoMetadata = { takenAt: Date.UTC(2001, 0, 2), offsetMin: -300, takenSource: 'file' };

describe('packing', () => {
  it('round-trips every field, and leaves out what a photo does not have', () => {
    const block = packMetadata([
      { id: 7, metadata: LISBON },
      { id: 9, metadata: SCAN },
      { id: 11, metadata: {} },
    ]);
    expect(unpackRow(block, 0)).toEqual(LISBON);
    expect(unpackRow(block, 1)).toEqual(SCAN);
    expect(unpackRow(block, 2)).toEqual({});
    expect(block.offsetMin[2]).toBe(NO_OFFSET);
    expect(Number.isNaN(block.lat[1])).toBe(true);
    // Strings are stored once per block.
    expect(block.strings.filter((s) => s === 'Lisbon')).toHaveLength(1);
  });

  it('keeps a time without a source as a time', () => {
    const block = packMetadata([{ id: 1, metadata: { takenAt: 0 } }]);
    expect(unpackRow(block, 0)).toEqual({ takenAt: 0 });
  });
});

describe('the photoMeta store', () => {
  it("reads the newest block's row of each photo and bumps metadataVersion per write", async () => {
    const db = await freshDb();
    expect(await getMetadataVersion(db)).toBe(0);
    await writeMetadata(db, [
      { id: 1, metadata: SCAN },
      { id: 2, metadata: SCAN },
    ]);
    await writeMetadata(db, [{ id: 2, metadata: LISBON }]);
    await writeMetadata(db, []);
    expect(await getMetadataVersion(db)).toBe(2);
    const all = await readLibraryMetadata(db);
    expect(all.get(1)).toEqual(SCAN);
    expect(all.get(2)).toEqual(LISBON);
    expect(await photosWithMetadata(db)).toEqual(new Set([1, 2]));
    db.close();
  });

  it('gives the search worker columns in id order with one string table', async () => {
    const db = await freshDb();
    await writeMetadata(db, [
      { id: 30, metadata: LISBON },
      { id: 10, metadata: SCAN },
    ]);
    await writeMetadata(db, [
      { id: 20, metadata: { camera: 'Apple iPhone 13' } },
      { id: 10, metadata: { ...SCAN, camera: 'Canon EOS R5' } },
    ]);
    const cols = await readMetaColumns(db);
    expect([...cols.ids]).toEqual([10, 20, 30]);
    expect(cols.version).toBe(2);
    expect(cols.strings[cols.camera[0]!]).toBe('Canon EOS R5');
    expect(cols.camera[1]).toBe(cols.camera[2]);
    expect(cols.strings[cols.country[2]!]).toBe('PT');
    expect(cols.country[0]).toBe(0);
    expect(cols.takenAt[0]).toBe(SCAN.takenAt);
    expect(Number.isNaN(cols.takenAt[1])).toBe(true);
    expect(cols.lat[2]).toBe(38.75);
    db.close();
  });

  it('removes rows by rewriting their blocks, deleting blocks left empty', async () => {
    const db = await freshDb();
    await writeMetadata(db, [
      { id: 1, metadata: SCAN },
      { id: 2, metadata: LISBON },
    ]);
    await writeMetadata(db, [{ id: 3, metadata: SCAN }]);
    const before = await getMetadataVersion(db);
    await removeMetadataRows(db, [2, 3]);
    expect(await getMetadataVersion(db)).toBe(before + 1);
    const all = await readLibraryMetadata(db);
    expect([...all.keys()]).toEqual([1]);
    expect(all.get(1)).toEqual(SCAN);
    expect(await db.count('photoMeta')).toBe(1);
    await removeMetadataRows(db, [42]);
    expect(await getMetadataVersion(db)).toBe(before + 1);
    db.close();
  });

  it('removes inside a caller’s transaction, which can still be aborted', async () => {
    const db = await freshDb();
    await writeMetadata(db, [{ id: 1, metadata: SCAN }]);
    const tx = db.transaction(['photoMeta', 'meta'], 'readwrite');
    await removeMetadataRows(tx, [1]);
    tx.abort();
    await tx.done.catch(() => {});
    expect((await readLibraryMetadata(db)).get(1)).toEqual(SCAN);
    db.close();
  });
});

describe('commitBatch', () => {
  const fields = (i: number): PhotoFields => ({
    path: `f/${i}.jpg`,
    name: `${i}.jpg`,
    size: 10,
    lastModified: 5,
    width: 2,
    height: 2,
    hash: `h${i}`,
    mime: 'image/jpeg',
  });

  it('stores one metadata block per batch, in the same transaction as the photos', async () => {
    const db = await freshDb();
    const ids = await commitBatch(db, {
      model: 'clip@1',
      dim: 2,
      writes: [
        { fields: fields(1), vector: Float32Array.of(1, 0), metadata: LISBON },
        { fields: fields(2), vector: Float32Array.of(0, 1), metadata: SCAN },
        { fields: fields(3), vector: Float32Array.of(0, 1) },
      ],
      touched: [],
      skipped: [],
    });
    expect(await db.count('photoMeta')).toBe(1);
    const all = await readLibraryMetadata(db);
    expect(all.get(ids[0]!)).toEqual(LISBON);
    expect(all.get(ids[1]!)).toEqual(SCAN);
    expect(all.has(ids[2]!)).toBe(false);

    // A file read again for its metadata only (same bytes) gains a row; its vectors stay.
    await commitBatch(db, {
      model: 'clip@1',
      dim: 2,
      writes: [],
      touched: [{ id: ids[2]!, size: 10, lastModified: 5, metadata: LISBON }],
      skipped: [],
    });
    expect((await readLibraryMetadata(db)).get(ids[2]!)).toEqual(LISBON);
    expect((await db.get('photos', ids[2]!))?.vectors['clip@1']).toBeDefined();
    expect(await db.count('photoMeta')).toBe(2);
    db.close();
  });

  it('writes no metadata block for a batch without metadata', async () => {
    const db = await freshDb();
    await commitBatch(db, {
      model: 'clip@1',
      dim: 2,
      writes: [{ fields: fields(1), vector: Float32Array.of(1, 0) }],
      touched: [],
      skipped: [],
    });
    expect(await db.count('photoMeta')).toBe(0);
    expect(await getMetadataVersion(db)).toBe(0);
    db.close();
  });
});

describe("one photo's metadata", () => {
  it('is the newest row that names the photo, and undefined for a photo without one', async () => {
    const db = await freshDb();
    await writeMetadata(db, [
      { id: 1, metadata: SCAN },
      { id: 2, metadata: SCAN },
    ]);
    await writeMetadata(db, [{ id: 2, metadata: LISBON }]);
    expect(await readPhotoMetadata(db, 2)).toEqual(LISBON);
    expect(await readPhotoMetadata(db, 1)).toEqual(SCAN);
    expect(await readPhotoMetadata(db, 3)).toBeUndefined();
    db.close();
  });
});
