import { modelKey, type Profile } from '../../src/core/manifest';
import type { LumenDb } from '../../src/core/store/db';
import { loadMatrix } from '../../src/core/store/embedding-store';
import { readLibraryMetadata } from '../../src/core/store/metadata-store';
import {
  isCurrent,
  latestScores,
  readScores,
  rowModel,
  rowStats,
} from '../../src/core/store/score-store';
import { appealScores } from '../aesthetics/pixel-stats';
import { scorerKey } from '../aesthetics/scorer';
import type { ExportSink } from './archive';
import { encodeMetadata, type MetadataRow } from './metadata';
import { npyData, npyHeader } from './npy';
import {
  THUMBNAILS_DIR,
  embeddingsPath,
  metadataPath,
  type ExportOptions,
  type LibraryIoProgress,
} from './protocol';

export interface ExportDeps {
  db: LumenDb;
  profile: Profile;
  sink: ExportSink;
  options: ExportOptions;
  cancelled: () => boolean;
  onProgress: (p: LibraryIoProgress) => void;
}

export interface ExportOutcome {
  state: 'done' | 'cancelled';
  photos: number;
  thumbnails: number;
}

export class ExportError extends Error {
  override name = 'ExportError';
}

/** Thumbnails are read this many at a time, in one transaction each. */
const THUMB_CHUNK = 256;

const EXTENSIONS: Record<string, string> = {
  'image/webp': 'webp',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/avif': 'avif',
};

export function thumbnailExtension(type: string): string {
  return EXTENSIONS[type] ?? 'img';
}

/**
 * Writes the profile's photos (those with a vector of its model; duplicates have none) in
 * clip-retrieval's layout, rows ordered by photo id: vectors, metadata, then thumbnails.
 */
export async function exportLibrary(deps: ExportDeps): Promise<ExportOutcome> {
  const { db, profile, sink, options, cancelled, onProgress } = deps;
  const model = modelKey(profile.clip);
  const dim = profile.clip.embeddingSize;
  onProgress({ phase: 'reading', done: 0, total: 1 });
  const matrix = await loadMatrix(db, model, dim);
  const photos = new Map((await db.getAll('photos')).map((p) => [p.id, p]));
  // A photo's row in the matrix; were a photo listed twice, the later block is the newer.
  const rowOf = new Map<number, number>();
  matrix.ids.forEach((id, row) => {
    if (photos.get(id)?.vectors[model] !== undefined) rowOf.set(id, row);
  });
  const ids = [...rowOf.keys()].sort((a, b) => a - b);
  const n = ids.length;
  if (n === 0) {
    throw new ExportError(
      `Nothing to export: no photo has a vector from ${model} yet. Add photos first.`,
    );
  }
  if (cancelled()) return { state: 'cancelled', photos: 0, thumbnails: 0 };

  onProgress({ phase: 'vectors', done: 0, total: n });
  const vectors = new Float32Array(n * dim);
  ids.forEach((id, i) => {
    const row = rowOf.get(id)!;
    vectors.set(matrix.vectors.subarray(row * dim, (row + 1) * dim), i * dim);
  });
  const descr = options.dtype === 'float16' ? '<f2' : '<f4';
  await sink.write(embeddingsPath(0), [npyHeader(descr, n, dim), npyData(vectors, descr)]);
  onProgress({ phase: 'vectors', done: n, total: n });
  if (cancelled()) return { state: 'cancelled', photos: 0, thumbnails: 0 };

  onProgress({ phase: 'metadata', done: 0, total: n });
  const key = scorerKey(profile);
  // Scores of a photo's current file only (a changed file's are redone by the scorer).
  const scores = latestScores((await readScores(db)).blocks, (id, ref) =>
    isCurrent(ref, photos.get(id)),
  );
  const capture = await readLibraryMetadata(db);
  const rows = ids.map((id): MetadataRow => {
    const p = photos.get(id)!;
    const s = scores.get(id);
    const mine = s?.models.get(key);
    const models = mine ? rowModel(mine) : null;
    const stats = s?.pixel ? rowStats(s.pixel) : null;
    return {
      path: p.path,
      size: p.size,
      width: p.width,
      height: p.height,
      sha256: p.hash,
      mime: p.mime,
      lastModified: p.lastModified,
      model,
      scorer: models ? key : null,
      models,
      pixel:
        s?.pixel && stats
          ? { version: s.pixel.block.pixelVersion, stats, appeal: appealScores(stats) }
          : null,
      capture: capture.get(id) ?? null,
    };
  });
  const info = {
    format: 'lumen-export',
    version: 1,
    model,
    dim,
    dtype: options.dtype,
    rows: n,
    exportedAt: new Date().toISOString(),
  };
  const location = options.includeLocation ?? true;
  await sink.write(metadataPath(0), [encodeMetadata(rows, info, location)]);
  onProgress({ phase: 'metadata', done: n, total: n });

  let thumbnails = 0;
  if (options.thumbnails) {
    onProgress({ phase: 'thumbnails', done: 0, total: n });
    for (let at = 0; at < n; at += THUMB_CHUNK) {
      if (cancelled()) return { state: 'cancelled', photos: n, thumbnails };
      const chunk = ids.slice(at, at + THUMB_CHUNK);
      const blobs = await thumbnailsOf(db, chunk);
      for (let i = 0; i < chunk.length; i++) {
        const blob = blobs.get(chunk[i]!);
        if (!blob) continue;
        const bytes = new Uint8Array(await blob.arrayBuffer());
        const name = `${THUMBNAILS_DIR}/${at + i}.${thumbnailExtension(blob.type)}`;
        await sink.write(name, [bytes]);
        thumbnails++;
      }
      onProgress({ phase: 'thumbnails', done: Math.min(n, at + THUMB_CHUNK), total: n });
    }
  }
  return { state: 'done', photos: n, thumbnails };
}

/** The stored thumbnails of sorted ids, read as one key range. */
async function thumbnailsOf(db: LumenDb, ids: number[]): Promise<Map<number, Blob>> {
  const range = IDBKeyRange.bound(ids[0]!, ids[ids.length - 1]!);
  const tx = db.transaction('thumbnails');
  const [keys, values] = await Promise.all([
    tx.store.getAllKeys(range),
    tx.store.getAll(range),
    tx.done,
  ]);
  const wanted = new Set(ids);
  const out = new Map<number, Blob>();
  keys.forEach((k, i) => {
    if (wanted.has(k)) out.set(k, values[i]!);
  });
  return out;
}
