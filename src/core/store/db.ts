import type { AppealScores, PixelStats } from './pixel-scores';
import {
  openDB,
  type DBSchema,
  type IDBPDatabase,
  type IDBPTransaction,
  type StoreNames,
} from 'idb';

export type SkipReason =
  | 'not-an-image'
  | 'empty'
  | 'truncated'
  | 'corrupt'
  | 'unsupported-format'
  | 'too-large'
  | 'svg-not-indexed'
  | 'unreadable';

export interface PhotoRecord {
  id: number;
  /** Path relative to the folder the person added, including that folder's name. */
  path: string;
  name: string;
  size: number;
  lastModified: number;
  width: number;
  height: number;
  /** Hex SHA-256 of the file's bytes: recognises the same photo under another name. */
  hash: string;
  mime: string;
  addedAt: number;
  /** Set when this file's bytes equal an earlier photo's; such a photo has no vector of its own. */
  duplicateOf?: number;
  /** Lets the page re-open the original where the browser allows (File System Access API). */
  handle?: FileSystemFileHandle;
  /** For each model key, the id of the embedding block holding this photo's vector. */
  vectors: Record<string, number>;
}

export interface EmbeddingBlock {
  id?: number;
  /** Model key (`id@revision`) of the model that produced every vector in the block. */
  model: string;
  dim: number;
  ids: Uint32Array;
  /** ids.length × dim floats, row-major, each row L2-normalised. */
  vectors: Float32Array;
}

export interface SkippedRecord {
  path: string;
  name: string;
  reason: SkipReason;
  message: string;
  size: number;
  at: number;
}

export interface JobRecord {
  id: 'current';
  rootName: string;
  /** Present when the folder came through the File System Access API and can be re-opened. */
  handle?: FileSystemDirectoryHandle;
  total: number;
  startedAt: number;
}

/** Scores that depend on a model: the CLIP model, the aesthetic head and the prompt set. */
export interface ModelScores {
  /** The LAION-style head's output (about 1–10 for the real head). */
  laion: number;
  /** Probability of the positive prompt for each CLIP-IQA pair, by pair name. */
  clipIqa: Record<string, number>;
}

export interface ScoreRecord {
  /** The photo's id. */
  id: number;
  /** From the stored thumbnail; independent of any model. */
  pixel?: { version: number; stats: PixelStats; appeal: AppealScores };
  /** Keyed by scorer key (model, head and prompt versions): never mixed across models. */
  models: Record<string, ModelScores>;
}

export interface RephrasingRecord {
  /** `model|style|query`: a rephrasing is only reused for the same model, style and words. */
  key: string;
  text: string;
  at: number;
}

export interface LumenSchema extends DBSchema {
  photos: {
    key: number;
    value: PhotoRecord;
    indexes: { path: string; hash: string };
  };
  thumbnails: { key: number; value: Blob };
  blocks: {
    key: number;
    value: EmbeddingBlock;
    indexes: { model: string };
  };
  skipped: { key: string; value: SkippedRecord };
  jobs: { key: string; value: JobRecord };
  scores: { key: number; value: ScoreRecord };
  rephrasings: { key: string; value: RephrasingRecord };
  meta: { key: string; value: unknown };
}

export type LumenDb = IDBPDatabase<LumenSchema>;
type UpgradeTx = IDBPTransaction<LumenSchema, StoreNames<LumenSchema>[], 'versionchange'>;

/**
 * Each entry upgrades the schema from version i to i + 1. Entries are never edited
 * once released: a person's existing library must open under every later version.
 */
export const MIGRATIONS: ReadonlyArray<(db: LumenDb, tx: UpgradeTx) => void> = [
  (db) => {
    const photos = db.createObjectStore('photos', { keyPath: 'id', autoIncrement: true });
    photos.createIndex('path', 'path', { unique: true });
    photos.createIndex('hash', 'hash');
    db.createObjectStore('thumbnails');
    const blocks = db.createObjectStore('blocks', { keyPath: 'id', autoIncrement: true });
    blocks.createIndex('model', 'model');
    db.createObjectStore('skipped', { keyPath: 'path' });
    db.createObjectStore('jobs', { keyPath: 'id' });
    db.createObjectStore('meta');
  },
  // v2: aesthetic scores, one record per photo.
  (db) => {
    db.createObjectStore('scores', { keyPath: 'id' });
  },
  // v3: cached LLM rephrasings.
  (db) => {
    db.createObjectStore('rephrasings', { keyPath: 'key' });
  },
];

export const DB_VERSION = MIGRATIONS.length;
export const DB_NAME = 'lumen';

export function openLibraryDb(name = DB_NAME, version = DB_VERSION): Promise<LumenDb> {
  return openDB<LumenSchema>(name, version, {
    upgrade(db, oldVersion, newVersion, tx) {
      for (let v = oldVersion; v < (newVersion ?? version); v++) MIGRATIONS[v]?.(db, tx);
    },
    blocking() {
      // Another tab needs a newer schema: step aside rather than block its upgrade.
    },
  });
}

/** Bumped by every committed change; readers compare it to know when cached vectors are stale. */
export async function getLibraryVersion(db: LumenDb): Promise<number> {
  const v = await db.get('meta', 'libraryVersion');
  return typeof v === 'number' ? v : 0;
}

/** Bumped whenever aesthetic scores are written. */
export async function getScoresVersion(db: LumenDb): Promise<number> {
  const v = await db.get('meta', 'scoresVersion');
  return typeof v === 'number' ? v : 0;
}
