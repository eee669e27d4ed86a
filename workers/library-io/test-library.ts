import { zipSync } from 'fflate';
import { getProfile, modelKey } from '../../src/core/manifest';
import type { PhotoMetadata } from '../../src/core/photo-metadata';
import type { LumenDb, ScoreRecord } from '../../src/core/store/db';
import { writeMetadata } from '../../src/core/store/metadata-store';
import {
  latestScores,
  legacyEntries,
  readScores,
  rowModel,
  rowStats,
  writeScores,
} from '../../src/core/store/score-store';
import { appealScores } from '../aesthetics/pixel-stats';
import { commitBatch } from '../../src/core/store/photo-store';
import { scorerKey } from '../aesthetics/scorer';
import { encodeMetadata, type MetadataRow } from './metadata';
import { encodeNpy } from './npy';
import { embeddingsPath, metadataPath } from './protocol';

/** A small library for the library-io specs: what an export must carry, and what it must not. */
export const profile = getProfile('tiny-world');
export const DIM = profile.clip.embeddingSize;
export const MODEL = modelKey(profile.clip);
export const KEY = scorerKey(profile);

export function unitVector(seed: number, dim = DIM): Float32Array {
  const v = Float32Array.from({ length: dim }, (_, i) => Math.sin(seed * 7.1 + i * 1.3) + 0.1);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

export const thumbnailOf = (i: number) =>
  new Blob([Uint8Array.from({ length: 20 + i }, (_, k) => (k * 31 + i) % 256)], {
    type: 'image/webp',
  });

const pixel = (i: number): NonNullable<ScoreRecord['pixel']> => ({
  version: 1,
  stats: {
    sharpness: 100 + i,
    meanLuminance: 0.4 + i / 100,
    shadowClip: 0.01,
    highlightClip: 0.02,
    contrast: 0.2,
    colourfulness: 30 + i,
    megapixels: 12,
    noise: 1.5,
  },
  appeal: {
    sharpness: 0.5,
    exposure: 0.6,
    contrast: 0.7,
    colourfulness: 0.3,
    resolution: 1,
    noise: 0.9,
    overall: 0.55 + i / 100,
  },
});

const modelScores = (i: number) => ({
  laion: 4 + i / 4,
  clipIqa: Object.fromEntries(
    ['quality', 'sharpness', 'brightness', 'colourfulness', 'contrast', 'noise', 'beauty'].map(
      (name, k) => [name, (i + k) / 20],
    ),
  ),
});

/**
 * Six photos with vectors of the profile's model (ids 1–6), a duplicate of photo 2 (no
 * vector), and a photo with another model's vector only. Photos 1–3 have full scores of the
 * current scorers, 4 only pixel statistics, 5 scores of another head, 6 none.
 */
export async function buildLibrary(
  db: LumenDb,
  /** How the scores are stored: packed (as written now), or as an older library's records. */
  format: 'packed' | 'per-photo' = 'packed',
): Promise<number[]> {
  const fields = (i: number) => ({
    path: `Holiday/day ${i}/IMG_${i}.jpg`,
    name: `IMG_${i}.jpg`,
    size: 1_000_000 + i,
    lastModified: 1_700_000_000_000 + i,
    width: 4000 - i,
    height: 3000 + i,
    hash: `${i}`.padStart(64, 'a'),
    mime: 'image/jpeg',
  });
  const ids = await commitBatch(db, {
    model: MODEL,
    dim: DIM,
    touched: [],
    skipped: [],
    writes: [1, 2, 3, 4, 5, 6].map((i) => ({
      fields: fields(i),
      thumbnail: thumbnailOf(i),
      vector: unitVector(i),
    })),
  });
  await commitBatch(db, {
    model: MODEL,
    dim: DIM,
    touched: [],
    skipped: [],
    writes: [{ fields: { ...fields(7), hash: fields(2).hash, duplicateOf: ids[1]! } }],
  });
  await commitBatch(db, {
    model: 'other-model@1',
    dim: DIM,
    touched: [],
    skipped: [],
    writes: [{ fields: fields(8), thumbnail: thumbnailOf(8), vector: unitVector(8) }],
  });
  const scores: ScoreRecord[] = [
    ...[0, 1, 2].map((i) => ({ id: ids[i]!, models: { [KEY]: modelScores(i) }, pixel: pixel(i) })),
    { id: ids[3]!, models: {}, pixel: pixel(3) },
    { id: ids[4]!, models: { [`${MODEL}|other-head@1|iqa1`]: modelScores(4) } },
  ];
  if (format === 'per-photo') {
    for (const s of scores) await db.put('scores', s);
  } else {
    const tx = db.transaction(['scores', 'meta', 'blocks'], 'readwrite');
    await writeScores(tx, scores.flatMap(legacyEntries));
    await tx.done;
  }
  return ids;
}

/**
 * Each photo's stored scores as per-photo records, read through the score codec whichever format
 * they are stored in (appeal derived from the statistics, as every reader does).
 */
export async function storedScores(db: LumenDb): Promise<Map<number, ScoreRecord>> {
  const out = new Map<number, ScoreRecord>();
  for (const [id, s] of latestScores((await readScores(db)).blocks)) {
    const models = Object.fromEntries([...s.models].map(([key, ref]) => [key, rowModel(ref)!]));
    const stats = s.pixel && rowStats(s.pixel);
    out.set(id, {
      id,
      models,
      ...(s.pixel && stats
        ? { pixel: { version: s.pixel.block.pixelVersion, stats, appeal: appealScores(stats) } }
        : {}),
    });
  }
  return out;
}

/** Every store's keys and values (Blobs by size and type), to prove nothing changed. */
export async function snapshot(db: LumenDb): Promise<unknown> {
  const out: Record<string, unknown> = {};
  for (const name of db.objectStoreNames) {
    const tx = db.transaction(name);
    const [keys, values] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll()]);
    out[name] = keys.map((k, i) => {
      const v: unknown = values[i];
      return [k, v instanceof Blob ? `blob:${v.size}:${v.type}` : v];
    });
  }
  return out;
}

/** A hand-made export, for the cases an export from this app cannot produce. */
export function handMadeExport(
  rows: Partial<MetadataRow>[],
  vectors: Float32Array,
  dim = DIM,
  extra: Record<string, Uint8Array> = {},
): Blob {
  const full = rows.map((r, i): MetadataRow => ({
    path: `x/${i}.jpg`,
    size: 1,
    width: 1,
    height: 1,
    sha256: '',
    mime: 'image/jpeg',
    lastModified: 0,
    model: MODEL,
    scorer: null,
    models: null,
    pixel: null,
    ...r,
  }));
  const files: Record<string, Uint8Array> = {
    [embeddingsPath(0)]: encodeNpy(vectors, vectors.length / dim, dim, '<f4'),
    [metadataPath(0)]: encodeMetadata(full, {}),
    ...extra,
  };
  return new Blob([zipSync(files)]);
}

/** Capture metadata for the library's photos: a camera with GPS, a scan without, and none. */
export const CAPTURES: PhotoMetadata[] = [
  {
    takenAt: Date.UTC(2019, 6, 14, 18, 30, 5),
    offsetMin: 60,
    takenSource: 'exif-offset',
    lat: 38.75,
    lon: -9.125,
    place: 'Lisbon',
    region: 'Lisbon',
    country: 'PT',
    camera: 'Apple iPhone 13',
    lens: 'iPhone 13 back camera',
  },
  { takenAt: Date.UTC(2001, 0, 2, 3, 4, 5, 600), offsetMin: -300, takenSource: 'file' },
];

/** Gives the first photos of `ids` CAPTURES, in order; the rest have no metadata row. */
export async function addCaptures(db: LumenDb, ids: number[]): Promise<void> {
  await writeMetadata(
    db,
    CAPTURES.map((metadata, i) => ({ id: ids[i]!, metadata })),
  );
}
