import type { FileSource } from '../../../workers/embedding/protocol';

const SYSTEM_NAMES = new Set([
  'thumbs.db',
  'desktop.ini',
  '__macosx',
  '@eadir',
  '$recycle.bin',
  'system volume information',
  '.ds_store',
]);

/** Where the culling view moves rejected photos; left out when the folder is added again. */
export const REJECTED_FOLDER = 'Lumen rejected';

/** Hidden files and folders and the litter operating systems leave behind are not photos. */
export function isHiddenOrSystem(name: string): boolean {
  return name.startsWith('.') || SYSTEM_NAMES.has(name.toLowerCase()) || name === REJECTED_FOLDER;
}

export function isHiddenPath(path: string): boolean {
  return path.split('/').some((part) => part !== '' && isHiddenOrSystem(part));
}

/** Files from `<input type=file>` (with or without webkitdirectory). */
export function sourcesFromFileList(files: Iterable<File>): FileSource[] {
  const out: FileSource[] = [];
  for (const file of files) {
    const path = file.webkitRelativePath || file.name;
    if (!isHiddenPath(path)) out.push({ file, path });
  }
  return out;
}

export function rootNameOf(sources: FileSource[]): string {
  const first = sources[0]?.path ?? '';
  return first.includes('/') ? first.slice(0, first.indexOf('/')) : 'Selected photos';
}

/** Walks a folder opened through the File System Access API, keeping handles for later re-opening. */
export async function sourcesFromDirectoryHandle(
  dir: FileSystemDirectoryHandle,
  prefix = dir.name,
  out: FileSource[] = [],
): Promise<FileSource[]> {
  for await (const entry of dir.values()) {
    if (isHiddenOrSystem(entry.name)) continue;
    const path = `${prefix}/${entry.name}`;
    if (entry.kind === 'directory') {
      await sourcesFromDirectoryHandle(entry, path, out);
    } else {
      try {
        out.push({ file: await entry.getFile(), path, handle: entry });
      } catch {
        // A file that vanished or cannot be opened mid-walk is simply not offered.
      }
    }
  }
  return out;
}

function readAllEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = [];
    // readEntries returns at most ~100 entries per call; keep reading until empty.
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(all);
        else {
          all.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

async function walkEntry(entry: FileSystemEntry, out: FileSource[]): Promise<void> {
  if (isHiddenOrSystem(entry.name)) return;
  const path = entry.fullPath.replace(/^\//, '');
  if (entry.isDirectory) {
    const entries = await readAllEntries((entry as FileSystemDirectoryEntry).createReader());
    for (const child of entries) await walkEntry(child, out);
  } else if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) =>
      (entry as FileSystemFileEntry).file(resolve, reject),
    ).catch(() => undefined);
    if (file) out.push({ file, path });
  }
}

/**
 * Files and folders dropped on the page. Entries must be taken synchronously in the
 * drop handler (the DataTransfer empties afterwards), so call this from it directly.
 */
export function sourcesFromDrop(dt: DataTransfer): Promise<FileSource[]> {
  const entries = Array.from(dt.items)
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry())
    .filter((e): e is FileSystemEntry => e !== null);
  if (entries.length === 0) return Promise.resolve(sourcesFromFileList(Array.from(dt.files)));
  return (async () => {
    const out: FileSource[] = [];
    for (const e of entries) await walkEntry(e, out);
    return out;
  })();
}
