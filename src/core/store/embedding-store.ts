import type { EmbeddingBlock, LumenDb } from './db';

/** All vectors of one model, packed into a single matrix for scanning. */
export interface VectorMatrix {
  model: string;
  dim: number;
  ids: Uint32Array;
  vectors: Float32Array;
}

/** Packs equal-length vectors into one row-major Float32Array. */
export function packVectors(rows: ArrayLike<number>[], dim: number): Float32Array {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((row, i) => {
    if (row.length !== dim)
      throw new Error(`vector ${i} has ${row.length} values, expected ${dim}`);
    out.set(row, i * dim);
  });
  return out;
}

export function unpackRow(matrix: Float32Array, dim: number, row: number): Float32Array {
  return matrix.subarray(row * dim, (row + 1) * dim);
}

/** Scales a vector to unit length in place (zero vectors stay zero). */
export function normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i]! /= norm;
  return v;
}

/** Concatenates blocks into one matrix; blocks of another model or size are refused, never mixed. */
export function concatBlocks(model: string, dim: number, blocks: EmbeddingBlock[]): VectorMatrix {
  let count = 0;
  for (const b of blocks) {
    if (b.model !== model || b.dim !== dim) {
      throw new Error(`block ${b.id} holds ${b.model}/${b.dim} vectors, expected ${model}/${dim}`);
    }
    count += b.ids.length;
  }
  const ids = new Uint32Array(count);
  const vectors = new Float32Array(count * dim);
  let at = 0;
  for (const b of blocks) {
    ids.set(b.ids, at);
    vectors.set(b.vectors.subarray(0, b.ids.length * dim), at * dim);
    at += b.ids.length;
  }
  return { model, dim, ids, vectors };
}

export async function loadMatrix(db: LumenDb, model: string, dim: number): Promise<VectorMatrix> {
  const blocks = await db.getAllFromIndex('blocks', 'model', model);
  return concatBlocks(model, dim, blocks);
}

/** Returns a copy of the block without the given photo's row. */
export function withoutRow(block: EmbeddingBlock, photoId: number): EmbeddingBlock {
  const row = block.ids.indexOf(photoId);
  if (row < 0) return block;
  const ids = new Uint32Array(block.ids.length - 1);
  ids.set(block.ids.subarray(0, row));
  ids.set(block.ids.subarray(row + 1), row);
  const vectors = new Float32Array(ids.length * block.dim);
  vectors.set(block.vectors.subarray(0, row * block.dim));
  vectors.set(
    block.vectors.subarray((row + 1) * block.dim, block.ids.length * block.dim),
    row * block.dim,
  );
  return { ...block, ids, vectors };
}

/** Finds one photo's vector for a model ("more like this"). */
export async function getVector(
  db: LumenDb,
  model: string,
  photoId: number,
): Promise<Float32Array | undefined> {
  const photo = await db.get('photos', photoId);
  const blockId = photo?.vectors[model];
  if (blockId === undefined) return undefined;
  const block = await db.get('blocks', blockId);
  if (!block) return undefined;
  const row = block.ids.indexOf(photoId);
  return row < 0 ? undefined : block.vectors.slice(row * block.dim, (row + 1) * block.dim);
}
