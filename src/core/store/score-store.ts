import type { IDBPTransaction, StoreNames } from 'idb';
import type { LumenDb, LumenSchema, ModelScores, PhotoRecord, ScoreRecord } from './db';
import type { PixelStats } from './pixel-scores';

/**
 * The one codec of the `scores` store: every reader and writer of aesthetic scores goes
 * through here.
 *
 * Scores are stored packed, many photos to a record: a block holds one scorer key, its
 * CLIP-IQA pair names and the pixel-statistics version once, the photo ids, a Float32Array of
 * fixed columns (`laion`, the eight pixel statistics; NaN where a photo has none) and the pairs'
 * probabilities in 16 bits. Appeal scores are not stored: they are a pure function of the
 * statistics (`appealScores`), so readers derive them. About 55 bytes a photo instead of about
 * 600 for the per-photo records libraries were stored with before (`ScoreRecord`).
 *
 * Blocks live in the same `scores` store (keyPath `id`) under negative keys, newest lowest;
 * the old per-photo records keep their photo-id keys (> 0) until `repackScores` rewrites them.
 * Every reader takes both: a per-photo record reads exactly as the block it becomes (values
 * rounded as stored, appeal derived), so a library reads the same before, during and after
 * the repack.
 *
 * Which row wins when a photo has several for one key: a row written by the scorer or an import
 * beats a repacked old record; otherwise the newer block, and within a block the later row.
 *
 * A changed file: indexing deletes `scores/<photo id>`, which only reached per-photo records.
 * Each run of rows in a block therefore records `through`, the newest vector block key when it
 * was written: vector blocks get ever larger keys and keep them when rewritten, so a row is
 * stale once its photo's vector block key is above it (`isCurrent`).
 */

/** Packed scores of many photos under one scorer key. */
export interface ScoreBlock {
  /** Negative: blocks never collide with the per-photo records' photo ids. */
  id: number;
  kind: 'block';
  /** Scorer key; '' for rows with pixel statistics only. */
  key: string;
  /** CLIP-IQA pair names, in column order. */
  pairs: string[];
  /** Version of the pixel statistics (0: none stored). */
  pixelVersion: number;
  /** Rewritten from per-photo records (these lose to rows the scorer or an import wrote). */
  repacked: boolean;
  ids: Uint32Array;
  /** ids.length × VALUE_COLUMNS floats, row-major: `laion`, then the pixel statistics. */
  values: Float32Array;
  /** ids.length × pairs.length CLIP-IQA probabilities in steps of 1/IQA_STEPS, row-major. */
  iqa: Uint16Array;
  /** Pairs (end row, through): rows below `end` and above the previous run's have `through`. */
  runs: number[];
}

/** What the `scores` store holds: packed blocks, and per-photo records of older libraries. */
export type StoredScore = ScoreRecord | ScoreBlock;

/** The eight pixel statistics, in column order. */
export const STAT_FIELDS = [
  'sharpness',
  'meanLuminance',
  'shadowClip',
  'highlightClip',
  'contrast',
  'colourfulness',
  'megapixels',
  'noise',
] as const satisfies readonly (keyof PixelStats)[];

/** Most rows a block takes: a newer scorer batch of the same key is appended below this. */
export const BLOCK_ROWS = 512;

/** Float columns: the LAION head's output, then the pixel statistics (NaN: none). */
export const VALUE_COLUMNS = 1 + STAT_FIELDS.length;

/**
 * CLIP-IQA probabilities are stored in 16 bits, in steps of 1/65534 (65535: none): far finer
 * than any difference a ranking can use, and 14 bytes a photo instead of 28, the margin that
 * keeps a photo under 1 KB. Per-photo records are read through the same steps, so a library
 * reads the same before and after its repack.
 */
export const IQA_STEPS = 65534;
const IQA_NONE = 65535;
const toIqa = (p: number) =>
  Number.isFinite(p) ? Math.round(Math.min(1, Math.max(0, p)) * IQA_STEPS) : IQA_NONE;
const fromIqa = (q: number) => (q === IQA_NONE ? Number.NaN : q / IQA_STEPS);

export function isBlock(v: StoredScore | undefined): v is ScoreBlock {
  return (v as ScoreBlock | undefined)?.kind === 'block';
}

export interface RowRef {
  block: ScoreBlock;
  row: number;
}

/** Whether `a` supersedes `b` (see the module comment). */
export function newer(a: RowRef, b: RowRef): boolean {
  if (a.block.repacked !== b.block.repacked) return b.block.repacked;
  if (a.block.id !== b.block.id) return a.block.id < b.block.id;
  return a.row > b.row;
}

export function rowLaion(ref: RowRef): number | null {
  const v = ref.block.values[ref.row * VALUE_COLUMNS]!;
  return Number.isNaN(v) ? null : v;
}

/** The LAION head's output and the CLIP-IQA pairs, or null for a pixel-only row. */
export function rowModel(ref: RowRef): ModelScores | null {
  const { block, row } = ref;
  const laion = block.values[row * VALUE_COLUMNS]!;
  if (Number.isNaN(laion)) return null;
  const at = row * block.pairs.length;
  const clipIqa: Record<string, number> = {};
  block.pairs.forEach((p, i) => (clipIqa[p] = fromIqa(block.iqa[at + i]!)));
  return { laion, clipIqa };
}

/** Mean of the row's CLIP-IQA probabilities, summed in column order as `meanOf` does. */
export function rowIqaMean(ref: RowRef): number {
  const { block, row } = ref;
  const n = block.pairs.length;
  if (n === 0) return 0;
  const at = row * n;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += fromIqa(block.iqa[at + i]!);
  return sum / n;
}

export function rowStats(ref: RowRef): PixelStats | null {
  const { block, row } = ref;
  const at = row * VALUE_COLUMNS + 1;
  if (block.pixelVersion === 0 || Number.isNaN(block.values[at]!)) return null;
  const stats = {} as PixelStats;
  STAT_FIELDS.forEach((f, i) => (stats[f] = block.values[at + i]!));
  return stats;
}

export function rowThrough(ref: RowRef): number {
  const { runs } = ref.block;
  for (let i = 0; i < runs.length; i += 2) if (ref.row < runs[i]!) return runs[i + 1]!;
  return Number.POSITIVE_INFINITY;
}

/** The model of a scorer key (`model|head|prompts`); '' for pixel-only rows. */
const modelOfKey = (key: string) => key.slice(0, Math.max(0, key.indexOf('|')));

/**
 * Whether a row still describes the photo's current file: the photo exists and its vector
 * (of the key's model; of every model for pixel-only rows) is no newer than the row.
 */
export function isCurrent(ref: RowRef, photo: PhotoRecord | undefined): boolean {
  if (!photo) return false;
  const through = rowThrough(ref);
  const model = modelOfKey(ref.block.key);
  const blocks = model ? [photo.vectors[model]] : Object.values(photo.vectors);
  return blocks.every((b) => b === undefined || b <= through);
}

/** One photo's scores under one key, as a writer hands them in. */
export interface ScoreEntry {
  id: number;
  key: string;
  pairs: readonly string[];
  pixelVersion: number;
  model?: ModelScores;
  stats?: PixelStats;
}

function fill(block: ScoreBlock, row: number, e: ScoreEntry): void {
  const at = row * VALUE_COLUMNS;
  block.values.fill(Number.NaN, at, at + VALUE_COLUMNS);
  const q = row * e.pairs.length;
  block.iqa.fill(IQA_NONE, q, q + e.pairs.length);
  if (e.model) {
    block.values[at] = e.model.laion;
    e.pairs.forEach((p, i) => (block.iqa[q + i] = toIqa(e.model!.clipIqa[p] ?? Number.NaN)));
  }
  if (e.stats) {
    const s = e.stats;
    STAT_FIELDS.forEach((f, i) => (block.values[at + 1 + i] = s[f]));
  }
}

const groupOf = (e: Pick<ScoreEntry, 'key' | 'pairs' | 'pixelVersion'>) =>
  JSON.stringify([e.key, e.pixelVersion, e.pairs]);

/** Entries of one group as a block (rows in the given order). */
function packBlock(
  id: number,
  entries: ScoreEntry[],
  through: number,
  repacked: boolean,
): ScoreBlock {
  const first = entries[0]!;
  const block: ScoreBlock = {
    id,
    kind: 'block',
    key: first.key,
    pairs: [...first.pairs],
    pixelVersion: first.pixelVersion,
    repacked,
    ids: Uint32Array.from(entries, (e) => e.id),
    values: new Float32Array(entries.length * VALUE_COLUMNS),
    iqa: new Uint16Array(entries.length * first.pairs.length),
    runs: [entries.length, through],
  };
  entries.forEach((e, row) => fill(block, row, e));
  return block;
}

function groups(entries: ScoreEntry[]): ScoreEntry[][] {
  const out = new Map<string, ScoreEntry[]>();
  for (const e of entries) {
    const g = groupOf(e);
    const list = out.get(g) ?? [];
    list.push(e);
    out.set(g, list);
  }
  return [...out.values()];
}

/** A per-photo record as entries: one per scorer key, or one pixel-only entry. */
export function legacyEntries(r: ScoreRecord): ScoreEntry[] {
  const pixelVersion = r.pixel ? r.pixel.version : 0;
  const stats = r.pixel?.stats;
  const keys = Object.keys(r.models);
  const entries: ScoreEntry[] = keys.map((key) => ({
    id: r.id,
    key,
    pairs: Object.keys(r.models[key]!.clipIqa),
    pixelVersion,
    model: r.models[key]!,
    ...(stats ? { stats } : {}),
  }));
  if (keys.length === 0 && stats)
    entries.push({ id: r.id, key: '', pairs: [], pixelVersion, stats });
  return entries;
}

/**
 * Per-photo records as the blocks `repackScores` makes of them (in memory, keys ≥ 0, current
 * whatever their vectors): readers see an old library exactly as they will after the repack.
 */
export function legacyBlocks(records: ScoreRecord[]): ScoreBlock[] {
  // Ids 0, 1, …: below every stored block in precedence, and never stored.
  return groups(records.flatMap(legacyEntries)).map((g, i) =>
    packBlock(i, g, Number.POSITIVE_INFINITY, true),
  );
}

/** Entries as the blocks a write of them into an empty store makes (for measuring). */
export function packScores(entries: ScoreEntry[], through = 0): ScoreBlock[] {
  let id = 0;
  return groups(entries).flatMap((g) => {
    const out: ScoreBlock[] = [];
    for (let at = 0; at < g.length; at += BLOCK_ROWS) {
      out.push(packBlock(--id, g.slice(at, at + BLOCK_ROWS), through, false));
    }
    return out;
  });
}

/**
 * About the bytes a block takes stored (IndexedDB's structured clone): its arrays' bytes and
 * its other fields as JSON. Within a few bytes a block of v8.serialize (score-bytes.spec.ts).
 */
export function storedBytes(block: ScoreBlock): number {
  const { ids, values, iqa, ...rest } = block;
  const arrays = ids.byteLength + values.byteLength + iqa.byteLength;
  return arrays + new TextEncoder().encode(JSON.stringify(rest)).length;
}

type AnyTx = IDBPTransaction<LumenSchema, ArrayLike<StoreNames<LumenSchema>>, 'readwrite'>;

/** Per-photo records are keyed by photo id; blocks below. */
const LEGACY = () => IDBKeyRange.lowerBound(0, true);
const BLOCKS = () => IDBKeyRange.upperBound(0, true);

/** Changes whenever stored blocks are rewritten other than by appending (and per library). */
const EPOCH_KEY = 'scoreEpoch';

/**
 * Adds entries as blocks, inside the caller's transaction (which must include `scores`, `meta`
 * and `blocks`), and bumps `scoresVersion`. Rows of the newest block's group are appended to
 * it while it has room; readers re-read that one block and never the older ones.
 */
export async function writeScores(
  tx: AnyTx,
  entries: ScoreEntry[],
  repacked = false,
): Promise<void> {
  if (entries.length === 0) return;
  const scores = tx.objectStore('scores');
  const meta = tx.objectStore('meta');
  const vectorCursor = await tx.objectStore('blocks').openKeyCursor(null, 'prev');
  const through = typeof vectorCursor?.key === 'number' ? vectorCursor.key : 0;
  const newestCursor = await scores.openCursor(BLOCKS());
  let newest = newestCursor?.value as StoredScore | undefined;
  let nextId = typeof newestCursor?.key === 'number' ? newestCursor.key - 1 : -1;
  for (const group of groups(entries)) {
    for (let at = 0; at < group.length;) {
      if (
        !repacked &&
        isBlock(newest) &&
        !newest.repacked &&
        newest.ids.length < BLOCK_ROWS &&
        groupOf({ ...newest, pairs: newest.pairs }) === groupOf(group[0]!)
      ) {
        const take = group.slice(at, at + BLOCK_ROWS - newest.ids.length);
        const added = packBlock(newest.id, take, through, false);
        const ids = new Uint32Array(newest.ids.length + take.length);
        ids.set(newest.ids);
        ids.set(added.ids, newest.ids.length);
        const values = new Float32Array(newest.values.length + added.values.length);
        values.set(newest.values);
        values.set(added.values, newest.values.length);
        const iqa = new Uint16Array(newest.iqa.length + added.iqa.length);
        iqa.set(newest.iqa);
        iqa.set(added.iqa, newest.iqa.length);
        const runs = [...newest.runs];
        if (runs[runs.length - 1] === through) runs[runs.length - 2] = ids.length;
        else runs.push(ids.length, through);
        newest = { ...newest, ids, values, iqa, runs };
        at += take.length;
      } else {
        newest = packBlock(nextId--, group.slice(at, at + BLOCK_ROWS), through, repacked);
        at += newest.ids.length;
      }
      // The store's declared type predates blocks (db.ts); both kinds share its keyPath.
      await scores.put(newest as unknown as ScoreRecord);
    }
  }
  const version = await meta.get('scoresVersion');
  await meta.put((typeof version === 'number' ? version : 0) + 1, 'scoresVersion');
  if ((await meta.get(EPOCH_KEY)) === undefined) await meta.put(Math.random(), EPOCH_KEY);
}

/** Where a reader stands: `readScoresSince` returns only what was written after it. */
export interface ScoreCursor {
  epoch: unknown;
  scoresVersion: number;
  libraryVersion: number;
  /** Key of the newest block read (0: none); only it may have grown since. */
  newest: number;
  /** Per-photo records read (0 once repacked). */
  legacy: number;
}

export interface ScoreRead {
  /** Oldest first: apply in order, a later row replacing an earlier one when `newer`. */
  blocks: ScoreBlock[];
  cursor: ScoreCursor;
}

async function heads(db: LumenDb) {
  const tx = db.transaction(['scores', 'meta']);
  const meta = tx.objectStore('meta');
  const [epoch, scoresVersion, libraryVersion, legacy] = await Promise.all([
    meta.get(EPOCH_KEY),
    meta.get('scoresVersion'),
    meta.get('libraryVersion'),
    tx.objectStore('scores').count(LEGACY()),
  ]);
  return {
    epoch,
    scoresVersion: typeof scoresVersion === 'number' ? scoresVersion : 0,
    libraryVersion: typeof libraryVersion === 'number' ? libraryVersion : 0,
    legacy,
  };
}

/** Blocks newest first as stored; returned oldest first. */
function oldestFirst(stored: StoredScore[]): ScoreBlock[] {
  return stored.filter(isBlock).reverse();
}

/** Every score of the library, both formats, oldest first. */
export async function readScores(db: LumenDb): Promise<ScoreRead> {
  const head = await heads(db);
  const all = (await db.getAll('scores')) as StoredScore[];
  const legacy = all.filter((s): s is ScoreRecord => !isBlock(s));
  const blocks = oldestFirst(all);
  return {
    blocks: [...legacyBlocks(legacy), ...blocks],
    cursor: { ...head, legacy: legacy.length, newest: blocks[blocks.length - 1]?.id ?? 0 },
  };
}

/** The stored values of `getAll('scores')`, both formats, as blocks oldest first. */
export function blocksOf(stored: StoredScore[]): ScoreBlock[] {
  return [
    ...legacyBlocks(stored.filter((s): s is ScoreRecord => !isBlock(s))),
    ...oldestFirst(stored),
  ];
}

/**
 * What changed since `cursor`: the blocks written after it (and the newest it read, which may
 * have grown), or null when the caller must read everything again: another library, or per-photo
 * records that indexing may have deleted.
 */
export async function readScoresSince(db: LumenDb, cursor: ScoreCursor): Promise<ScoreRead | null> {
  const head = await heads(db);
  if (head.epoch !== cursor.epoch || head.legacy > cursor.legacy) return null;
  if (cursor.legacy > 0 && head.libraryVersion !== cursor.libraryVersion) return null;
  // Records gone with no score written: not a repack (it writes), so another library.
  if (head.legacy < cursor.legacy && head.scoresVersion === cursor.scoresVersion) return null;
  if (head.scoresVersion === cursor.scoresVersion) {
    return { blocks: [], cursor: { ...cursor, ...head } };
  }
  const range = cursor.newest < 0 ? IDBKeyRange.upperBound(cursor.newest) : BLOCKS();
  const blocks = oldestFirst(await db.getAll('scores', range));
  const newest = blocks[blocks.length - 1]?.id ?? cursor.newest;
  return { blocks, cursor: { ...head, newest } };
}

/** A photo's winning rows: one per scorer key, and the newest with pixel statistics. */
export interface PhotoScores {
  models: Map<string, RowRef>;
  pixel?: RowRef;
}

/** Each photo's winning rows, skipping rows `keep` refuses (e.g. stale ones). */
export function latestScores(
  blocks: ScoreBlock[],
  keep: (id: number, ref: RowRef) => boolean = () => true,
): Map<number, PhotoScores> {
  const out = new Map<number, PhotoScores>();
  for (const block of blocks) {
    for (let row = 0; row < block.ids.length; row++) {
      const id = block.ids[row]!;
      const ref = { block, row };
      if (!keep(id, ref)) continue;
      let p = out.get(id);
      if (!p) out.set(id, (p = { models: new Map() }));
      const prev = p.models.get(block.key);
      if (block.key && rowLaion(ref) !== null && (!prev || newer(ref, prev))) {
        p.models.set(block.key, ref);
      }
      if (rowStats(ref) && (!p.pixel || newer(ref, p.pixel))) p.pixel = ref;
    }
  }
  return out;
}

export interface RepackProgress {
  done: number;
  total: number;
}

export async function legacyScoreCount(db: LumenDb): Promise<number> {
  return db.count('scores', LEGACY());
}

/**
 * Rewrites per-photo records as blocks, `chunk` records per transaction: the blocks and the
 * deletion of the records they replace commit together, so a closed tab loses nothing and the
 * next call carries on with what is left. Returns the number of records rewritten.
 */
export async function repackScores(
  db: LumenDb,
  onProgress?: (p: RepackProgress) => void,
  signal?: AbortSignal,
  chunk = BLOCK_ROWS,
): Promise<number> {
  const total = await legacyScoreCount(db);
  if (total === 0) return 0;
  let done = 0;
  onProgress?.({ done, total });
  for (;;) {
    signal?.throwIfAborted();
    const tx = db.transaction(['scores', 'meta', 'blocks'], 'readwrite');
    const store = tx.objectStore('scores');
    const records = await store.getAll(LEGACY(), chunk);
    if (records.length === 0) {
      await tx.done;
      return done;
    }
    await writeScores(tx, records.flatMap(legacyEntries), true);
    for (const r of records) await store.delete(r.id);
    await tx.done;
    done += records.length;
    onProgress?.({ done: Math.min(done, total), total: Math.max(done, total) });
  }
}

/**
 * The block without the rows of `drop`, and with rows of `rename`'s keys moved to their values
 * (a copy taking over a removed photo's vector keeps its scores: the pixels are the same).
 * The same block when nothing changes; null when no row is left.
 */
export function withoutScoreRows(
  block: ScoreBlock,
  drop: ReadonlySet<number>,
  rename: ReadonlyMap<number, number> = new Map(),
): ScoreBlock | null {
  const keep: number[] = [];
  let changed = false;
  block.ids.forEach((id, row) => {
    if (drop.has(id)) changed = true;
    else keep.push(row);
    if (rename.has(id)) changed = true;
  });
  if (!changed) return block;
  if (keep.length === 0) return null;
  const pairs = block.pairs.length;
  const out: ScoreBlock = {
    ...block,
    ids: Uint32Array.from(keep, (row) => rename.get(block.ids[row]!) ?? block.ids[row]!),
    values: new Float32Array(keep.length * VALUE_COLUMNS),
    iqa: new Uint16Array(keep.length * pairs),
    runs: [],
  };
  keep.forEach((row, at) => {
    out.values.set(
      block.values.subarray(row * VALUE_COLUMNS, (row + 1) * VALUE_COLUMNS),
      at * VALUE_COLUMNS,
    );
    out.iqa.set(block.iqa.subarray(row * pairs, (row + 1) * pairs), at * pairs);
    const through = rowThrough({ block, row });
    if (out.runs[out.runs.length - 1] === through) out.runs[out.runs.length - 2] = at + 1;
    else out.runs.push(at + 1, through);
  });
  return out;
}

/**
 * Removes (or moves, see `withoutScoreRows`) photos' scores in both formats, inside the
 * caller's transaction (with `scores` and `meta`). Blocks are rewritten other than by
 * appending, so readers start again from a new epoch.
 */
export async function removeScoreRows(
  tx: AnyTx,
  drop: ReadonlySet<number>,
  rename: ReadonlyMap<number, number> = new Map(),
): Promise<void> {
  if (drop.size === 0 && rename.size === 0) return;
  const scores = tx.objectStore('scores');
  for (const [from, to] of rename) {
    const record = (await scores.get(from)) as StoredScore | undefined;
    if (record && !isBlock(record)) await scores.put({ ...record, id: to });
  }
  for (const id of [...drop, ...rename.keys()]) await scores.delete(id);
  let cursor = await scores.openCursor(BLOCKS());
  while (cursor) {
    const stored = cursor.value as StoredScore;
    if (isBlock(stored)) {
      const block = withoutScoreRows(stored, drop, rename);
      if (block === null) await cursor.delete();
      else if (block !== stored) await cursor.update(block as unknown as ScoreRecord);
    }
    cursor = await cursor.continue();
  }
  const meta = tx.objectStore('meta');
  const version = await meta.get('scoresVersion');
  await meta.put((typeof version === 'number' ? version : 0) + 1, 'scoresVersion');
  await meta.put(Math.random(), EPOCH_KEY);
}
