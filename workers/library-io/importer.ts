import { errorMessage } from '../../src/core/errors';
import { listProfiles, modelKey, type Profile } from '../../src/core/manifest';
import type { LumenDb } from '../../src/core/store/db';
import {
  IMPORTED_KEY,
  IMPORT_PENDING_KEY,
  idRanges,
  pendingImport,
  type PendingImport,
} from '../../src/core/store/imported-photos';
import { commitBatch, type PhotoWrite } from '../../src/core/store/photo-store';
import { removeMetadataRows } from '../../src/core/store/metadata-store';
import { writeScores, type ScoreEntry } from '../../src/core/store/score-store';
import { scorerKey } from '../aesthetics/scorer';
import type { ArchiveReader } from './archive';
import { decodeMetadata, type MetadataRow } from './metadata';
import { decodeNpy, NpyFormatError } from './npy';
import { THUMBNAILS_DIR, embeddingsPath, metadataPath, type LibraryIoProgress } from './protocol';

export interface ImportDeps {
  db: LumenDb;
  profile: Profile;
  archive: ArchiveReader;
  cancelled: () => boolean;
  onProgress: (p: LibraryIoProgress) => void;
  /** Photos per stored batch (and so per vector block). */
  batchSize?: number;
}

export interface ImportOutcome {
  state: 'done' | 'cancelled';
  photos: number;
  thumbnails: number;
  scored: number;
}

/** An export this library must not take; nothing was stored. */
export class ImportRefusedError extends Error {
  override name = 'ImportRefusedError';
}

/** A stored vector must be unit length; an int8 or float16 round trip stays well within this. */
const NORM_TOLERANCE = 0.05;

const THUMBNAIL = new RegExp(`^${THUMBNAILS_DIR}/(\\d+)\\.(\\w+)$`);
const MIME: Record<string, string> = {
  webp: 'image/webp',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  avif: 'image/avif',
};

interface Prepared {
  rows: MetadataRow[];
  /** rows.length × dim, unit rows. */
  vectors: Float32Array;
  /** Archive path of each row's thumbnail, if the export has one. */
  thumbnails: (string | undefined)[];
}

/** Thrown inside the import to unwind into the undo; never leaves this module. */
class Cancelled extends Error {}

/**
 * Imports an export into an empty library of the profile's model. Everything is read and
 * checked before the first write; should storing fail (or be cancelled) half-way, what was
 * stored is removed again, so the library is never left half imported.
 */
export async function importLibrary(deps: ImportDeps): Promise<ImportOutcome> {
  const { db, profile, cancelled, onProgress } = deps;
  const model = modelKey(profile.clip);
  const dim = profile.clip.embeddingSize;
  const leftover = await unfinished(db);
  if (!leftover) await assertEmpty(db);
  const prepared = await prepare(deps, model, dim);
  const none: ImportOutcome = { state: 'cancelled', photos: 0, thumbnails: 0, scored: 0 };
  if (cancelled()) return none;
  if (leftover) await undo(db, leftover.pending, leftover.ids);
  // Indexing may have started while the files were read.
  await assertEmpty(db);

  const { rows, vectors } = prepared;
  const n = rows.length;
  const batchSize = deps.batchSize ?? 1024;
  const ids: number[] = [];
  let thumbnails = 0;
  const pending: PendingImport = {
    at: Date.now(),
    model,
    blocksBefore: await db.getAllKeysFromIndex('blocks', 'model', model),
  };
  await db.put('meta', pending, IMPORT_PENDING_KEY);
  try {
    onProgress({ phase: 'storing', done: 0, total: n });
    for (let at = 0; at < n; at += batchSize) {
      if (cancelled()) throw new Cancelled();
      const writes: PhotoWrite[] = [];
      for (let row = at; row < Math.min(n, at + batchSize); row++) {
        const thumbnail = await readThumbnail(deps.archive, prepared.thumbnails[row]);
        if (thumbnail) thumbnails++;
        const capture = rows[row]!.capture;
        writes.push({
          fields: fieldsOf(rows[row]!),
          vector: vectors.slice(row * dim, (row + 1) * dim),
          ...(thumbnail ? { thumbnail } : {}),
          ...(capture ? { metadata: capture } : {}),
        });
      }
      ids.push(...(await commitBatch(db, { model, dim, writes, touched: [], skipped: [] })));
      onProgress({ phase: 'storing', done: ids.length, total: n });
    }
    if (cancelled()) throw new Cancelled();
    const scored = await storeScores(db, profile, rows, ids);
    return { state: 'done', photos: n, thumbnails, scored };
  } catch (e) {
    onProgress({ phase: 'undoing', done: 0, total: ids.length });
    await undo(db, pending, ids);
    if (e instanceof Cancelled) return none;
    throw e;
  }
}

/**
 * What an import cut off before it could undo itself (the tab closed) left behind: it began
 * in an empty library, so every photo stored since then. The next import (once its files
 * passed every check) removes them; a photo older than that import keeps everything.
 */
async function unfinished(
  db: LumenDb,
): Promise<{ pending: PendingImport; ids: number[] } | undefined> {
  const pending = await pendingImport(db);
  if (!pending) return undefined;
  const photos = await db.getAll('photos');
  if (photos.some((p) => p.addedAt < pending.at)) return undefined;
  return { pending, ids: photos.map((p) => p.id) };
}

async function assertEmpty(db: LumenDb): Promise<void> {
  const count = await db.count('photos');
  if (count > 0) {
    throw new ImportRefusedError(
      `This library already holds ${count} photo${count === 1 ? '' : 's'}. An export is imported into an empty library only, so that two libraries never mix. Open Lumen in another browser profile, or clear this site's data (export this library first to keep it).`,
    );
  }
}

function describeModel(key: string): string {
  const profile = listProfiles().find((p) => modelKey(p.clip) === key);
  return profile
    ? `${key} (the “${profile.label}” profile: open Lumen with ?profile=${profile.id} to import it)`
    : key;
}

async function prepare(deps: ImportDeps, model: string, dim: number): Promise<Prepared> {
  const { archive, onProgress } = deps;
  let shards = 0;
  while (archive.has(embeddingsPath(shards))) shards++;
  if (shards === 0) throw new ImportRefusedError(`The export has no ${embeddingsPath(0)}.`);
  const rows: MetadataRow[] = [];
  const parts: Float32Array[] = [];
  for (let shard = 0; shard < shards; shard++) {
    onProgress({ phase: 'reading', done: shard, total: shards });
    const metaPath = metadataPath(shard);
    if (!archive.has(metaPath)) {
      throw new ImportRefusedError(`The export has ${embeddingsPath(shard)} but no ${metaPath}.`);
    }
    const shardRows = await refusing(async () =>
      decodeMetadata(await archive.read(metaPath), metaPath),
    );
    const models = [...new Set(shardRows.map((r) => r.model))];
    if (models.length > 1) {
      throw new ImportRefusedError(
        `${metaPath} mixes vectors of several models: ${models.join(', ')}.`,
      );
    }
    if (models[0] !== undefined && models[0] !== model) {
      throw new ImportRefusedError(
        `This export was made with the model ${describeModel(models[0])}, but this library uses ${model}. Vectors of different models cannot be searched together.`,
      );
    }
    const npyPath = embeddingsPath(shard);
    const matrix = await refusing(async () => {
      try {
        return decodeNpy(await archive.read(npyPath));
      } catch (e) {
        if (e instanceof NpyFormatError) throw new ImportRefusedError(`${npyPath}: ${e.message}`);
        throw e;
      }
    });
    if (matrix.cols !== dim) {
      throw new ImportRefusedError(
        `The vectors in ${npyPath} have ${matrix.cols} dimensions, but this library's model ${model} makes ${dim}.`,
      );
    }
    if (matrix.rows !== shardRows.length) {
      throw new ImportRefusedError(
        `${npyPath} holds ${matrix.rows} vectors but ${metaPath} describes ${shardRows.length} photos; the export is incomplete or damaged.`,
      );
    }
    normalise(matrix.data, dim, npyPath);
    // Not push(...rows): a million arguments overflow the stack.
    for (const r of shardRows) rows.push(r);
    parts.push(matrix.data);
    onProgress({ phase: 'checking', done: rows.length, total: rows.length });
  }
  if (rows.length === 0) throw new ImportRefusedError('The export holds no photos.');
  const seen = new Set<string>();
  for (const r of rows) {
    if (seen.has(r.path)) {
      throw new ImportRefusedError(`The export lists ${r.path} twice; it is damaged.`);
    }
    seen.add(r.path);
  }
  const vectors = new Float32Array(rows.length * dim);
  let at = 0;
  for (const p of parts) {
    vectors.set(p, at);
    at += p.length;
  }
  const thumbnails: (string | undefined)[] = new Array<string | undefined>(rows.length);
  for (const path of archive.paths()) {
    const m = THUMBNAIL.exec(path);
    const row = m ? Number(m[1]) : -1;
    if (row >= 0 && row < rows.length) thumbnails[row] = path;
  }
  return { rows, vectors, thumbnails };
}

/** Unreadable, damaged or missing files refuse the import with the reason. */
async function refusing<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof ImportRefusedError) throw e;
    throw new ImportRefusedError(`The export cannot be read: ${errorMessage(e)}`, { cause: e });
  }
}

/** Checks each row is a unit vector, as stored ones must be, and removes float16 rounding. */
function normalise(data: Float32Array, dim: number, file: string): void {
  for (let row = 0; row * dim < data.length; row++) {
    const v = data.subarray(row * dim, (row + 1) * dim);
    let sum = 0;
    for (const x of v) sum += x * x;
    const norm = Math.sqrt(sum);
    if (!Number.isFinite(norm) || Math.abs(norm - 1) > NORM_TOLERANCE) {
      throw new ImportRefusedError(
        `Row ${row} of ${file} is not a unit-length embedding (its length is ${norm.toPrecision(4)}); the file is damaged or holds something else.`,
      );
    }
    for (let i = 0; i < dim; i++) v[i]! /= norm;
  }
}

async function readThumbnail(
  archive: ArchiveReader,
  path: string | undefined,
): Promise<Blob | undefined> {
  if (!path) return undefined;
  const bytes = await refusing(() => archive.read(path));
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return new Blob([bytes as BlobPart], { type: MIME[ext] ?? '' });
}

function fieldsOf(r: MetadataRow): PhotoWrite['fields'] {
  return {
    path: r.path,
    name: r.path.slice(r.path.lastIndexOf('/') + 1),
    size: r.size,
    lastModified: r.lastModified,
    width: r.width,
    height: r.height,
    hash: r.sha256,
    mime: r.mime,
  };
}

/** Scores of the current scorers, and pixel statistics, saved with the import; others are redone. */
async function storeScores(
  db: LumenDb,
  profile: Profile,
  rows: MetadataRow[],
  ids: number[],
): Promise<number> {
  const key = scorerKey(profile);
  const tx = db.transaction(['scores', 'meta', 'blocks'], 'readwrite');
  const entries: ScoreEntry[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const model = r.scorer === key && r.models ? r.models : undefined;
    if (!r.pixel && !model) continue;
    const stats = r.pixel?.stats;
    // Appeal is derived from the statistics on reading, never taken from the file.
    entries.push({
      id: ids[i]!,
      key: model ? key : '',
      pairs: model ? Object.keys(model.clipIqa) : [],
      pixelVersion: r.pixel?.version ?? 0,
      ...(model ? { model } : {}),
      ...(stats ? { stats } : {}),
    });
  }
  await writeScores(tx, entries);
  const scored = entries.filter((e) => e.model).length;
  const meta = tx.objectStore('meta');
  await meta.put(idRanges(ids), IMPORTED_KEY);
  await meta.delete(IMPORT_PENDING_KEY);
  await tx.done;
  return scored;
}

/** Removes what a failed import stored: its photos, and the vector blocks made since it began. */
async function undo(db: LumenDb, pending: PendingImport, ids: number[]): Promise<void> {
  const tx = db.transaction(
    ['photos', 'thumbnails', 'blocks', 'scores', 'meta', 'photoMeta'],
    'readwrite',
  );
  await removeMetadataRows(tx, ids);
  for (const id of ids) {
    await tx.objectStore('photos').delete(id);
    await tx.objectStore('thumbnails').delete(id);
    await tx.objectStore('scores').delete(id);
  }
  const before = new Set(pending.blocksBefore);
  const blocks = tx.objectStore('blocks');
  for (const key of await blocks.index('model').getAllKeys(pending.model)) {
    if (!before.has(key)) await blocks.delete(key);
  }
  const meta = tx.objectStore('meta');
  await meta.delete(IMPORT_PENDING_KEY);
  const version = await meta.get('libraryVersion');
  await meta.put((typeof version === 'number' ? version : 0) + 1, 'libraryVersion');
  await tx.done;
}
