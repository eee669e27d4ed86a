import type { LumenDb } from './db';

/**
 * The folders a person added, as the library shows them. A folder is the first segment of its
 * photos' paths; the `folders` store (schema 7) adds when it was last added. Libraries from
 * before schema 7 have no folder records: their folders come from the paths alone, with no date
 * until they are added again. Everything here reads keys of the `path` index, never a photo
 * record, so listing a 100k library costs one step per folder.
 */

/** Photos added loose (not inside a folder) are listed together under this name. */
export const LOOSE_PHOTOS = '';

export interface FolderSummary {
  /** The folder's name; LOOSE_PHOTOS for photos added on their own. */
  name: string;
  photos: number;
  /** When it was last added in full; null when unknown (added before schema 7, or cut off). */
  addedAt: number | null;
}

/** The folder a stored path belongs to. */
export function folderOf(path: string): string {
  const slash = path.indexOf('/');
  return slash < 0 ? LOOSE_PHOTOS : path.slice(0, slash);
}

/**
 * Paths under a folder: from `name/` up to (not including) `name0`, '0' being the character
 * after '/', so `beach/…` is found without `beach-trip/…` or `beach0/…`.
 */
export function folderRange(name: string): IDBKeyRange {
  return IDBKeyRange.bound(`${name}/`, `${name}0`, false, true);
}

/** Every folder with its photo count, by name; folders with records but no photos included. */
export async function listFolders(db: LumenDb): Promise<FolderSummary[]> {
  const tx = db.transaction(['photos', 'folders']);
  const paths = tx.objectStore('photos').index('path');
  const counts = new Map<string, number>();
  let cursor = await paths.openKeyCursor();
  while (cursor) {
    const name = folderOf(cursor.key);
    if (name === LOOSE_PHOTOS) {
      counts.set(name, (counts.get(name) ?? 0) + 1);
      cursor = await cursor.continue();
    } else {
      counts.set(name, await paths.count(folderRange(name)));
      // Jump over the rest of this folder.
      cursor = await cursor.continue(`${name}0`);
    }
  }
  const records = await tx.objectStore('folders').getAll();
  await tx.done;
  const added = new Map(records.map((r) => [r.name, r.addedAt]));
  for (const r of records) if (!counts.has(r.name)) counts.set(r.name, 0);
  return [...counts]
    .map(([name, photos]) => ({ name, photos, addedAt: added.get(name) ?? null }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Ids of the photos stored under a folder, in one read (LOOSE_PHOTOS: those added alone). */
export async function idsInFolder(db: LumenDb, name: string): Promise<number[]> {
  if (name === LOOSE_PHOTOS) return [...(await photosInFolder(db, name)).values()];
  return db.getAllKeysFromIndex('photos', 'path', folderRange(name));
}

/** Stored photos under a folder: path → id (LOOSE_PHOTOS: the photos added on their own). */
export async function photosInFolder(db: LumenDb, name: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const index = db.transaction('photos').store.index('path');
  let cursor = await index.openKeyCursor(name === LOOSE_PHOTOS ? null : folderRange(name));
  while (cursor) {
    if (name !== LOOSE_PHOTOS || !cursor.key.includes('/')) out.set(cursor.key, cursor.primaryKey);
    cursor = await cursor.continue();
  }
  return out;
}

/** Records that these folders were added in full now (the handle lets Lumen read it again). */
export async function recordFolders(
  db: LumenDb,
  names: Iterable<string>,
  addedAt: number,
  handle?: { name: string; handle: FileSystemDirectoryHandle },
): Promise<void> {
  const tx = db.transaction('folders', 'readwrite');
  for (const name of new Set(names)) {
    if (name === LOOSE_PHOTOS) continue;
    await tx.store.put({
      name,
      addedAt,
      ...(handle?.name === name ? { handle: handle.handle } : {}),
    });
  }
  await tx.done;
}

/**
 * Photos stored under the folders of `paths` (the files just collected from them) whose files
 * are no longer there: path → id. Loose photos are never reported, since a drop of a few files
 * says nothing about the others.
 */
export async function goneFromFolders(
  db: LumenDb,
  paths: readonly string[],
): Promise<Map<string, number>> {
  const present = new Set(paths);
  const folders = new Set(paths.map(folderOf));
  folders.delete(LOOSE_PHOTOS);
  const gone = new Map<string, number>();
  for (const folder of folders) {
    for (const [path, id] of await photosInFolder(db, folder)) {
      if (!present.has(path)) gone.set(path, id);
    }
  }
  return gone;
}
