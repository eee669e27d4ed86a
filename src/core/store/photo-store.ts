import type { PhotoMetadata } from '../photo-metadata';
import type { LumenDb, PhotoRecord, SkippedRecord } from './db';
import { compactBlock, withoutRow } from './embedding-store';
import { writeMetadata, type MetadataRow } from './metadata-store';

/** What indexing knows about an already stored path, to skip unchanged files cheaply. */
export interface KnownPhoto {
  id: number;
  size: number;
  lastModified: number;
  hash: string;
  models: string[];
  duplicateOf?: number;
}

export interface LibraryIndex {
  byPath: Map<string, KnownPhoto>;
  /** Content hash → id of the first photo with those bytes (never a duplicate itself). */
  byHash: Map<string, number>;
}

/** Every photo record, read in pages of `pageSize` (one round trip per record is slow at 100k). */
export async function* photoPages(db: LumenDb, pageSize = 5000): AsyncGenerator<PhotoRecord[]> {
  let after: number | undefined;
  for (;;) {
    const range = after === undefined ? undefined : IDBKeyRange.lowerBound(after, true);
    const page = await db.getAll('photos', range, pageSize);
    if (page.length) yield page;
    if (page.length < pageSize) return;
    after = page[page.length - 1]!.id;
  }
}

export async function loadLibraryIndex(db: LumenDb): Promise<LibraryIndex> {
  const byPath = new Map<string, KnownPhoto>();
  const byHash = new Map<string, number>();
  for await (const page of photoPages(db))
    for (const p of page) {
      byPath.set(p.path, {
        id: p.id,
        size: p.size,
        lastModified: p.lastModified,
        hash: p.hash,
        models: Object.keys(p.vectors),
        ...(p.duplicateOf !== undefined ? { duplicateOf: p.duplicateOf } : {}),
      });
      if (p.duplicateOf === undefined && !byHash.has(p.hash)) byHash.set(p.hash, p.id);
    }
  return { byPath, byHash };
}

export type PhotoFields = Omit<PhotoRecord, 'id' | 'vectors' | 'addedAt'>;

export interface PhotoWrite {
  /** The stored photo this file updates (same path), if any. */
  id?: number;
  /** The stored photo's bytes are unchanged: its vectors of other models stay valid. */
  sameBytes?: boolean;
  fields: PhotoFields;
  thumbnail?: Blob;
  /** Unit-length embedding; absent for duplicates. */
  vector?: Float32Array;
  /** What the file's bytes say about when, where and with what it was taken. */
  metadata?: PhotoMetadata;
}

export interface BatchCommit {
  model: string;
  dim: number;
  writes: PhotoWrite[];
  /** Same path and bytes, new timestamp (or metadata read again): only the metadata changes. */
  touched: { id: number; size: number; lastModified: number; metadata?: PhotoMetadata }[];
  skipped: SkippedRecord[];
}

/**
 * Stores one indexed batch in a single transaction: photos, thumbnails, their
 * vectors as one packed block, their capture metadata as one `photoMeta` block, and skip reports. Either all of it lands or none
 * does, so a closed tab or a full disk never leaves half a photo behind.
 * Returns the ids of the written photos in order.
 */
export async function commitBatch(db: LumenDb, batch: BatchCommit): Promise<number[]> {
  const tx = db.transaction(
    ['photos', 'thumbnails', 'blocks', 'skipped', 'scores', 'meta', 'photoMeta'],
    'readwrite',
  );
  const photos = tx.objectStore('photos');
  const blocks = tx.objectStore('blocks');
  const now = Date.now();
  const ids: number[] = [];
  const withVector: { id: number; vector: Float32Array }[] = [];
  const metadata: MetadataRow[] = [];

  for (const w of batch.writes) {
    let record: Omit<PhotoRecord, 'id'> & { id?: number };
    if (w.id !== undefined) {
      const old = await photos.get(w.id);
      let vectors = old?.vectors ?? {};
      if (!w.sameBytes) {
        // New bytes make every stored vector of this photo stale, whatever model made it.
        for (const blockId of Object.values(vectors)) {
          const block = await blocks.get(blockId);
          if (block) await blocks.put(withoutRow(block, w.id));
        }
        vectors = {};
        // Scores describe the old pixels too.
        await tx.objectStore('scores').delete(w.id);
      }
      record = { ...w.fields, id: w.id, vectors, addedAt: old?.addedAt ?? now };
    } else {
      record = { ...w.fields, vectors: {}, addedAt: now };
    }
    const id = await photos.put(record as PhotoRecord);
    ids.push(id);
    if (w.thumbnail) await tx.objectStore('thumbnails').put(w.thumbnail, id);
    if (w.vector) withVector.push({ id, vector: w.vector });
    if (w.metadata) metadata.push({ id, metadata: w.metadata });
    await tx.objectStore('skipped').delete(w.fields.path);
  }

  if (withVector.length) {
    const vectors = new Float32Array(withVector.length * batch.dim);
    withVector.forEach((v, i) => vectors.set(v.vector, i * batch.dim));
    // Stored compact (int8 + refinement): about a quarter of the float block's bytes.
    const blockId = await blocks.add(
      compactBlock({
        model: batch.model,
        dim: batch.dim,
        ids: Uint32Array.from(withVector.map((v) => v.id)),
        vectors,
      }),
    );
    for (const { id } of withVector) {
      const p = await photos.get(id);
      if (p) await photos.put({ ...p, vectors: { ...p.vectors, [batch.model]: blockId } });
    }
  }

  for (const t of batch.touched) {
    const p = await photos.get(t.id);
    if (p) await photos.put({ ...p, size: t.size, lastModified: t.lastModified });
    if (p && t.metadata) metadata.push({ id: t.id, metadata: t.metadata });
  }
  await writeMetadata(tx, metadata);
  for (const s of batch.skipped) await tx.objectStore('skipped').put(s);

  const meta = tx.objectStore('meta');
  const version = await meta.get('libraryVersion');
  await meta.put((typeof version === 'number' ? version : 0) + 1, 'libraryVersion');
  await tx.done;
  return ids;
}

/**
 * Photos with their thumbnails, read in one transaction (a screenful of grid cells at once);
 * undefined where the photo or its thumbnail is missing. A duplicate shows the thumbnail of
 * the photo whose bytes it shares.
 */
export async function readThumbnails(
  db: LumenDb,
  ids: number[],
): Promise<({ photo: PhotoRecord; blob: Blob } | undefined)[]> {
  const tx = db.transaction(['photos', 'thumbnails']);
  const photos = tx.objectStore('photos');
  const blobs = tx.objectStore('thumbnails');
  return Promise.all(
    ids.map(async (id) => {
      const photo = await photos.get(id);
      const blob = photo && (await blobs.get(photo.duplicateOf ?? id));
      return photo && blob ? { photo, blob } : undefined;
    }),
  );
}

export async function listSkipped(db: LumenDb): Promise<SkippedRecord[]> {
  return db.getAll('skipped');
}

export async function clearSkipped(db: LumenDb): Promise<void> {
  await db.clear('skipped');
}

export interface LibraryStats {
  photos: number;
  duplicates: number;
  embedded: number;
  skipped: number;
}

/**
 * From counts and indexes alone (schema 6): no photo record is read, so a reload of a 100k
 * library knows its size at once. Only blocks older than the index are read.
 */
export async function libraryStats(db: LumenDb, model: string): Promise<LibraryStats> {
  const tx = db.transaction(['photos', 'blocks', 'skipped']);
  const photos = tx.objectStore('photos');
  const blocks = tx.objectStore('blocks');
  const embedded = (async () => {
    let sum = 0;
    const counted = new Set<number>();
    const range = IDBKeyRange.bound([model, 0], [model, Infinity]);
    let cursor = await blocks.index('modelRows').openKeyCursor(range);
    while (cursor) {
      sum += cursor.key[1];
      counted.add(cursor.primaryKey);
      cursor = await cursor.continue();
    }
    // Blocks stored before schema 6 that compaction has not reached yet: read them.
    for (const key of await blocks.index('model').getAllKeys(model)) {
      if (!counted.has(key)) sum += (await blocks.get(key))?.ids.length ?? 0;
    }
    return sum;
  })();
  const [total, duplicates, skipped] = await Promise.all([
    photos.count(),
    photos.index('duplicateOf').count(),
    tx.objectStore('skipped').count(),
  ]);
  return { photos: total, duplicates, embedded: await embedded, skipped };
}
