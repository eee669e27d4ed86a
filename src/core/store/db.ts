import type { JudgedComparison, Verdict } from '../eval/judging';
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
  /**
   * ids.length, as a plain number so that an index can hold it: a model's photo count is
   * the sum over its blocks' index keys, with no block read (schema 6). Set on compact
   * blocks only, by embedding-store.ts; a block without it (a float block, or one stored
   * before schema 6) is what compaction still has to visit.
   */
  rows?: number;
  /**
   * The float format of libraries indexed before compact vectors: ids.length × dim floats,
   * row-major, each row L2-normalised. Absent from compact blocks; a library being compacted
   * holds both kinds, and every reader accepts both (`embedding-store.ts`).
   */
  vectors?: Float32Array;
  /** Compact format: ids.length × dim int8 codes (src/core/int8-codec), row-major. */
  codes?: Int8Array;
  /** Compact format: one scale per row; row i ≈ scales[i] · codes of row i. */
  scales?: Float32Array;
  /** Compact format: the codes' 2-bit refinement, fineBytes(dim) bytes per row. */
  fine?: Uint8Array;
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

/**
 * A folder picked in a tab while another tab's job held the library (job-queue.ts). A File
 * cannot travel between tabs, so that tab keeps the files and indexes them in turn, then
 * deletes this. If the tab closes first, the next start turns this into the `current` record:
 * an interrupted job, resumed like any other.
 */
export interface QueuedJobRecord {
  id: `queued:${string}`;
  rootName: string;
  handle?: FileSystemDirectoryHandle;
  total: number;
  queuedAt: number;
}

/**
 * A removal in progress (removal.ts): the photos still to remove, so that a tab closed half-way
 * carries on where it stopped instead of leaving half a folder behind.
 */
export interface RemovalJobRecord {
  id: 'removal';
  /** Photos still to remove, in the order they are removed. */
  ids: number[];
  total: number;
  /** Folders being removed whole: their skip reports and folder records go last. */
  folders: string[];
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

/** Where a preference pair came from; person-made pairs weigh more than grid pairs. */
export type PairOrigin = 'auto' | 'liked' | 'chosen';

/** For `queryText`, photo `winner` should rank above photo `loser` under model `model`. */
export interface PreferenceRecord {
  id?: number;
  /** Model key (`id@revision`) whose photo ids and vectors the pair refers to. */
  model: string;
  queryText: string;
  winner: number;
  loser: number;
  weight: number;
  origin: PairOrigin;
  at: number;
  /**
   * The taste (TasteRecord.id) the pair belongs to (schema 8). Pairs stored before tastes
   * existed were moved to DEFAULT_TASTE by the upgrade.
   */
  taste: string;
}

/** The taste every pair stored before schema 8 belongs to, and the one a new library starts with. */
export const DEFAULT_TASTE = 'default';

/** A named taste: the picks that belong to it, and (when trained) its own adapter. */
export interface TasteRecord {
  id: string;
  name: string;
  createdAt: number;
  /** The adapter trained on this taste's pairs (AdapterRecord.id), replaced by each retrain. */
  adapterId?: number;
}

/**
 * A pair of photos already put to the person in "Which of these two?" for a taste, so the
 * active chooser never asks it twice (schema 8). `key` is `taste|model|query|lo|hi`.
 */
export interface AskedPairRecord {
  key: string;
  taste: string;
  at: number;
}

/** A person's culling decision for one photo of a moment or copy group (schema 8). */
export interface CullRecord {
  photoId: number;
  decision: 'keep' | 'reject';
  /** The group the photo was in when decided (group ids are stable per run; kept for export). */
  group: string;
  at: number;
}

/** A trained adapter, kept as its exported file so that export is a copy and import a decode. */
export interface AdapterRecord {
  id?: number;
  /** Model key of the base model; an adapter is never applied to another model's vectors. */
  baseModel: string;
  createdAt: number;
  /** The adapter file (workers/tuning's codec): weights, settings and training summary. */
  bytes: Uint8Array;
  /** Shown in lists without decoding the file. */
  label: string;
}

/** One recent search, newest kept; the source of a person's training queries. */
export interface QueryRecord {
  text: string;
  at: number;
}

/** One photo of a judged row, as it was shown: beauty is the combined percentile, if scored. */
export interface JudgedPhoto {
  id: number;
  beauty: number | null;
}

/** One query of a judging session, with both systems' rows captured when the session began. */
export interface JudgedQueryRows {
  query: string;
  rowA: JudgedPhoto[];
  rowB: JudgedPhoto[];
}

/**
 * A side-by-side judging session (issue 10). Rows are stored, not re-run, so that resuming after
 * a reload (or after the active adapter changed) shows exactly what was being judged.
 */
export interface JudgementRecord {
  id?: number;
  profileId: string;
  /** Model key whose photo ids the rows name. */
  model: string;
  systemA: string;
  systemB: string;
  topN: number;
  /** Seed of the side randomisation (aOnLeftFirst). */
  seed: number;
  queries: JudgedQueryRows[];
  /** The person's answers in the order asked: showing i, aspect j is at 3·i + j. */
  answers: Verdict[];
  /** The automatic judge's comparisons, when it was asked. */
  proxy?: JudgedComparison[];
  createdAt: number;
  updatedAt: number;
}

/**
 * Capture metadata of many photos, packed as scores are (schema 7), so that the search worker
 * filters by time, place and camera without reading a photo record. A photo's row in the
 * block with the highest id wins; `src/core/store/metadata-store.ts` is the only codec.
 */
export interface MetaBlock {
  id?: number;
  ids: Uint32Array;
  /**
   * When the photo was taken, as the wall-clock time where it was taken, in ms since
   * 1970-01-01 read as if that wall clock were UTC (so "2019" and "July" mean what the
   * person's camera showed). NaN: unknown. The UTC instant is takenAt − offsetMin·60 000.
   */
  takenAt: Float64Array;
  /** Minutes east of UTC of the wall clock; NO_OFFSET when unknown. */
  offsetMin: Int16Array;
  /** Where takenAt came from: TAKEN_SOURCES index (0: none). */
  takenSource: Uint8Array;
  /** WGS84 degrees; NaN when the photo has no (sane) GPS position. */
  lat: Float32Array;
  lon: Float32Array;
  /** Indexes into `strings` (0 is '', meaning none). */
  place: Uint16Array;
  region: Uint16Array;
  /** ISO 3166-1 alpha-2 code; the page names it with Intl.DisplayNames. */
  country: Uint16Array;
  camera: Uint16Array;
  lens: Uint16Array;
  /** This block's string table; strings[0] is ''. */
  strings: string[];
}

/** Offset value of a photo whose time zone is unknown. */
export const NO_OFFSET = -32768;

/** A folder the person added, as a root of photo paths (`path` starts with `name/`). */
export interface FolderRecord {
  name: string;
  /** When it was last added (indexed) in full. */
  addedAt: number;
  /** Where the File System Access API gave one: lets Lumen read the folder again. */
  handle?: FileSystemDirectoryHandle;
}

export interface LumenSchema extends DBSchema {
  photos: {
    key: number;
    value: PhotoRecord;
    indexes: { path: string; hash: string; duplicateOf: number };
  };
  thumbnails: { key: number; value: Blob };
  blocks: {
    key: number;
    value: EmbeddingBlock;
    indexes: { model: string; modelRows: [string, number] };
  };
  skipped: { key: string; value: SkippedRecord };
  jobs: { key: string; value: JobRecord | RemovalJobRecord | QueuedJobRecord };
  scores: { key: number; value: ScoreRecord };
  rephrasings: { key: string; value: RephrasingRecord };
  preferences: {
    key: number;
    value: PreferenceRecord;
    indexes: { model: string; origin: string; taste: string };
  };
  adapters: { key: number; value: AdapterRecord; indexes: { baseModel: string } };
  queries: { key: string; value: QueryRecord; indexes: { at: number } };
  judgements: { key: number; value: JudgementRecord; indexes: { profileId: string } };
  meta: { key: string; value: unknown };
  photoMeta: { key: number; value: MetaBlock };
  folders: { key: string; value: FolderRecord };
  tastes: { key: string; value: TasteRecord };
  askedPairs: { key: string; value: AskedPairRecord; indexes: { taste: string } };
  culling: { key: number; value: CullRecord };
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
  // v4: preference alignment: pairs, trained adapters, and the recent-query history.
  (db) => {
    const prefs = db.createObjectStore('preferences', { keyPath: 'id', autoIncrement: true });
    prefs.createIndex('model', 'model');
    prefs.createIndex('origin', 'origin');
    const adapters = db.createObjectStore('adapters', { keyPath: 'id', autoIncrement: true });
    adapters.createIndex('baseModel', 'baseModel');
    const queries = db.createObjectStore('queries', { keyPath: 'text' });
    queries.createIndex('at', 'at');
  },
  // v5: side-by-side judging sessions.
  (db) => {
    const judgements = db.createObjectStore('judgements', { keyPath: 'id', autoIncrement: true });
    judgements.createIndex('profileId', 'profileId');
  },
  // v6: counts without reading every photo (a 100k library's reload spent seconds on that).
  // Duplicates get an index, and so does each compact block's row count with its model.
  // Blocks stored before carry no count: the background compaction adds it, resumably,
  // and counts read those few blocks until then (embedding-store.ts, photo-store.ts).
  (_db, tx) => {
    tx.objectStore('photos').createIndex('duplicateOf', 'duplicateOf');
    tx.objectStore('blocks').createIndex('modelRows', ['model', 'rows']);
  },
  // v7: capture time, place and camera, packed per block; and the folders a person added, so
  // a folder can be listed and removed. Libraries from before gain both as their files are
  // read again (metadata-store.ts).
  (db) => {
    db.createObjectStore('photoMeta', { keyPath: 'id', autoIncrement: true });
    db.createObjectStore('folders', { keyPath: 'name' });
  },
  // v8: tastes (named sets of picks, each with its own adapter), the pairs already asked, and
  // culling decisions. Every stored pair joins the default taste, so nothing a person picked
  // before is lost or left out of training.
  (db, tx) => {
    const prefs = tx.objectStore('preferences');
    prefs.createIndex('taste', 'taste');
    void prefs.openCursor().then(function step(cursor): Promise<void> | undefined {
      if (!cursor) return;
      if (cursor.value.taste === undefined)
        void cursor.update({ ...cursor.value, taste: DEFAULT_TASTE });
      return cursor.continue().then(step);
    });
    db.createObjectStore('tastes', { keyPath: 'id' });
    db.createObjectStore('askedPairs', { keyPath: 'key' }).createIndex('taste', 'taste');
    db.createObjectStore('culling', { keyPath: 'photoId' });
  },
];

export const DB_VERSION = MIGRATIONS.length;
export const DB_NAME = 'lumen';

/**
 * Opens the library. When another tab needs a newer schema (or deletes the library), this
 * connection closes itself so that tab's upgrade is not blocked; `onClose` lets its owner
 * forget it and reopen on next use. The other side: when this open must upgrade and an older
 * tab keeps its connection (an old build without that courtesy, or a frozen tab), `onBlocked`
 * is told; the open then waits, and completes by itself once that connection closes.
 */
export function openLibraryDb(
  name = DB_NAME,
  version = DB_VERSION,
  onClose?: () => void,
  onBlocked?: () => void,
): Promise<LumenDb> {
  const opening = openDB<LumenSchema>(name, version, {
    blocked() {
      onBlocked?.();
    },
    upgrade(db, oldVersion, newVersion, tx) {
      for (let v = oldVersion; v < (newVersion ?? version); v++) MIGRATIONS[v]?.(db, tx);
    },
    blocking() {
      // `blocking` can only fire on an open connection, so `opening` has resolved by now.
      void opening.then((db) => {
        db.close();
        onClose?.();
      });
    },
    terminated() {
      onClose?.();
    },
  });
  return opening;
}

/** This page's schema is older than the library's: another tab runs a newer Lumen. */
export class LibraryUpgradedError extends Error {
  override name = 'LibraryUpgradedError';
  constructor(cause: unknown) {
    super(
      'The photo library was upgraded by a newer version of Lumen open in another tab. Reload this page to keep using it.',
      { cause },
    );
  }
}

/**
 * One lazily opened library connection that steps aside for other tabs and reopens on the
 * next `get()`. Hold this rather than a `LumenDb`: a held `LumenDb` may have been closed.
 */
export class LibraryConnection {
  #db: Promise<LumenDb> | undefined;

  constructor(
    private readonly name = DB_NAME,
    private readonly version = DB_VERSION,
    /** Told when the connection stepped aside (e.g. to tell the person to reload). */
    private readonly onClose?: () => void,
    /**
     * Told `true` when opening waits for an older tab to let go of the library (so the page
     * can say why nothing loads), and `false` once it opened after such a wait.
     */
    private readonly onBlocked?: (waiting: boolean) => void,
  ) {}

  get(): Promise<LumenDb> {
    let blocked = false;
    this.#db ??= openLibraryDb(
      this.name,
      this.version,
      () => {
        this.#db = undefined;
        this.onClose?.();
      },
      () => {
        blocked = true;
        this.onBlocked?.(true);
      },
    ).then(
      (db) => {
        if (blocked) this.onBlocked?.(false);
        return db;
      },
      (e: unknown) => {
        this.#db = undefined;
        if (blocked) this.onBlocked?.(false);
        throw e instanceof DOMException && e.name === 'VersionError'
          ? new LibraryUpgradedError(e)
          : e;
      },
    );
    return this.#db;
  }
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
