import type { EmbeddingBlock, LumenDb } from './db';

/** All vectors of one model, packed into a single matrix for scanning. */
export interface VectorMatrix {
  model: string;
  dim: number;
  ids: Uint32Array;
  vectors: Float32Array;
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
