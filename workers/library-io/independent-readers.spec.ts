import 'fake-indexeddb/auto';
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterAll, describe, expect, it } from 'vitest';
import { openLibraryDb, type LumenDb } from '../../src/core/store/db';
import { loadMatrix } from '../../src/core/store/embedding-store';
import { LibraryIoHandler } from './handler';
import type { ExportRequest } from './protocol';
import {
  CAPTURES,
  DIM,
  KEY,
  MODEL,
  addCaptures,
  buildLibrary,
  profile,
  storedScores,
} from './test-library';

// Reads an export with readers this project did not write: NumPy (Debian's python3-numpy,
// which .ci/run installs) for the .npy and the zip, hyparquet for the Parquet file.

const work = mkdtempSync(path.join(tmpdir(), 'lumen-export-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Enough of FileSystemDirectoryHandle for the export, writing to a real folder. */
function folderHandle(dir: string): FileSystemDirectoryHandle {
  mkdirSync(dir, { recursive: true });
  const handle = {
    name: path.basename(dir),
    getDirectoryHandle: (name: string) => Promise.resolve(folderHandle(path.join(dir, name))),
    getFileHandle: (name: string) => {
      const file = path.join(dir, name);
      return Promise.resolve({
        createWritable: () => {
          writeFileSync(file, new Uint8Array(0));
          return Promise.resolve({
            write: (chunk: Uint8Array) => Promise.resolve(appendFileSync(file, chunk)),
            close: () => Promise.resolve(),
            abort: () => Promise.resolve(),
          });
        },
      });
    },
  };
  return handle as unknown as FileSystemDirectoryHandle;
}

function python(script: string, args: string[], input = ''): unknown {
  let out: string;
  try {
    out = execFileSync('python3', ['-c', script, ...args], { input, encoding: 'utf8' });
  } catch (e) {
    throw new Error(
      `python3 with numpy is needed to check exports (apt install python3-numpy): ${String(e)}`,
    );
  }
  return JSON.parse(out);
}

const NUMPY_READ = `
import json, sys, numpy as np
a = np.load(sys.argv[1])
want = np.array(json.load(sys.stdin), dtype=np.float32)
same = bool((a.view(np.uint32 if a.dtype == np.float32 else np.uint16) ==
             want.astype(a.dtype).view(np.uint32 if a.dtype == np.float32 else np.uint16)).all())
print(json.dumps({'shape': list(a.shape), 'dtype': str(a.dtype), 'c_order': bool(a.flags['C_CONTIGUOUS']),
                  'first': a[:, :4].astype(float).tolist(), 'same': same,
                  'norms': np.linalg.norm(a.astype(np.float64), axis=1).tolist()}))
`;

const ZIP_READ = `
import io, json, sys, zipfile, numpy as np
z = zipfile.ZipFile(sys.argv[1])
bad = z.testzip()
a = np.load(io.BytesIO(z.read('img_emb/img_emb_0.npy')))
print(json.dumps({'bad': bad, 'names': sorted(z.namelist()), 'shape': list(a.shape),
                  'dtype': str(a.dtype), 'first': a[:, :4].astype(float).tolist()}))
`;

async function library(): Promise<{ db: LumenDb; vectors: number[][]; ids: number[] }> {
  const db = await openLibraryDb(`independent-readers-${Math.random()}`);
  const ids = await buildLibrary(db);
  const m = await loadMatrix(db, MODEL, DIM);
  // The rows an export must hold, in its order (photo id).
  const vectors = ids.map((id) => {
    const row = m.ids.indexOf(id);
    return Array.from(m.vectors.subarray(row * DIM, (row + 1) * DIM));
  });
  return { db, vectors, ids };
}

async function exportTo(db: LumenDb, request: Omit<ExportRequest, 'profileId'>) {
  const handler = new LibraryIoHandler(() => Promise.resolve(db));
  return handler.exportLibrary({ ...request, profileId: profile.id }, () => undefined);
}

describe('an export, read by independent readers', () => {
  it('img_emb_0.npy reads in NumPy as the stored float32 vectors, in metadata order', async () => {
    const { db, vectors, ids } = await library();
    const result = await exportTo(db, {
      name: 'f32',
      dtype: 'float32',
      thumbnails: true,
      folder: folderHandle(work),
    });
    expect(result).toMatchObject({ state: 'done', photos: 6, thumbnails: 6 });
    const npy = path.join(work, 'f32', 'img_emb', 'img_emb_0.npy');
    const got = python(NUMPY_READ, [npy], JSON.stringify(vectors)) as {
      shape: number[];
      dtype: string;
      c_order: boolean;
      first: number[][];
      same: boolean;
      norms: number[];
    };
    expect(got).toMatchObject({ shape: [6, DIM], dtype: 'float32', c_order: true, same: true });
    expect(got.first).toEqual(vectors.map((v) => v.slice(0, 4)));
    for (const norm of got.norms) expect(norm).toBeCloseTo(1, 2);

    // The Parquet file, by hyparquet: rows and values as stored.
    const bytes = readFileSync(path.join(work, 'f32', 'metadata', 'metadata_0.parquet'));
    const buffer = new Uint8Array(bytes).buffer;
    const schema = parquetMetadata(buffer).schema;
    expect(schema.find((s) => s.name === 'image_path')).toMatchObject({
      type: 'BYTE_ARRAY',
      converted_type: 'UTF8',
    });
    const rows = await parquetReadObjects({ file: buffer });
    expect(rows).toHaveLength(6);
    const scores = await storedScores(db);
    for (const [i, id] of ids.entries()) {
      const photo = (await db.get('photos', id))!;
      const row = rows[i]!;
      expect(row).toMatchObject({
        image_path: photo.path,
        size: BigInt(photo.size),
        width: photo.width,
        height: photo.height,
        sha256: photo.hash,
        mime: photo.mime,
        model: MODEL,
      });
      const s = scores.get(id);
      const mine = s?.models[KEY];
      expect(row.aesthetic_laion).toBe(mine ? mine.laion : null);
      const iqa = mine ? Object.values(mine.clipIqa) : [];
      expect(row.clip_iqa).toBe(mine ? iqa.reduce((a, b) => a + b, 0) / iqa.length : null);
      expect(row.clip_iqa_quality).toBe(mine ? mine.clipIqa.quality : null);
      expect(row.pixel_appeal).toBe(s?.pixel ? s.pixel.appeal.overall : null);
      expect(row.pixel_sharpness).toBe(s?.pixel ? s.pixel.stats.sharpness : null);
      expect(row.scorer).toBe(mine ? KEY : null);
    }
    // Thumbnails are files named by row.
    const thumb = readFileSync(path.join(work, 'f32', 'thumbnails', '0.webp'));
    const stored = (await db.get('thumbnails', ids[0]!))!;
    expect(Array.from(thumb)).toEqual(Array.from(new Uint8Array(await stored.arrayBuffer())));
  });

  it('the capture columns read in hyparquet with their types and values', async () => {
    const { db, ids } = await library();
    await addCaptures(db, ids);
    await exportTo(db, {
      name: 'capture',
      dtype: 'float32',
      thumbnails: false,
      folder: folderHandle(work),
    });
    const bytes = readFileSync(path.join(work, 'capture', 'metadata', 'metadata_0.parquet'));
    const buffer = new Uint8Array(bytes).buffer;
    const schema = new Map(parquetMetadata(buffer).schema.map((s) => [s.name, s]));
    for (const name of [
      'taken_at',
      'taken_at_source',
      'place',
      'region',
      'country',
      'camera',
      'lens',
    ])
      expect(schema.get(name), name).toMatchObject({ type: 'BYTE_ARRAY', converted_type: 'UTF8' });
    for (const name of ['lat', 'lon'])
      expect(schema.get(name), name).toMatchObject({ type: 'DOUBLE' });
    expect(schema.get('offset_min')).toMatchObject({ type: 'INT32' });
    const rows = await parquetReadObjects({ file: buffer });
    const [lisbon, scan] = CAPTURES;
    expect(rows[0]).toMatchObject({
      taken_at: new Date(lisbon!.takenAt!).toISOString().slice(0, 19),
      offset_min: lisbon!.offsetMin,
      taken_at_source: lisbon!.takenSource,
      lat: lisbon!.lat,
      lon: lisbon!.lon,
      place: lisbon!.place,
      country: lisbon!.country,
      camera: lisbon!.camera,
      lens: lisbon!.lens,
    });
    expect(rows[1]).toMatchObject({ taken_at_source: scan!.takenSource, lat: null });
    for (const row of rows.slice(2)) expect(row).toMatchObject({ taken_at: null, camera: null });
  });

  it('a float16 export reads in NumPy as float16, rounded exactly as NumPy rounds', async () => {
    const { db, vectors } = await library();
    await exportTo(db, {
      name: 'f16',
      dtype: 'float16',
      thumbnails: false,
      folder: folderHandle(work),
    });
    const npy = path.join(work, 'f16', 'img_emb', 'img_emb_0.npy');
    const got = python(NUMPY_READ, [npy], JSON.stringify(vectors)) as Record<string, unknown>;
    expect(got).toMatchObject({ shape: [6, DIM], dtype: 'float16', same: true });
  });

  it("the zip download opens in Python's zipfile with valid checksums", async () => {
    const { db, vectors } = await library();
    const result = await exportTo(db, { name: 'z', dtype: 'float32', thumbnails: true });
    const file = path.join(work, 'export.zip');
    writeFileSync(file, new Uint8Array(await result.zip!.arrayBuffer()));
    const got = python(ZIP_READ, [file]) as Record<string, unknown>;
    expect(got).toEqual({
      bad: null,
      names: [
        'img_emb/img_emb_0.npy',
        'metadata/metadata_0.parquet',
        ...[0, 1, 2, 3, 4, 5].map((i) => `thumbnails/${i}.webp`),
      ],
      shape: [6, DIM],
      dtype: 'float32',
      first: vectors.map((v) => v.slice(0, 4)),
    });
  });
});
