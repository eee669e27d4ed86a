import { compactBatch, decodeRow, fineBytes } from '../int8-codec';
import type { EmbeddingBlock, LumenDb } from './db';

/** All vectors of one model as floats, packed into a single matrix. */
export interface VectorMatrix {
  model: string;
  dim: number;
  ids: Uint32Array;
  vectors: Float32Array;
}

/**
 * All vectors of one model in the compact format, as the search worker scans them: about
 * dim + dim/4 + 8 bytes a photo instead of 4·dim.
 */
export interface CompactMatrix {
  model: string;
  dim: number;
  ids: Uint32Array;
  /** ids.length × dim int8 codes, row-major. */
  codes: Int8Array;
  scales: Float32Array;
  /** fineBytes(dim) refinement bytes per row. */
  fine: Uint8Array;
  /** Rows that came from float blocks not yet compacted (quantised on reading). */
  legacyRows: number;
}

/** A block's rows in the compact format, whichever format it is stored in. */
export function compactRows(block: EmbeddingBlock): {
  codes: Int8Array;
  scales: Float32Array;
  fine: Uint8Array;
} {
  const n = block.ids.length;
  const { dim } = block;
  if (block.codes && block.scales && block.fine) {
    return { codes: block.codes, scales: block.scales, fine: block.fine };
  }
  if (!block.vectors) throw new Error(`block ${block.id} holds no vectors`);
  const floats = block.vectors.subarray(0, n * dim);
  return compactBatch(floats, dim);
}

/** The same block in the compact format (a compact block is returned as it is). */
export function compactBlock(block: EmbeddingBlock): EmbeddingBlock {
  if (!block.vectors) return withRowCount(block);
  const compact: EmbeddingBlock = { ...block, ...compactRows(block), rows: block.ids.length };
  delete compact.vectors;
  return compact;
}

/** A compact block with `rows` (the indexed row count) equal to its ids. */
export function withRowCount(block: EmbeddingBlock): EmbeddingBlock {
  return block.rows === block.ids.length ? block : { ...block, rows: block.ids.length };
}

/** Keys of the blocks compaction has still to visit: float blocks and uncounted ones. */
export async function blocksToCompact(db: LumenDb): Promise<number[]> {
  const tx = db.transaction('blocks');
  const [all, counted] = await Promise.all([
    tx.store.getAllKeys(),
    tx.store.index('modelRows').getAllKeys(),
  ]);
  const done = new Set(counted);
  return all.filter((key) => !done.has(key));
}

function checkBlocks(model: string, dim: number, blocks: EmbeddingBlock[]): number {
  let count = 0;
  for (const b of blocks) {
    if (b.model !== model || b.dim !== dim) {
      throw new Error(`block ${b.id} holds ${b.model}/${b.dim} vectors, expected ${model}/${dim}`);
    }
    count += b.ids.length;
  }
  return count;
}

/**
 * Concatenates blocks into one float matrix; blocks of another model or size are refused,
 * never mixed. Compact rows are decoded with their refinement.
 */
export function concatBlocks(model: string, dim: number, blocks: EmbeddingBlock[]): VectorMatrix {
  const count = checkBlocks(model, dim, blocks);
  const ids = new Uint32Array(count);
  const vectors = new Float32Array(count * dim);
  let at = 0;
  for (const b of blocks) {
    const n = b.ids.length;
    ids.set(b.ids, at);
    if (b.vectors) {
      vectors.set(b.vectors.subarray(0, n * dim), at * dim);
    } else {
      const { codes, scales, fine } = compactRows(b);
      for (let i = 0; i < n; i++) {
        decodeRow(
          codes,
          fine,
          scales,
          i,
          dim,
          vectors.subarray((at + i) * dim, (at + i + 1) * dim),
        );
      }
    }
    at += n;
  }
  return { model, dim, ids, vectors };
}

/** Concatenates blocks into one compact matrix (float blocks are quantised on the way). */
export function concatCompact(model: string, dim: number, blocks: EmbeddingBlock[]): CompactMatrix {
  const count = checkBlocks(model, dim, blocks);
  const stride = fineBytes(dim);
  const ids = new Uint32Array(count);
  const codes = new Int8Array(count * dim);
  const scales = new Float32Array(count);
  const fine = new Uint8Array(count * stride);
  let legacyRows = 0;
  let at = 0;
  for (const b of blocks) {
    const n = b.ids.length;
    const rows = compactRows(b);
    ids.set(b.ids, at);
    codes.set(rows.codes.subarray(0, n * dim), at * dim);
    scales.set(rows.scales.subarray(0, n), at);
    fine.set(rows.fine.subarray(0, n * stride), at * stride);
    if (b.vectors) legacyRows += n;
    at += n;
  }
  return { model, dim, ids, codes, scales, fine, legacyRows };
}

export async function loadMatrix(db: LumenDb, model: string, dim: number): Promise<VectorMatrix> {
  const blocks = await db.getAllFromIndex('blocks', 'model', model);
  return concatBlocks(model, dim, blocks);
}

export async function loadCompactMatrix(
  db: LumenDb,
  model: string,
  dim: number,
): Promise<CompactMatrix> {
  const blocks = await db.getAllFromIndex('blocks', 'model', model);
  return concatCompact(model, dim, blocks);
}

/** Returns a copy of the block without the given photo's row, in the block's own format. */
export function withoutRow(block: EmbeddingBlock, photoId: number): EmbeddingBlock {
  const row = block.ids.indexOf(photoId);
  if (row < 0) return block;
  const n = block.ids.length;
  const cut = <T extends Float32Array | Int8Array | Uint8Array | Uint32Array>(
    a: T,
    width: number,
  ): T => {
    const out = a.slice(0, (n - 1) * width) as T;
    out.set(a.subarray(0, row * width));
    out.set(a.subarray((row + 1) * width, n * width), row * width);
    return out;
  };
  const out: EmbeddingBlock = { ...block, ids: cut(block.ids, 1) };
  // A float block stays uncounted, so compaction still finds it.
  if (block.vectors) delete out.rows;
  else out.rows = n - 1;
  if (block.vectors) out.vectors = cut(block.vectors, block.dim);
  if (block.codes) out.codes = cut(block.codes, block.dim);
  if (block.scales) out.scales = cut(block.scales, 1);
  if (block.fine) out.fine = cut(block.fine, fineBytes(block.dim));
  return out;
}

export interface CompactionProgress {
  done: number;
  total: number;
}

/** How many blocks compaction has still to visit (read from keys alone). */
export async function legacyBlockCount(db: LumenDb): Promise<number> {
  return (await blocksToCompact(db)).length;
}

/**
 * Rewrites float blocks in the compact format, and gives compact blocks stored before schema 6
 * their indexed row count, one block per transaction, so a closed tab loses at most the block
 * in flight and the next call carries on where this one stopped. This cannot run in the
 * schema upgrade (it would have to finish inside one transaction), which is why every reader
 * takes both formats. Compaction writes exactly what reading a float block already gives
 * (`compactRows`), so no search result changes and no cache of the library needs to be
 * dropped. Finding the work reads keys only, so a library with nothing to do costs nothing.
 * Returns the number of blocks rewritten.
 */
export async function compactLibrary(
  db: LumenDb,
  onProgress?: (p: CompactionProgress) => void,
  signal?: AbortSignal,
): Promise<number> {
  const keys = await blocksToCompact(db);
  const total = keys.length;
  let done = 0;
  if (total === 0) return 0;
  onProgress?.({ done, total });
  for (const key of keys) {
    signal?.throwIfAborted();
    const tx = db.transaction('blocks', 'readwrite');
    const block = await tx.store.get(key);
    // Another tab may have compacted or removed it meanwhile: skip, never double-convert.
    if (block && (block.vectors || block.rows !== block.ids.length)) {
      await tx.store.put(compactBlock(block));
      await tx.done;
      done++;
      onProgress?.({ done, total });
    } else {
      await tx.done;
    }
  }
  return done;
}
