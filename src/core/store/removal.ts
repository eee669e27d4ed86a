import type { EmbeddingBlock, LumenDb, PhotoRecord, RemovalJobRecord } from './db';
import { withoutRow } from './embedding-store';
import { folderRange, idsInFolder, LOOSE_PHOTOS } from './folder-store';
import { removeMetadataRows, unpackRow, writeMetadata, type MetadataRow } from './metadata-store';
import { removeScoreRows } from './score-store';

/**
 * Taking photos out of the library, with everything stored for them: records, thumbnails,
 * vectors of every model, scores, capture metadata, and the preference pairs that name them.
 * Trained adapters stay (they hold no photo).
 *
 * A copy (a photo whose bytes equal an original's) has no vector of its own. When an original
 * goes but a copy of it stays (in another folder, or not selected), the copy takes over: the
 * original's vector rows, scores and thumbnail move to the copy's id (the bytes, and so every
 * one of them, are the same), the copy becomes the original, and any other surviving copies
 * point at it. Pairs naming the original name the copy from then on.
 *
 * Like indexing, a removal is a job that survives a closed tab: `startRemoval` stores the ids
 * still to remove, and `runRemoval` removes them a chunk per transaction, each chunk taking the
 * ids it removed off the job. Interrupted anywhere, the library holds either all of a chunk's
 * photos or none, and the next `runRemoval` carries on.
 */

/** What a removal will take away, as the person confirms it. */
export interface RemovalPlan {
  /** Photos to remove: copies first, so an original never goes while its removed copy stays. */
  ids: number[];
  /** Of them, copies of another photo. */
  duplicates: number;
  /** Copies outside the removal that take over a removed original's vector. */
  promoted: number;
  /** Preference pairs that name a removed photo (pairs of a promoted original are kept). */
  pairs: number;
  /** Skip reports under the removed folders. */
  skipped: number;
  /** Folders removed whole. */
  folders: string[];
}

export interface RemovalProgress {
  removed: number;
  total: number;
}

/** Photos a chunk removes in one transaction. */
export const REMOVAL_CHUNK = 1000;

const STORES = [
  'photos',
  'thumbnails',
  'blocks',
  'scores',
  'photoMeta',
  'preferences',
  'skipped',
  'folders',
  'jobs',
  'meta',
] as const;

/** What removing these folders (whole) would take away. */
export async function planFolderRemoval(db: LumenDb, folders: string[]): Promise<RemovalPlan> {
  const ids: number[] = [];
  for (const folder of folders) ids.push(...(await idsInFolder(db, folder)));
  const plan = await planPhotoRemoval(db, ids);
  let skipped = 0;
  for (const folder of folders) {
    if (folder === LOOSE_PHOTOS) continue;
    skipped += await db.count('skipped', folderRange(folder));
  }
  return { ...plan, skipped, folders: [...folders] };
}

/** What removing these photos would take away. */
export async function planPhotoRemoval(db: LumenDb, ids: Iterable<number>): Promise<RemovalPlan> {
  const removing = new Set(ids);
  const tx = db.transaction(['photos', 'preferences']);
  // Every copy in the library, by its original: one pass over the duplicateOf index's keys.
  const copiesOf = new Map<number, number[]>();
  let cursor = await tx.objectStore('photos').index('duplicateOf').openKeyCursor();
  while (cursor) {
    const list = copiesOf.get(cursor.key) ?? [];
    list.push(cursor.primaryKey);
    copiesOf.set(cursor.key, list);
    cursor = await cursor.continue();
  }
  const copies = new Set([...copiesOf.values()].flat());
  let promoted = 0;
  const gone = new Set<number>();
  for (const id of removing) {
    if (copiesOf.get(id)?.some((c) => !removing.has(c))) promoted++;
    else gone.add(id);
  }
  const pairs = (await tx.objectStore('preferences').getAll()).filter(
    (p) => gone.has(p.winner) || gone.has(p.loser),
  ).length;
  await tx.done;
  const order = [...removing].sort(
    (a, b) => Number(copies.has(b)) - Number(copies.has(a)) || a - b,
  );
  const duplicates = order.filter((id) => copies.has(id)).length;
  return { ids: order, duplicates, promoted, pairs, skipped: 0, folders: [] };
}

/** Stores the removal as a job; `runRemoval` carries it out. One removal at a time. */
export async function startRemoval(db: LumenDb, plan: RemovalPlan): Promise<RemovalJobRecord> {
  const job: RemovalJobRecord = {
    id: 'removal',
    ids: plan.ids,
    total: plan.ids.length,
    folders: plan.folders,
    startedAt: Date.now(),
  };
  const tx = db.transaction('jobs', 'readwrite');
  if (await tx.store.get('removal')) throw new Error('Another removal is still running.');
  await tx.store.put(job);
  await tx.done;
  return job;
}

/** The removal a closed tab left unfinished, if any. */
export async function pendingRemoval(db: LumenDb): Promise<RemovalJobRecord | undefined> {
  const job = await db.get('jobs', 'removal');
  return job?.id === 'removal' ? job : undefined;
}

export interface RunRemovalOptions {
  chunk?: number;
  signal?: AbortSignal;
  onProgress?: (p: RemovalProgress) => void;
}

export type RemovalTx = ReturnType<typeof removalTx>;
const removalTx = (db: LumenDb) => db.transaction([...STORES], 'readwrite');

/**
 * Carries out the stored removal job to its end (or until `signal` aborts, between chunks).
 * Returns the progress when it stopped; a library with no job returns at once.
 */
export async function runRemoval(
  db: LumenDb,
  options: RunRemovalOptions = {},
): Promise<RemovalProgress> {
  const { chunk = REMOVAL_CHUNK, signal, onProgress } = options;
  for (;;) {
    signal?.throwIfAborted();
    const progress = await removeChunk(db, chunk);
    if (!progress) return { removed: 0, total: 0 };
    onProgress?.(progress);
    if (progress.removed >= progress.total) return progress;
  }
}

/** Moves the rows of `rename`'s keys to their values and cuts the rows of `drop`. */
function rewriteBlock(
  block: EmbeddingBlock,
  drop: ReadonlySet<number>,
  rename: ReadonlyMap<number, number>,
): EmbeddingBlock | null {
  let out = block;
  for (const id of block.ids) if (drop.has(id)) out = withoutRow(out, id);
  if (out.ids.length === 0) return null;
  if (out.ids.some((id) => rename.has(id)))
    out = { ...out, ids: out.ids.map((id) => rename.get(id) ?? id) };
  return out;
}

async function removeChunk(db: LumenDb, chunk: number): Promise<RemovalProgress | null> {
  const tx = removalTx(db);
  const job = await tx.objectStore('jobs').get('removal');
  if (job?.id !== 'removal') {
    await tx.done;
    return null;
  }
  const pending = new Set(job.ids);
  const now = job.ids.slice(0, chunk);
  const photos = tx.objectStore('photos');
  const thumbnails = tx.objectStore('thumbnails');
  const drop = new Set<number>();
  const rename = new Map<number, number>();
  // Vector block → whether a row in it is cut or moved.
  const touched = new Set<number>();
  for (const id of now) {
    const photo = await photos.get(id);
    if (!photo) continue; // Already gone (another tab, or an earlier try of this chunk).
    const heir = photo.duplicateOf === undefined ? await promote(tx, photo, pending) : undefined;
    if (heir !== undefined) rename.set(id, heir);
    else drop.add(id);
    for (const block of Object.values(photo.vectors)) touched.add(block);
    await photos.delete(id);
    if (heir === undefined) await thumbnails.delete(id);
  }
  const blocks = tx.objectStore('blocks');
  for (const key of touched) {
    const block = await blocks.get(key);
    if (!block) continue;
    const rewritten = rewriteBlock(block, drop, rename);
    if (rewritten === null) await blocks.delete(key);
    else if (rewritten !== block) await blocks.put(rewritten);
  }
  await removeScoreRows(tx, drop, rename);
  await removeMetadata(tx, drop, rename);
  await removePairs(tx, drop, rename);

  const rest = job.ids.slice(now.length);
  if (rest.length) {
    await tx.objectStore('jobs').put({ ...job, ids: rest });
  } else {
    await tx.objectStore('jobs').delete('removal');
    for (const folder of job.folders) {
      if (folder === LOOSE_PHOTOS) continue;
      await tx.objectStore('skipped').delete(folderRange(folder));
      await tx.objectStore('folders').delete(folder);
    }
  }
  const meta = tx.objectStore('meta');
  const version = await meta.get('libraryVersion');
  await meta.put((typeof version === 'number' ? version : 0) + 1, 'libraryVersion');
  await tx.done;
  return { removed: job.total - rest.length, total: job.total };
}

/**
 * Hands an original's place to a copy that stays, if one does: the copy with the lowest id
 * takes its vectors and thumbnail, and the other staying copies point at it. Returns its id.
 */
async function promote(
  tx: RemovalTx,
  original: PhotoRecord,
  pending: ReadonlySet<number>,
): Promise<number | undefined> {
  const photos = tx.objectStore('photos');
  const copies = await photos.index('duplicateOf').getAllKeys(original.id);
  const staying = copies.filter((id) => !pending.has(id)).sort((a, b) => a - b);
  const [heirId, ...others] = staying;
  if (heirId === undefined) return undefined;
  const heir = await photos.get(heirId);
  if (!heir) return undefined;
  const promoted: PhotoRecord = { ...heir, vectors: { ...original.vectors } };
  delete promoted.duplicateOf;
  await photos.put(promoted);
  for (const id of others) {
    const copy = await photos.get(id);
    if (copy) await photos.put({ ...copy, duplicateOf: heirId });
  }
  const thumbnails = tx.objectStore('thumbnails');
  const thumbnail = await thumbnails.get(original.id);
  if (thumbnail && !(await thumbnails.get(heirId))) await thumbnails.put(thumbnail, heirId);
  await thumbnails.delete(original.id);
  return heirId;
}

/** Deletes pairs naming a dropped photo; a promoted original's pairs name its heir instead. */
async function removePairs(
  tx: RemovalTx,
  drop: ReadonlySet<number>,
  rename: ReadonlyMap<number, number>,
): Promise<void> {
  if (drop.size === 0 && rename.size === 0) return;
  let cursor = await tx.objectStore('preferences').openCursor();
  while (cursor) {
    const p = cursor.value;
    if (drop.has(p.winner) || drop.has(p.loser)) {
      await cursor.delete();
    } else if (rename.has(p.winner) || rename.has(p.loser)) {
      const winner = rename.get(p.winner) ?? p.winner;
      const loser = rename.get(p.loser) ?? p.loser;
      if (winner === loser) await cursor.delete();
      else await cursor.update({ ...p, winner, loser });
    }
    cursor = await cursor.continue();
  }
}

/**
 * Takes removed photos' capture metadata out; a copy taking an original's place gets the
 * original's row when it has none of its own (copies are not always read).
 */
async function removeMetadata(
  tx: RemovalTx,
  drop: ReadonlySet<number>,
  rename: ReadonlyMap<number, number>,
): Promise<void> {
  if (rename.size) {
    const heirs = new Set(rename.values());
    const found = new Map<number, MetadataRow>();
    const hasOwn = new Set<number>();
    // Blocks in key order: a later block's row replaces an earlier one, as readers take it.
    for (const block of await tx.objectStore('photoMeta').getAll()) {
      block.ids.forEach((id, i) => {
        if (heirs.has(id)) hasOwn.add(id);
        const heir = rename.get(id);
        if (heir !== undefined) found.set(heir, { id: heir, metadata: unpackRow(block, i) });
      });
    }
    await writeMetadata(
      tx,
      [...found.values()].filter((row) => !hasOwn.has(row.id)),
    );
  }
  await removeMetadataRows(tx, [...drop, ...rename.keys()]);
}
