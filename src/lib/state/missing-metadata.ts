import type { LumenDb } from '../../core/store/db';
import { folderOf } from '../../core/store/folder-store';
import { photosWithMetadata } from '../../core/store/metadata-store';
import { photoPages } from '../../core/store/photo-store';

/** Stored photos without capture metadata (indexed before schema 7, say). */
export interface MissingMetadata {
  /** Those whose file handle was kept: readable again once the person allows it. */
  readable: { path: string; handle: FileSystemFileHandle }[];
  /** Those without one: only adding their folder again reads them. */
  withoutHandle: number;
  /** Handles of the folders the readable ones are in, where one was kept: one question each. */
  folders: Map<string, FileSystemDirectoryHandle>;
}

export async function photosMissingMetadata(db: LumenDb): Promise<MissingMetadata> {
  const [done, folderRecords] = await Promise.all([photosWithMetadata(db), db.getAll('folders')]);
  const kept = new Map(folderRecords.flatMap((f) => (f.handle ? [[f.name, f.handle]] : [])));
  const missing: MissingMetadata = { readable: [], withoutHandle: 0, folders: new Map() };
  // The usual case, every photo indexed since schema 7: a count instead of reading every record.
  if (done.size >= (await db.count('photos'))) return missing;
  for await (const page of photoPages(db))
    for (const { id, path, handle } of page) {
      if (done.has(id)) continue;
      if (!handle) {
        missing.withoutHandle++;
        continue;
      }
      missing.readable.push({ path, handle });
      const folder = kept.get(folderOf(path));
      if (folder) missing.folders.set(folderOf(path), folder);
    }
  return missing;
}
