// Node-side programs (tsconfig.json: models/, specs) reach this file by import without
// including workers/, so the ambient `?wasm-bytes` declaration is referenced explicitly.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="../search/scan/wasm-bytes.d.ts" />
/**
 * The adapter's two r×d maps stacked as one 2r×d matrix M = [A; Bᵀ], for the trainer's two
 * per-image kernels: M·e (forward) and M̄ += c ⊗ e (backward), two images at a time. The
 * kernel also owns the image vectors, so that the WebAssembly one can keep them in its own
 * memory without a second copy. Offsets (`at`) are element offsets into `vectors`.
 */
import kernelBytes from './projection-kernel.wat?wasm-bytes';
import { instantiate, lazyModule, type KernelFn } from '../shared/wasm-module';
import { LANES, paddedRows, projectTwo, stackRows } from './stacked-rows';

export interface ProjectionKernel {
  readonly dim: number;
  readonly rank: number;
  /** Image vectors, row-major; filled by the caller before training. */
  readonly vectors: Float32Array;
  readonly simd: boolean;
  /** a: r×d row-major; b: d×r row-major. */
  load(a: Float64Array, b: Float64Array): void;
  /** out[outAt + row] = M[row]·e for the vectors at `at` and `at2` (may be the same). */
  project(at: number, at2: number, out: Float64Array, outAt: number, outAt2: number): void;
  clearGradient(): void;
  /** M̄[row] += coef[row]·e(at) + coef[2r + row]·e(at2). */
  accumulate(coef: Float64Array, at: number, at2: number): void;
  /** Writes the A rows of M̄ to gradA and adds the Bᵀ rows to gradBt. */
  readGradient(gradA: Float64Array, gradBt: Float64Array): void;
}

/**
 * The WebAssembly SIMD kernel (float64 lanes) where the engine has SIMD and dim is a multiple
 * of four, else plain JS. Both compute in float64, so results agree to rounding.
 */
export function createProjection(dim: number, rank: number, images: number): ProjectionKernel {
  const module = dim % 4 === 0 ? kernelModule() : null;
  return module
    ? new SimdProjection(module, dim, rank, images)
    : new JsProjection(dim, rank, images);
}

const kernelModule = lazyModule(kernelBytes);

/** Layout: [M f64 2r×d | M̄ f64 2r×d | out f64 2·2r | coef f64 2·2r | vectors f32 n×d]. */
class SimdProjection implements ProjectionKernel {
  readonly vectors: Float32Array;
  readonly simd = true;
  private readonly m: Float64Array;
  private readonly g: Float64Array;
  private readonly out: Float64Array;
  private readonly coef: Float64Array;
  private readonly rows: number;
  private readonly at: { m: number; g: number; out: number; coef: number; vectors: number };
  private readonly projectFn: KernelFn;
  private readonly accumulateFn: KernelFn;

  constructor(
    module: WebAssembly.Module,
    readonly dim: number,
    readonly rank: number,
    images: number,
  ) {
    const rows = (this.rows = 2 * rank);
    const matrix = rows * dim * 8;
    this.at = {
      m: 0,
      g: matrix,
      out: 2 * matrix,
      coef: 2 * matrix + 2 * rows * 8,
      vectors: 2 * matrix + 4 * rows * 8,
    };
    const bytes = this.at.vectors + Math.max(1, images) * dim * 4;
    const { memory, fn } = instantiate(module, bytes);
    const project = fn('project');
    const accumulate = fn('accumulate');
    if (!project || !accumulate) throw new Error('projection kernel lacks its exports');
    this.projectFn = project;
    this.accumulateFn = accumulate;
    const buffer = memory.buffer;
    this.m = new Float64Array(buffer, this.at.m, rows * dim);
    this.g = new Float64Array(buffer, this.at.g, rows * dim);
    this.out = new Float64Array(buffer, this.at.out, 2 * rows);
    this.coef = new Float64Array(buffer, this.at.coef, 2 * rows);
    this.vectors = new Float32Array(buffer, this.at.vectors, images * dim);
  }

  load(a: Float64Array, b: Float64Array): void {
    const { dim, rank: r, m } = this;
    m.set(a);
    for (let k = 0; k < r; k++) for (let j = 0; j < dim; j++) m[(r + k) * dim + j] = b[j * r + k]!;
  }

  project(at: number, at2: number, out: Float64Array, outAt: number, outAt2: number): void {
    const { rows, dim } = this;
    const base = this.at.vectors;
    this.projectFn(
      this.at.m,
      rows,
      base + 4 * at,
      base + 4 * at2,
      dim,
      this.at.out,
      this.at.out + 8 * rows,
    );
    for (let k = 0; k < rows; k++) {
      out[outAt + k] = this.out[k]!;
      out[outAt2 + k] = this.out[rows + k]!;
    }
  }

  clearGradient(): void {
    this.g.fill(0);
  }

  accumulate(coef: Float64Array, at: number, at2: number): void {
    this.coef.set(coef.subarray(0, 2 * this.rows));
    const base = this.at.vectors;
    this.accumulateFn(this.at.g, this.rows, this.at.coef, base + 4 * at, base + 4 * at2, this.dim);
  }

  readGradient(gradA: Float64Array, gradBt: Float64Array): void {
    const { dim, rank: r, g } = this;
    gradA.set(g.subarray(0, r * dim));
    for (let i = 0; i < r * dim; i++) gradBt[i] = gradBt[i]! + g[r * dim + i]!;
  }
}

/** Plain JS, on M in the interleaved layout of stacked-rows.ts. */
class JsProjection implements ProjectionKernel {
  readonly vectors: Float32Array;
  readonly simd = false;
  /** 2r rounded up to a multiple of four; padding rows stay zero. */
  readonly rows: number;
  private readonly m: Float64Array;
  private readonly g: Float64Array;

  constructor(
    readonly dim: number,
    readonly rank: number,
    images: number,
  ) {
    this.vectors = new Float32Array(images * dim);
    this.rows = paddedRows(rank);
    this.m = new Float64Array(this.rows * dim);
    this.g = new Float64Array(this.rows * dim);
  }

  /** a: r×d row-major; b: d×r row-major. */
  load(a: Float64Array, b: Float64Array): void {
    stackRows(this.m, a, b, this.dim, this.rank);
  }

  project(at: number, at2: number, out: Float64Array, outAt: number, outAt2: number): void {
    projectTwo(this.m, this.rank, this.dim, this.vectors, at, at2, out, outAt, out, outAt2);
  }

  clearGradient(): void {
    this.g.fill(0);
  }

  /**
   * Ḡ[row] += coef[row]·v[at..) + coef[2r + row]·v[at2..) for the 2r rows: two vectors per
   * pass halve the loads and stores of Ḡ. Give an odd one out a zero second block.
   */
  accumulate(coef: Float64Array, at: number, at2: number): void {
    const { dim, g, vectors: v } = this;
    const rows = 2 * this.rank;
    for (let block = 0; block < this.rows; block += LANES) {
      const lanes = Math.min(LANES, rows - block);
      const d = rows + block;
      const c0 = coef[block]!;
      const c1 = lanes > 1 ? coef[block + 1]! : 0;
      const c2 = lanes > 2 ? coef[block + 2]! : 0;
      const c3 = lanes > 3 ? coef[block + 3]! : 0;
      const d0 = coef[d]!;
      const d1 = lanes > 1 ? coef[d + 1]! : 0;
      const d2 = lanes > 2 ? coef[d + 2]! : 0;
      const d3 = lanes > 3 ? coef[d + 3]! : 0;
      const offset = block * dim;
      for (let j = 0; j < dim; j++) {
        const x = v[at + j]!;
        const y = v[at2 + j]!;
        const o = offset + LANES * j;
        g[o] = g[o]! + c0 * x + d0 * y;
        g[o + 1] = g[o + 1]! + c1 * x + d1 * y;
        g[o + 2] = g[o + 2]! + c2 * x + d2 * y;
        g[o + 3] = g[o + 3]! + c3 * x + d3 * y;
      }
    }
  }

  /** Writes the A rows of the accumulated gradient to gradA and adds the Bᵀ rows to gradBt. */
  readGradient(gradA: Float64Array, gradBt: Float64Array): void {
    const { dim, rank: r, g } = this;
    for (let row = 0; row < 2 * r; row++) {
      const at = (row >> 2) * LANES * dim + (row & 3);
      if (row < r) for (let j = 0; j < dim; j++) gradA[row * dim + j] = g[at + LANES * j]!;
      else {
        const base = (row - r) * dim;
        for (let j = 0; j < dim; j++) gradBt[base + j] = gradBt[base + j]! + g[at + LANES * j]!;
      }
    }
  }
}
