import type { IDBPTransaction, StoreNames } from 'idb';
import { TAKEN_SOURCES, type PhotoMetadata } from '../photo-metadata';
import { NO_OFFSET, type LumenDb, type LumenSchema, type MetaBlock } from './db';

/**
 * The only codec of `photoMeta` (schema 7): capture metadata packed per committed batch, so
 * that the search worker reads a library's times, places and cameras as a few typed arrays and
 * never a photo record. A photo's row in the block with the highest id wins.
 */

export interface MetadataRow {
  id: number;
  metadata: PhotoMetadata;
}

type AnyTx = IDBPTransaction<LumenSchema, ArrayLike<StoreNames<LumenSchema>>, 'readwrite'>;

const VERSION_KEY = 'metadataVersion';
const STRING_COLUMNS = ['place', 'region', 'country', 'camera', 'lens'] as const;

/** Sources by name → stored byte. */
const SOURCE_CODE = new Map<string, number>(TAKEN_SOURCES.map((s, i) => [s, i]));

/** Packs rows into one block (its id left for the store to give). */
export function packMetadata(rows: readonly MetadataRow[]): MetaBlock {
  const n = rows.length;
  const strings = [''];
  const codes = new Map<string, number>([['', 0]]);
  const code = (s: string | undefined) => {
    if (!s) return 0;
    let c = codes.get(s);
    if (c === undefined) {
      c = strings.length;
      // A block holds one batch: far fewer distinct strings than a Uint16 can count.
      if (c > 0xffff) return 0;
      strings.push(s);
      codes.set(s, c);
    }
    return c;
  };
  const block: MetaBlock = {
    ids: new Uint32Array(n),
    takenAt: new Float64Array(n),
    offsetMin: new Int16Array(n),
    takenSource: new Uint8Array(n),
    lat: new Float32Array(n),
    lon: new Float32Array(n),
    place: new Uint16Array(n),
    region: new Uint16Array(n),
    country: new Uint16Array(n),
    camera: new Uint16Array(n),
    lens: new Uint16Array(n),
    strings,
  };
  rows.forEach(({ id, metadata: m }, i) => {
    block.ids[i] = id;
    block.takenAt[i] = m.takenAt ?? NaN;
    block.offsetMin[i] = m.offsetMin ?? NO_OFFSET;
    block.takenSource[i] =
      m.takenAt === undefined ? 0 : (SOURCE_CODE.get(m.takenSource ?? '') ?? 0);
    const located = m.lat !== undefined && m.lon !== undefined;
    block.lat[i] = located ? m.lat! : NaN;
    block.lon[i] = located ? m.lon! : NaN;
    for (const c of STRING_COLUMNS) block[c][i] = code(m[c]);
  });
  return block;
}

/** Row `i` of a block, as the neutral type (fields it does not have left out). */
export function unpackRow(block: MetaBlock, i: number): PhotoMetadata {
  const m: PhotoMetadata = {};
  const takenAt = block.takenAt[i]!;
  if (!Number.isNaN(takenAt)) {
    m.takenAt = takenAt;
    const source = TAKEN_SOURCES[block.takenSource[i]!];
    if (source && source !== 'none') m.takenSource = source;
  }
  if (block.offsetMin[i] !== NO_OFFSET) m.offsetMin = block.offsetMin[i]!;
  if (!Number.isNaN(block.lat[i]) && !Number.isNaN(block.lon[i])) {
    m.lat = block.lat[i]!;
    m.lon = block.lon[i]!;
  }
  for (const c of STRING_COLUMNS) {
    const s = block.strings[block[c][i]!];
    if (s) m[c] = s;
  }
  return m;
}

/** The caller's transaction, or a new one over `photoMeta` and `meta`. */
function own(target: LumenDb | AnyTx): AnyTx {
  return 'createObjectStore' in target
    ? target.transaction(['photoMeta', 'meta'], 'readwrite')
    : target;
}

async function bumpVersion(tx: AnyTx): Promise<void> {
  const meta = tx.objectStore('meta');
  const version = await meta.get(VERSION_KEY);
  await meta.put((typeof version === 'number' ? version : 0) + 1, VERSION_KEY);
}

/**
 * Stores rows as one block inside the caller's transaction (which must include `photoMeta` and
 * `meta`), or in a transaction of its own, and bumps `metadataVersion`.
 */
export async function writeMetadata(target: LumenDb | AnyTx, rows: readonly MetadataRow[]) {
  if (rows.length === 0) return;
  const tx = own(target);
  await tx.objectStore('photoMeta').add(packMetadata(rows));
  await bumpVersion(tx);
  if (tx !== target) await tx.done;
}

/**
 * Rewrites the blocks holding any of `ids` without them (a block left empty is deleted), in the
 * caller's transaction (with `photoMeta` and `meta`) or one of its own. For removing photos.
 */
export async function removeMetadataRows(target: LumenDb | AnyTx, ids: Iterable<number>) {
  const gone = new Set(ids);
  if (gone.size === 0) return;
  const tx = own(target);
  const store = tx.objectStore('photoMeta');
  let changed = false;
  let cursor = await store.openCursor();
  while (cursor) {
    const block = cursor.value;
    const keep: number[] = [];
    block.ids.forEach((id, i) => gone.has(id) || keep.push(i));
    if (keep.length < block.ids.length) {
      changed = true;
      if (keep.length === 0) await cursor.delete();
      else {
        const rows = keep.map((i) => ({ id: block.ids[i]!, metadata: unpackRow(block, i) }));
        await cursor.update({ ...packMetadata(rows), id: cursor.primaryKey });
      }
    }
    cursor = await cursor.continue();
  }
  if (changed) await bumpVersion(tx);
  if (tx !== target) await tx.done;
}

/** Bumped whenever metadata is written or removed: readers compare it to know when to reload. */
export async function getMetadataVersion(db: LumenDb): Promise<number> {
  const v = await db.get('meta', VERSION_KEY);
  return typeof v === 'number' ? v : 0;
}

/** Every photo's metadata; a later block's row replaces an earlier one. */
export async function readLibraryMetadata(db: LumenDb): Promise<Map<number, PhotoMetadata>> {
  const out = new Map<number, PhotoMetadata>();
  for (const block of await db.getAll('photoMeta'))
    block.ids.forEach((id, i) => out.set(id, unpackRow(block, i)));
  return out;
}

/**
 * One photo's metadata (the lightbox's details), or undefined when it has none: blocks are read
 * newest first, one at a time, and the first that holds the photo answers.
 */
export async function readPhotoMetadata(
  db: LumenDb,
  id: number,
): Promise<PhotoMetadata | undefined> {
  let cursor = await db.transaction('photoMeta').store.openCursor(null, 'prev');
  while (cursor) {
    const block = cursor.value;
    const i = block.ids.indexOf(id);
    if (i >= 0) return unpackRow(block, i);
    cursor = await cursor.continue();
  }
  return undefined;
}

/** Ids of the photos that have a metadata row (without unpacking any). */
export async function photosWithMetadata(db: LumenDb): Promise<Set<number>> {
  const out = new Set<number>();
  for (const block of await db.getAll('photoMeta')) for (const id of block.ids) out.add(id);
  return out;
}

/**
 * The library's metadata as columns, one row per photo in ascending id order, strings as
 * indexes into one shared table (0: none). What the search worker filters on.
 */
export interface MetaColumns extends Omit<MetaBlock, 'id'> {
  /** `metadataVersion` as read with these columns. */
  version: number;
}

export async function readMetaColumns(db: LumenDb): Promise<MetaColumns> {
  const tx = db.transaction(['photoMeta', 'meta']);
  const [blocks, v] = await Promise.all([
    tx.objectStore('photoMeta').getAll(),
    tx.objectStore('meta').get(VERSION_KEY),
  ]);
  // The winning (block, row) of each photo: blocks come in id order, so later ones overwrite.
  const winner = new Map<number, [MetaBlock, number]>();
  for (const block of blocks) block.ids.forEach((id, i) => winner.set(id, [block, i]));
  const ids = Uint32Array.from(winner.keys()).sort();
  const n = ids.length;
  const out: MetaColumns = {
    ids,
    takenAt: new Float64Array(n),
    offsetMin: new Int16Array(n),
    takenSource: new Uint8Array(n),
    lat: new Float32Array(n),
    lon: new Float32Array(n),
    place: new Uint16Array(n),
    region: new Uint16Array(n),
    country: new Uint16Array(n),
    camera: new Uint16Array(n),
    lens: new Uint16Array(n),
    strings: [''],
    version: typeof v === 'number' ? v : 0,
  };
  const codes = new Map<string, number>([['', 0]]);
  const code = (s: string) => {
    let c = codes.get(s);
    if (c === undefined) {
      c = out.strings.length;
      if (c > 0xffff) return 0;
      out.strings.push(s);
      codes.set(s, c);
    }
    return c;
  };
  ids.forEach((id, r) => {
    const [b, i] = winner.get(id)!;
    out.takenAt[r] = b.takenAt[i]!;
    out.offsetMin[r] = b.offsetMin[i]!;
    out.takenSource[r] = b.takenSource[i]!;
    out.lat[r] = b.lat[i]!;
    out.lon[r] = b.lon[i]!;
    for (const c of STRING_COLUMNS) out[c][r] = code(b.strings[b[c][i]!] ?? '');
  });
  return out;
}
