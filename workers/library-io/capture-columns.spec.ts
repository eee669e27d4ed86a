import 'fake-indexeddb/auto';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { beforeEach, describe, expect, it } from 'vitest';
import { openLibraryDb, type LumenDb } from '../../src/core/store/db';
import { readLibraryMetadata } from '../../src/core/store/metadata-store';
import { ZipSink, zipArchive } from './archive';
import { exportLibrary } from './exporter';
import { importLibrary } from './importer';
import { metadataPath, type ExportOptions } from './protocol';
import {
  CAPTURES,
  DIM,
  MODEL,
  addCaptures,
  buildLibrary,
  handMadeExport,
  profile,
  unitVector,
} from './test-library';

let n = 0;
let db: LumenDb;
beforeEach(async () => {
  db = await openLibraryDb(`capture-columns-spec-${++n}`);
});

async function exportZip(options: ExportOptions) {
  const sink = new ZipSink(64);
  await exportLibrary({
    db,
    profile,
    sink,
    options,
    cancelled: () => false,
    onProgress: () => undefined,
  });
  return sink.finish();
}

async function parquetRows(zip: Blob) {
  const bytes = await (await zipArchive(zip)).read(metadataPath(0));
  const buffer = new Uint8Array(bytes).buffer;
  const columns = parquetMetadata(buffer).schema.map((s) => s.name);
  return { columns, rows: await parquetReadObjects({ file: buffer }) };
}

async function importInto(zip: Blob) {
  const target = await openLibraryDb(`capture-columns-target-${++n}`);
  await importLibrary({
    db: target,
    profile,
    archive: await zipArchive(zip),
    cancelled: () => false,
    onProgress: () => undefined,
  });
  return target;
}

/** Each photo's metadata by path. */
async function byPath(of: LumenDb) {
  const meta = await readLibraryMetadata(of);
  return new Map((await of.getAll('photos')).map((p) => [p.path, meta.get(p.id)]));
}

describe('capture metadata in exports', () => {
  it('writes when, where and with what each photo was taken, and imports it back', async () => {
    const ids = await buildLibrary(db);
    await addCaptures(db, ids);
    const zip = await exportZip({ dtype: 'float32', thumbnails: false });
    const { rows } = await parquetRows(zip);
    // Rows are in id order: the first two have metadata, the rest none.
    expect(rows[0]).toMatchObject({
      taken_at: '2019-07-14T18:30:05',
      offset_min: 60,
      taken_at_source: 'exif-offset',
      lat: 38.75,
      lon: -9.125,
      place: 'Lisbon',
      region: 'Lisbon',
      country: 'PT',
      camera: 'Apple iPhone 13',
      lens: 'iPhone 13 back camera',
    });
    expect(rows[1]).toMatchObject({
      taken_at: '2001-01-02T03:04:05.600',
      offset_min: -300,
      taken_at_source: 'file',
      lat: null,
      camera: null,
    });
    expect(rows[2]).toMatchObject({ taken_at: null, offset_min: null, country: null });

    const target = await importInto(zip);
    const before = await byPath(db);
    const after = await byPath(target);
    const paths = [...before.keys()].filter((p) => before.get(p));
    expect(paths).toHaveLength(2);
    for (const p of paths) expect(after.get(p)).toEqual(before.get(p));
    expect(CAPTURES).toContainEqual(after.get(paths[0]!));
    // Photos exported without metadata come back without a row, to be read when re-added.
    expect([...after.values()].filter(Boolean)).toHaveLength(2);
  });

  it('leaves location out of the file when asked', async () => {
    const ids = await buildLibrary(db);
    await addCaptures(db, ids);
    const zip = await exportZip({ dtype: 'float32', thumbnails: false, includeLocation: false });
    const { columns, rows } = await parquetRows(zip);
    for (const c of ['lat', 'lon', 'place', 'region', 'country']) expect(columns).not.toContain(c);
    expect(columns).toEqual(expect.arrayContaining(['taken_at', 'camera', 'lens']));
    expect(JSON.stringify(rows, (_, v: unknown) => (typeof v === 'bigint' ? 0 : v))).not.toMatch(
      /Lisbon|38\.75/,
    );
    const after = await byPath(await importInto(zip));
    const lisbon = [...after.values()].find((m) => m?.camera === 'Apple iPhone 13');
    expect(lisbon).toEqual({
      takenAt: CAPTURES[0]!.takenAt,
      offsetMin: 60,
      takenSource: 'exif-offset',
      camera: 'Apple iPhone 13',
      lens: 'iPhone 13 back camera',
    });
  });

  it('imports an export made before these columns existed, without metadata', async () => {
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'image_path', data: ['old/a.jpg', 'old/b.jpg'], type: 'STRING' },
        { name: 'model', data: [MODEL, MODEL], type: 'STRING' },
      ],
    });
    const vectors = new Float32Array([...unitVector(1), ...unitVector(2)]);
    const zip = handMadeExport([{}, {}], vectors, DIM, {
      [metadataPath(0)]: new Uint8Array(buffer),
    });
    const target = await importInto(zip);
    expect(await target.count('photos')).toBe(2);
    expect(await target.count('photoMeta')).toBe(0);
  });
});
