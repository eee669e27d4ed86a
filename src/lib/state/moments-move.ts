import type { FolderRecord, LumenDb, PhotoRecord } from '../../core/store/db';
import { REJECTED_FOLDER } from '../files/collect-files';

/** The writing half of the File System Access API, which TypeScript's DOM types lack. */
interface WritableHandle {
  queryPermission?(d: { mode: 'readwrite' }): Promise<PermissionState>;
  requestPermission?(d: { mode: 'readwrite' }): Promise<PermissionState>;
}
interface MovableFile {
  move?(dir: FileSystemDirectoryHandle, name: string): Promise<void>;
}

/** Why a folder's rejected photos cannot be moved, in the person's words; null: they can. */
export async function whyNotWritable(
  folder: FolderRecord | undefined,
  mayAsk: boolean,
): Promise<string | null> {
  if (!folder?.handle) {
    return 'This browser gave Lumen the files only, not the folder (it has no File System Access, or the folder was dropped or picked as files), so Lumen cannot move anything in it.';
  }
  const h = folder.handle as FileSystemDirectoryHandle & WritableHandle;
  try {
    if ((await h.queryPermission?.({ mode: 'readwrite' })) === 'granted') return null;
    if (mayAsk && (await h.requestPermission?.({ mode: 'readwrite' })) === 'granted') return null;
  } catch {
    // Treated as refused below.
  }
  return `The browser did not allow Lumen to change “${folder.name}”.`;
}

async function dirAt(
  root: FileSystemDirectoryHandle,
  parts: readonly string[],
  create: boolean,
): Promise<FileSystemDirectoryHandle> {
  let dir = root;
  for (const part of parts) dir = await dir.getDirectoryHandle(part, { create });
  return dir;
}

/**
 * Moves one photo into `<folder>/Lumen rejected/<its path within the folder>` and returns the
 * record with the path and handle that follow it. The file is moved, never deleted: without
 * a native move it is copied, checked by size, and only then taken from where it was.
 */
export async function moveOne(
  root: FileSystemDirectoryHandle,
  photo: PhotoRecord,
): Promise<PhotoRecord> {
  const [folder, ...rest] = photo.path.split('/');
  const name = rest.pop();
  if (!folder || !name || rest[0] === REJECTED_FOLDER) return photo;
  const from = await dirAt(root, rest, false);
  const source = await from.getFileHandle(name);
  const to = await dirAt(root, [REJECTED_FOLDER, ...rest], true);
  const movable = source as FileSystemFileHandle & MovableFile;
  if (movable.move) {
    await movable.move(to, name);
  } else {
    const file = await source.getFile();
    const target = await to.getFileHandle(name, { create: true });
    const writable = await target.createWritable();
    await writable.write(file);
    await writable.close();
    if ((await target.getFile()).size !== file.size) {
      throw new Error(`The copy of ${photo.path} came out short; the original is left in place.`);
    }
    await from.removeEntry(name);
  }
  return {
    ...photo,
    path: [folder, REJECTED_FOLDER, ...rest, name].join('/'),
    handle: await to.getFileHandle(name),
  };
}

/**
 * Moves the rejected photos of the folders the browser lets Lumen write to, updating each
 * stored path and handle as it goes; says why for the rest. Call from a click (the
 * permission prompt needs one). `stored`: the folder records, read from the library when not given.
 */
export async function moveRejected(
  db: LumenDb,
  photoIds: readonly number[],
  stored?: readonly FolderRecord[],
): Promise<{ moved: number; notMoved: { folder: string; why: string }[] }> {
  const folders = new Map((stored ?? (await db.getAll('folders'))).map((f) => [f.name, f]));
  const verdicts = new Map<string, string | null>();
  const notMoved = new Map<string, string>();
  let moved = 0;
  for (const id of photoIds) {
    const photo = await db.get('photos', id);
    if (!photo) continue;
    const folderName = photo.path.split('/')[0] ?? '';
    const folder = folders.get(folderName);
    if (!verdicts.has(folderName)) verdicts.set(folderName, await whyNotWritable(folder, true));
    const why = verdicts.get(folderName);
    if (why || !folder?.handle) {
      notMoved.set(folderName, why ?? '');
      continue;
    }
    try {
      const after = await moveOne(folder.handle, photo);
      if (after !== photo) {
        await db.put('photos', after);
        moved++;
      }
    } catch (e) {
      notMoved.set(folderName, e instanceof Error ? e.message : String(e));
    }
  }
  return { moved, notMoved: [...notMoved].map(([folder, why]) => ({ folder, why })) };
}
