// Node-side programs (tsconfig.json: models/, specs) reach this file by import without
// including workers/, so the ambient `?wasm-bytes` declaration is referenced explicitly.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="../search/scan/wasm-bytes.d.ts" />
/**
 * tunedScales' per-vector projections in WebAssembly SIMD (scales-kernel.wat): ‖e‖² and the
 * 2r dot products [A·e; Bᵀe], four f32 lanes at a time. The library is streamed through in
 * chunks copied into the module's memory (int8 codes are widened on the copy), so no second
 * copy of the library is ever kept; the finishing r×r algebra stays in float64 in JS.
 */
import kernelBytes from './scales-kernel.wat?wasm-bytes';
import { instantiate, lazyModule } from '../shared/wasm-module';
import type { AdapterWeights } from './protocol';

const CHUNK = 512;
const kernelModule = lazyModule(kernelBytes);

export interface Projections {
  /** Rows per vector in `values`: ‖e‖², then the 2r projections. */
  stride: number;
  values: Float32Array;
}

/**
 * Calls `each(first, count, projections)` for consecutive chunks of `vectors`; false (and no
 * call) where SIMD is missing or dim is not a multiple of four, so the caller falls back.
 */
export function projectChunks(
  w: AdapterWeights,
  vectors: Float32Array | Int8Array,
  n: number,
  dim: number,
  each: (first: number, count: number, p: Projections) => void,
): boolean {
  const module = dim % 4 === 0 ? kernelModule() : null;
  if (!module) return false;
  const { rank, a, b } = w;
  const rows = Math.ceil((2 * rank) / 4) * 4;
  const stride = rows + 1;
  const matrixBytes = rows * dim * 4;
  const vectorBytes = CHUNK * dim * 4;
  const outBytes = CHUNK * stride * 4;
  const { memory, fn } = instantiate(module, matrixBytes + vectorBytes + outBytes);
  // project(m, rows, vectors, n, dim, out)
  const project = fn('project');
  if (!project) return false;
  const matrix = new Float32Array(memory.buffer, 0, rows * dim);
  for (let k = 0; k < rank; k++) {
    matrix.set(a.subarray(k * dim, (k + 1) * dim), k * dim);
    for (let j = 0; j < dim; j++) matrix[(rank + k) * dim + j] = b[j * rank + k]!;
  }
  const chunk = new Float32Array(memory.buffer, matrixBytes, CHUNK * dim);
  const values = new Float32Array(memory.buffer, matrixBytes + vectorBytes, CHUNK * stride);
  for (let first = 0; first < n; first += CHUNK) {
    const count = Math.min(CHUNK, n - first);
    chunk.set(vectors.subarray(first * dim, (first + count) * dim));
    // The kernel works in pairs: an odd last vector is paired with a copy of itself.
    if (count % 2 === 1) chunk.copyWithin(count * dim, (count - 1) * dim, count * dim);
    project(0, rows, matrixBytes, count + (count % 2), dim, matrixBytes + vectorBytes);
    each(first, count, { stride, values });
  }
  return true;
}
