import type { LumenDb } from '../../src/core/store/db';
import {
  photosWithMetadata,
  writeMetadata,
  type MetadataRow,
} from '../../src/core/store/metadata-store';
import { loadLibraryIndex } from '../../src/core/store/photo-store';
import { placeNamer, type PlaceLookup } from './place-names';
import type { FileSource, MetadataFillProgress, MetadataFillResult } from './protocol';
import { readMetadata } from './read-metadata';

export interface MetadataFillDeps {
  db: LumenDb;
  hash: (bytes: ArrayBuffer) => Promise<string>;
  places?: () => Promise<PlaceLookup>;
  /** Rows stored per metadata block. */
  batchSize?: number;
}

/**
 * Reads the capture metadata of files the library already holds (same path, same bytes) and
 * whose metadata it lacks, e.g. photos of a library indexed before schema 7 once their folder's
 * permission is given again. Nothing is decoded or embedded; each batch is stored as it is read,
 * so stopping half-way keeps what was filled.
 */
export async function fillMetadata(
  deps: MetadataFillDeps,
  sources: readonly FileSource[],
  onProgress: (p: MetadataFillProgress) => void,
  cancelled: () => boolean = () => false,
): Promise<MetadataFillResult> {
  const { db, hash, batchSize = 256 } = deps;
  const [index, withMetadata] = await Promise.all([loadLibraryIndex(db), photosWithMetadata(db)]);
  const placeNames = placeNamer(deps.places);
  const result: MetadataFillResult = {
    filled: 0,
    already: 0,
    changed: 0,
    unknown: 0,
    unreadable: 0,
  };
  let rows: MetadataRow[] = [];
  const flush = async () => {
    await placeNames(rows);
    await writeMetadata(db, rows);
    result.filled += rows.length;
    rows = [];
  };
  for (let i = 0; i < sources.length && !cancelled(); i++) {
    const { file, path } = sources[i]!;
    const known = index.byPath.get(path);
    if (!known) result.unknown++;
    else if (withMetadata.has(known.id)) result.already++;
    else if (file.size !== known.size) result.changed++;
    else {
      try {
        const bytes = await file.arrayBuffer();
        // Same size and time: the same file, as indexing judges it; else the bytes decide.
        if (file.lastModified !== known.lastModified && (await hash(bytes)) !== known.hash) {
          result.changed++;
        } else {
          rows.push({ id: known.id, metadata: await readMetadata(bytes, file.lastModified) });
          withMetadata.add(known.id);
        }
      } catch {
        result.unreadable++;
      }
    }
    if (rows.length >= batchSize) await flush();
    onProgress({ done: i + 1, total: sources.length, filled: result.filled + rows.length });
  }
  await flush();
  return result;
}
