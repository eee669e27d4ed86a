import 'fake-indexeddb/auto';
import { zipSync } from 'fflate';
import { beforeEach, describe, expect, it } from 'vitest';
import { openLibraryDb, type LumenDb } from '../../src/core/store/db';
import { loadMatrix } from '../../src/core/store/embedding-store';
import {
  IMPORT_PENDING_KEY,
  importedRanges,
  inRanges,
  pendingImport,
} from '../../src/core/store/imported-photos';
import { commitBatch, libraryStats } from '../../src/core/store/photo-store';
import { repackScores } from '../../src/core/store/score-store';
import { ZipSink, filesArchive, zipArchive, type ArchiveReader } from './archive';
import { exportLibrary } from './exporter';
import { ImportRefusedError, importLibrary } from './importer';
import { decodeMetadata } from './metadata';
import { decodeNpy, encodeNpy } from './npy';
import {
  embeddingsPath,
  metadataPath,
  type ExportOptions,
  type LibraryIoProgress,
} from './protocol';
import {
  DIM,
  KEY,
  MODEL,
  buildLibrary,
  handMadeExport,
  profile,
  snapshot,
  storedScores,
  thumbnailOf,
  unitVector,
} from './test-library';

let n = 0;
let db: LumenDb;
beforeEach(async () => {
  db = await openLibraryDb(`library-io-spec-${++n}`);
});

async function exportZip(
  from: LumenDb,
  options: ExportOptions = { dtype: 'float32', thumbnails: true },
) {
  const sink = new ZipSink(64);
  const events: LibraryIoProgress[] = [];
  const outcome = await exportLibrary({
    db: from,
    profile,
    sink,
    options,
    cancelled: () => false,
    onProgress: (p) => events.push(p),
  });
  return { outcome, zip: sink.finish(), events };
}

function runImport(into: LumenDb, archive: ArchiveReader, cancelled = () => false, batchSize = 4) {
  return importLibrary({
    db: into,
    profile,
    archive,
    cancelled,
    onProgress: () => undefined,
    batchSize,
  });
}

async function freshDb() {
  return openLibraryDb(`library-io-target-${++n}`);
}

describe('library export', () => {
  it('writes every photo with a vector of the model, in id order, and reads back', async () => {
    const ids = await buildLibrary(db);
    const { outcome, zip } = await exportZip(db);
    expect(outcome).toEqual({ state: 'done', photos: 6, thumbnails: 6 });

    const archive = await zipArchive(zip);
    expect(archive.paths().sort()).toEqual(
      [
        embeddingsPath(0),
        metadataPath(0),
        ...[0, 1, 2, 3, 4, 5].map((i) => `thumbnails/${i}.webp`),
      ].sort(),
    );
    const matrix = decodeNpy(await archive.read(embeddingsPath(0)));
    expect(matrix).toMatchObject({ descr: '<f4', rows: 6, cols: DIM });
    // The rows are the store's vectors (as loadMatrix gives them), in metadata order.
    const stored = await loadMatrix(db, MODEL, DIM);
    ids.forEach((id, i) => {
      const row = stored.ids.indexOf(id);
      expect(Array.from(matrix.data.subarray(i * DIM, (i + 1) * DIM))).toEqual(
        Array.from(stored.vectors.subarray(row * DIM, (row + 1) * DIM)),
      );
    });

    const rows = await decodeMetadata(await archive.read(metadataPath(0)), 'metadata');
    expect(rows.map((r) => r.path)).toEqual(
      [1, 2, 3, 4, 5, 6].map((i) => `Holiday/day ${i}/IMG_${i}.jpg`),
    );
    expect(rows[0]).toMatchObject({
      size: 1_000_001,
      width: 3999,
      height: 3001,
      sha256: '1'.padStart(64, 'a'),
      mime: 'image/jpeg',
      lastModified: 1_700_000_000_001,
      model: MODEL,
      scorer: KEY,
    });
    const scores = await storedScores(db);
    for (const i of [0, 1, 2]) {
      expect(rows[i]!.models).toEqual(scores.get(ids[i]!)!.models[KEY]);
      expect(rows[i]!.pixel).toEqual(scores.get(ids[i]!)!.pixel);
    }
    expect(rows[3]).toMatchObject({
      scorer: null,
      models: null,
      pixel: scores.get(ids[3]!)!.pixel,
    });
    // Scores of another aesthetic head are not this profile's: left out, not mislabelled.
    expect(rows[4]).toMatchObject({ scorer: null, models: null, pixel: null });
    expect(rows[5]).toMatchObject({ scorer: null, models: null, pixel: null });

    for (let i = 0; i < 6; i++) {
      const bytes = await archive.read(`thumbnails/${i}.webp`);
      expect(Array.from(bytes)).toEqual(
        Array.from(new Uint8Array(await thumbnailOf(i + 1).arrayBuffer())),
      );
    }
  });

  it('exports the same scores from a library stored before packed scores, and after repacking it', async () => {
    await buildLibrary(db);
    const packed = await exportZip(db);
    const old = await freshDb();
    await buildLibrary(old, 'per-photo');
    const metadataOf = async (zip: Blob) =>
      decodeMetadata(await (await zipArchive(zip)).read(metadataPath(0)), 'metadata');
    const fromOld = await metadataOf((await exportZip(old)).zip);
    expect(fromOld.filter((r) => r.models)).toHaveLength(3);
    expect(fromOld).toEqual(await metadataOf(packed.zip));
    expect(await repackScores(old)).toBe(5);
    expect(await metadataOf((await exportZip(old)).zip)).toEqual(fromOld);
  });

  it('writes float16 on request, and leaves thumbnails out on request', async () => {
    await buildLibrary(db);
    const { outcome, zip } = await exportZip(db, { dtype: 'float16', thumbnails: false });
    expect(outcome.thumbnails).toBe(0);
    const archive = await zipArchive(zip);
    expect(archive.paths().some((p) => p.startsWith('thumbnails/'))).toBe(false);
    const bytes = await archive.read(embeddingsPath(0));
    expect(bytes.length).toBe(128 + 6 * DIM * 2);
    const matrix = decodeNpy(bytes);
    expect(matrix.descr).toBe('<f2');
    const v = unitVector(1);
    for (let i = 0; i < DIM; i++) expect(matrix.data[i]).toBeCloseTo(v[i]!, 3);
  });

  it('refuses a library with nothing to export', async () => {
    await expect(exportZip(db)).rejects.toThrow(/Nothing to export/);
  });
});

describe('library import', () => {
  it('round-trips photos, vectors, scores and thumbnails, and marks the photos imported', async () => {
    const ids = await buildLibrary(db);
    const { zip } = await exportZip(db);
    const target = await freshDb();
    const outcome = await runImport(target, await zipArchive(zip));
    expect(outcome).toEqual({ state: 'done', photos: 6, thumbnails: 6, scored: 3 });

    const source = new Map((await db.getAll('photos')).map((p) => [p.path, p]));
    const imported = await target.getAll('photos');
    expect(imported.map((p) => p.path).sort()).toEqual(
      ids.map((id) => [...source.values()].find((p) => p.id === id)!.path).sort(),
    );
    const a = await loadMatrix(db, MODEL, DIM);
    const b = await loadMatrix(target, MODEL, DIM);
    expect(b.ids.length).toBe(6);
    const sourceScores = await storedScores(db);
    const ranges = await importedRanges(target);
    const targetScores = await storedScores(target);
    for (const p of imported) {
      const old = source.get(p.path)!;
      expect(p).toMatchObject({
        name: old.name,
        size: old.size,
        lastModified: old.lastModified,
        width: old.width,
        height: old.height,
        hash: old.hash,
        mime: old.mime,
      });
      expect(p.handle).toBeUndefined();
      expect(inRanges(ranges, p.id)).toBe(true);
      const va = a.vectors.subarray(a.ids.indexOf(old.id) * DIM, (a.ids.indexOf(old.id) + 1) * DIM);
      const vb = b.vectors.subarray(b.ids.indexOf(p.id) * DIM, (b.ids.indexOf(p.id) + 1) * DIM);
      // Same vector, up to the store's own quantisation.
      for (let i = 0; i < DIM; i++) expect(vb[i]).toBeCloseTo(va[i]!, 2);
      let dot = 0;
      for (let i = 0; i < DIM; i++) dot += va[i]! * vb[i]!;
      expect(dot / Math.hypot(...va) / Math.hypot(...vb)).toBeGreaterThan(0.999);

      const before = sourceScores.get(old.id);
      const after = targetScores.get(p.id);
      expect(after?.models[KEY]).toEqual(before?.models[KEY]);
      expect(after?.pixel).toEqual(before?.pixel);
      const thumb = (await target.get('thumbnails', p.id))!;
      expect(thumb.type).toBe('image/webp');
      const was = (await db.get('thumbnails', old.id))!;
      expect(Array.from(new Uint8Array(await thumb.arrayBuffer()))).toEqual(
        Array.from(new Uint8Array(await was.arrayBuffer())),
      );
    }
    expect(await libraryStats(target, MODEL)).toMatchObject({ photos: 6, embedded: 6 });
    // The other head's scores were not imported under this head's name.
    const fifth = imported.find((p) => p.path.endsWith('IMG_5.jpg'))!;
    expect(targetScores.get(fifth.id)).toBeUndefined();
  });

  it('imports a float16 export from a folder, one level up, without thumbnails', async () => {
    await buildLibrary(db);
    const { zip } = await exportZip(db, { dtype: 'float16', thumbnails: false });
    const archive = await zipArchive(zip);
    const files = await Promise.all(
      archive.paths().map(async (path) => ({
        path: `my-export/${path}`,
        file: new Blob([(await archive.read(path)) as BlobPart]),
      })),
    );
    const target = await freshDb();
    expect(await runImport(target, filesArchive(files))).toMatchObject({
      state: 'done',
      photos: 6,
      thumbnails: 0,
    });
    expect(await target.count('thumbnails')).toBe(0);
    const b = await loadMatrix(target, MODEL, DIM);
    const row = (await target.getAll('photos')).find((p) => p.path.endsWith('IMG_1.jpg'))!;
    const v = b.vectors.subarray(b.ids.indexOf(row.id) * DIM, (b.ids.indexOf(row.id) + 1) * DIM);
    const want = unitVector(1);
    for (let i = 0; i < DIM; i++) expect(v[i]).toBeCloseTo(want[i]!, 2);
  });

  it('refuses an export of another model, and stores nothing', async () => {
    const zip = handMadeExport(
      [
        { model: 'Xenova/clip-vit-base-patch32@main' },
        { model: 'Xenova/clip-vit-base-patch32@main' },
      ],
      Float32Array.from([...unitVector(1), ...unitVector(2)]),
    );
    const before = await snapshot(db);
    const run = runImport(db, await zipArchive(zip));
    await expect(run).rejects.toThrow(ImportRefusedError);
    await expect(runImport(db, await zipArchive(zip))).rejects.toThrow(
      new RegExp(
        `made with the model Xenova/clip-vit-base-patch32@main .*profile=default.*this library uses ${MODEL}`,
      ),
    );
    expect(await snapshot(db)).toEqual(before);
  });

  it('refuses vectors of another size, and stores nothing', async () => {
    const zip = handMadeExport(
      [{}, {}],
      Float32Array.from([...unitVector(1, 32), ...unitVector(2, 32)]),
      32,
    );
    const before = await snapshot(db);
    await expect(runImport(db, await zipArchive(zip))).rejects.toThrow(
      /have 32 dimensions.*makes 64/,
    );
    expect(await snapshot(db)).toEqual(before);
  });

  it('refuses to import into a library that holds photos, and changes nothing', async () => {
    await buildLibrary(db);
    const { zip } = await exportZip(db);
    const before = await snapshot(db);
    await expect(runImport(db, await zipArchive(zip))).rejects.toThrow(
      /already holds 8 photos.*empty library/,
    );
    expect(await snapshot(db)).toEqual(before);
  });

  it('refuses damaged or missing files with the reason, and stores nothing', async () => {
    await buildLibrary(db);
    const { zip } = await exportZip(db);
    const good = await zipArchive(zip);
    const npy = await good.read(embeddingsPath(0));
    const parquet = await good.read(metadataPath(0));
    const variant = (files: Record<string, Uint8Array>) => zipArchive(new Blob([zipSync(files)]));
    const nan = decodeNpy(npy).data.slice();
    nan[3] = NaN;
    const cases: [string, Record<string, Uint8Array>, RegExp][] = [
      ['no vectors', { [metadataPath(0)]: parquet }, /has no img_emb\/img_emb_0\.npy/],
      ['no metadata', { [embeddingsPath(0)]: npy }, /no metadata\/metadata_0\.parquet/],
      [
        'truncated parquet',
        { [embeddingsPath(0)]: npy, [metadataPath(0)]: parquet.slice(0, parquet.length - 9) },
        /metadata_0\.parquet is not a readable Parquet file/,
      ],
      [
        'garbage parquet',
        { [embeddingsPath(0)]: npy, [metadataPath(0)]: npy.slice(0, 400) },
        /not a readable Parquet file/,
      ],
      [
        'truncated npy',
        { [embeddingsPath(0)]: npy.slice(0, npy.length - 4), [metadataPath(0)]: parquet },
        /img_emb_0\.npy: The \.npy data is \d+ bytes/,
      ],
      [
        'not npy',
        { [embeddingsPath(0)]: parquet, [metadataPath(0)]: parquet },
        /img_emb_0\.npy: It is not a \.npy file/,
      ],
      [
        'fewer vectors than rows',
        {
          [embeddingsPath(0)]: encodeNpy(nan.slice(0, 5 * DIM), 5, DIM, '<f4'),
          [metadataPath(0)]: parquet,
        },
        /holds 5 vectors but .* describes 6 photos/,
      ],
      [
        'a vector that is not one',
        { [embeddingsPath(0)]: encodeNpy(nan, 6, DIM, '<f4'), [metadataPath(0)]: parquet },
        /Row 0 of img_emb\/img_emb_0\.npy is not a unit-length embedding/,
      ],
    ];
    const target = await freshDb();
    const before = await snapshot(target);
    for (const [name, files, reason] of cases) {
      const attempt = async () => runImport(target, await variant(files));
      await expect(attempt(), name).rejects.toThrow(reason);
      expect(await snapshot(target), name).toEqual(before);
    }

    // A byte flipped inside the zip is caught by the entry's checksum.
    const bytes = new Uint8Array(await zip.arrayBuffer());
    bytes[200] = bytes[200]! ^ 0xff;
    await expect(runImport(target, await zipArchive(new Blob([bytes])))).rejects.toThrow(
      /img_emb_0\.npy is damaged: its checksum does not match/,
    );
    await expect(zipArchive(new Blob(['not a zip at all']))).rejects.toThrow(/not a zip file/);
    expect(await snapshot(target)).toEqual(before);
  });

  it('undoes the stored batches when a thumbnail turns out damaged half-way', async () => {
    await buildLibrary(db);
    const { zip } = await exportZip(db);
    const good = await zipArchive(zip);
    const files: Record<string, Uint8Array> = {};
    for (const path of good.paths()) files[path] = await good.read(path);
    // Thumbnail of row 4 is stored in the second batch of 2; damage it after zipping.
    const archive = await zipArchive(new Blob([zipSync(files, { level: 0 })]));
    const broken: ArchiveReader = {
      ...archive,
      read: (path) =>
        path === 'thumbnails/4.webp'
          ? Promise.reject(new Error('The file was changed on disk.'))
          : archive.read(path),
    };
    const target = await freshDb();
    const before = await snapshot(target);
    await expect(runImport(target, broken, () => false, 2)).rejects.toThrow(
      /cannot be read: The file was changed on disk/,
    );
    const after = (await snapshot(target)) as Record<string, unknown>;
    // Only the version counter moved, so that readers drop what they cached meanwhile.
    expect({ ...after, meta: null }).toEqual({ ...(before as object), meta: null });
    expect(await target.count('photos')).toBe(0);
    expect(await target.count('blocks')).toBe(0);
  });

  it('stores nothing when cancelled while storing', async () => {
    await buildLibrary(db);
    const { zip } = await exportZip(db);
    const target = await freshDb();
    let checks = 0;
    const outcome = await runImport(target, await zipArchive(zip), () => ++checks > 2, 2);
    expect(outcome.state).toBe('cancelled');
    expect(await target.count('photos')).toBe(0);
    expect(await target.count('blocks')).toBe(0);
    expect(await target.count('thumbnails')).toBe(0);
    expect(await target.count('scores')).toBe(0);
  });

  it('replaces what an import cut off by a closed tab left, once the new export checks out', async () => {
    await buildLibrary(db);
    const { zip } = await exportZip(db);
    const target = await freshDb();
    // As a closed tab leaves it: the marker and one stored batch, never undone.
    const at = Date.now();
    await target.put('meta', { at, model: MODEL, blocksBefore: [] }, IMPORT_PENDING_KEY);
    await commitBatch(target, {
      model: MODEL,
      dim: DIM,
      touched: [],
      skipped: [],
      writes: [1, 2].map((i) => ({
        fields: {
          path: `Holiday/day ${i}/IMG_${i}.jpg`,
          name: `IMG_${i}.jpg`,
          size: 1,
          lastModified: 1,
          width: 1,
          height: 1,
          hash: '',
          mime: 'image/jpeg',
        },
        thumbnail: thumbnailOf(i),
        vector: unitVector(i),
      })),
    });
    // An export that is refused leaves even the leftovers alone.
    const foreign = handMadeExport([{ model: 'other@1' }], unitVector(1));
    const before = await snapshot(target);
    await expect(runImport(target, await zipArchive(foreign))).rejects.toThrow(/other@1/);
    expect(await snapshot(target)).toEqual(before);

    expect(await runImport(target, await zipArchive(zip))).toMatchObject({
      state: 'done',
      photos: 6,
    });
    expect(await target.count('photos')).toBe(6);
    expect((await loadMatrix(target, MODEL, DIM)).ids.length).toBe(6);
    expect(await pendingImport(target)).toBeUndefined();
  });

  it('keeps a library whose photos predate an unfinished import, and refuses it', async () => {
    await buildLibrary(db);
    await db.put(
      'meta',
      { at: Date.now() + 60_000, model: MODEL, blocksBefore: [] },
      IMPORT_PENDING_KEY,
    );
    const { zip } = await exportZip(db);
    const before = await snapshot(db);
    await expect(runImport(db, await zipArchive(zip))).rejects.toThrow(/already holds 8 photos/);
    expect(await snapshot(db)).toEqual(before);
  });
});
