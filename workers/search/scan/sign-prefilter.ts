import kernelBytes from './sign-kernel.wat?wasm-bytes';
import { instantiate, lazyModule, type KernelFn } from '../../shared/wasm-module';

const kernelModule = lazyModule(kernelBytes);

/** Whether this engine runs the prefilter's kernel (WebAssembly SIMD). */
export function signPrefilterSupported(): boolean {
  return kernelModule() !== null;
}

/** 128 sign bits per kernel chunk: up to 31 chunks (3,968 dimensions) fit its byte counters. */
const CHUNK_BITS = 128;
const MAX_CHUNKS = 31;
/** Rows staged into the kernel's memory at a time (the codes live in the scan's memory). */
const STAGE_ROWS = 2048;
const align = (x: number, to: number) => Math.ceil(x / to) * to;

/**
 * One bit per dimension and photo, for libraries too big to scan whole at every query: a photo's
 * bits say on which side of the library's centre each of its values lies, and the Hamming
 * distance to the query's signs estimates the angle between the query and the photo less that
 * centre. Rank by q·x is rank by q·(x − centre), since q·centre is the same for every photo, so
 * taking the centre out costs nothing in order and keeps a direction every photo shares (real
 * CLIP's image embeddings have one) from setting most bits alike. The estimate is coarse (it
 * cannot order near neighbours), but photos far from the query part cleanly from those near
 * it, so the nearest few thousand by distance hold the true top 10 and exact scoring over them
 * finishes the job, reading 1/8 of the bytes the int8 scan reads.
 *
 * Memory (its own, sized at construction):
 *   [query bits | histogram | centre f32 | sum f64 | staged codes and scales | row bits | distances]
 */
export class SignPrefilter {
  readonly dim: number;
  readonly #dimPadded: number;
  readonly #chunks: number;
  readonly #rowBytes: number;
  readonly #n: number;
  readonly #memory: WebAssembly.Memory;
  readonly #kernel: Record<'hamming' | 'accumulate' | 'signs', KernelFn>;
  readonly #histPtr: number;
  readonly #centrePtr: number;
  readonly #sumPtr: number;
  readonly #stagePtr: number;
  readonly #stageScalesPtr: number;
  readonly #bitsPtr: number;
  readonly #distPtr: number;
  /** The centre whose side each bit records: the mean of the rows. */
  readonly centre: Float32Array;
  /** Σ scale·codes over every row, so that sum · q / n is the mean score. */
  readonly sum: Float64Array;

  /** Sign bits of n rows of `dim` int8 codes with their scales (row-major, unpadded). */
  constructor(codes: Int8Array, scales: Float32Array, n: number, dim: number) {
    const module = kernelModule();
    if (!module) throw new Error('SignPrefilter: this engine lacks WebAssembly SIMD');
    this.#chunks = Math.ceil(dim / CHUNK_BITS);
    if (this.#chunks > MAX_CHUNKS) throw new RangeError(`SignPrefilter: dim ${dim} too large`);
    this.dim = dim;
    this.#dimPadded = align(dim, 16);
    this.#n = n;
    this.#rowBytes = this.#chunks * 16;
    this.#histPtr = this.#rowBytes;
    this.#centrePtr = align(this.#histPtr + 4 * (this.#chunks * CHUNK_BITS + 1), 16);
    this.#sumPtr = this.#centrePtr + 4 * this.#dimPadded;
    this.#stagePtr = align(this.#sumPtr + 8 * this.#dimPadded, 16);
    this.#stageScalesPtr = this.#stagePtr + STAGE_ROWS * this.#dimPadded;
    this.#bitsPtr = align(this.#stageScalesPtr + 4 * STAGE_ROWS, 16);
    this.#distPtr = this.#bitsPtr + n * this.#rowBytes;
    const { memory, fn } = instantiate(module, this.#distPtr + 2 * n + 16);
    const hamming = fn('hamming');
    const accumulate = fn('accumulate');
    const signs = fn('signs');
    if (!hamming || !accumulate || !signs) throw new Error('SignPrefilter: kernel exports missing');
    this.#memory = memory;
    this.#kernel = { hamming, accumulate, signs };

    this.sum = this.weightedSum(codes, scales);
    this.centre = Float32Array.from(this.sum, (v) => (n > 0 ? v / n : 0));
    new Float32Array(memory.buffer, this.#centrePtr, dim).set(this.centre);
    this.#staged(codes, scales, (at, rows) =>
      this.#kernel.signs(
        this.#stagePtr,
        this.#stageScalesPtr,
        rows,
        this.#dimPadded,
        this.#centrePtr,
        this.#bitsPtr + at * this.#rowBytes,
        this.#rowBytes,
      ),
    );
    this.#warmUp();
  }

  /**
   * V8 first runs WebAssembly on its baseline tier and swaps in optimised code after some
   * calls: pay that here, on a few rows, not on the first search.
   */
  #warmUp() {
    const rows = Math.min(256, this.#n);
    for (let i = 0; i < 64; i++) {
      new Uint32Array(this.#memory.buffer, this.#histPtr, this.#chunks * CHUNK_BITS + 1).fill(0);
      this.#kernel.hamming(0, this.#bitsPtr, rows, this.#chunks, this.#distPtr, this.#histPtr, -1);
    }
  }

  /** Runs `kernel(first row, rows)` over the library, STAGE_ROWS rows at a time. */
  #staged(codes: Int8Array, scales: Float32Array, kernel: (at: number, rows: number) => void) {
    const { dim } = this;
    const pad = this.#dimPadded;
    for (let at = 0; at < this.#n; at += STAGE_ROWS) {
      const rows = Math.min(STAGE_ROWS, this.#n - at);
      const stage = new Int8Array(this.#memory.buffer, this.#stagePtr, rows * pad);
      if (pad === dim) stage.set(codes.subarray(at * dim, (at + rows) * dim));
      else {
        stage.fill(0);
        for (let i = 0; i < rows; i++) {
          stage.set(codes.subarray((at + i) * dim, (at + i + 1) * dim), i * pad);
        }
      }
      new Float32Array(this.#memory.buffer, this.#stageScalesPtr, rows).set(
        scales.subarray(at, at + rows),
      );
      kernel(at, rows);
    }
  }

  /**
   * Σ multiplier·codes over every row, for the mean score under other multipliers (a tuned
   * adapter's): `codes` are the same rows this prefilter was built from.
   */
  weightedSum(codes: Int8Array, multipliers: Float32Array): Float64Array {
    const sum = new Float64Array(this.#memory.buffer, this.#sumPtr, this.#dimPadded).fill(0);
    this.#staged(codes, multipliers, (_, rows) =>
      this.#kernel.accumulate(
        this.#stagePtr,
        this.#stageScalesPtr,
        rows,
        this.#dimPadded,
        this.#sumPtr,
      ),
    );
    return Float64Array.from(sum.subarray(0, this.dim));
  }

  get size(): number {
    return this.#n;
  }

  /**
   * The `count` rows whose signs differ least from the query's (fewer if the library is
   * smaller), in ascending row order; at the cut, earlier rows go first. `exclude` is never
   * among them; with `allowed` (one byte per row, non-zero: may be chosen), only those rows are.
   */
  candidates(
    query: ArrayLike<number>,
    count: number,
    exclude = -1,
    allowed?: Uint8Array,
  ): Uint32Array {
    const skip = this.#distances(query, exclude);
    return this.#select(count, skip, allowed);
  }

  /**
   * From one pass over the bits: the library's `count` nearest rows, and the `count` nearest
   * of the `allowed` ones (a filter's, which must not cost a second pass).
   */
  candidatesWithin(
    query: ArrayLike<number>,
    count: number,
    exclude: number,
    allowed: Uint8Array,
  ): { all: Uint32Array; kept: Uint32Array } {
    const skip = this.#distances(query, exclude);
    const all = this.#select(count, skip);
    return { all, kept: this.#select(count, skip, allowed) };
  }

  /** Hamming distances of every row to the query's signs, and their histogram. */
  #distances(query: ArrayLike<number>, exclude: number): number {
    if (query.length !== this.dim) {
      throw new RangeError(`SignPrefilter: query has ${query.length} values, expected ${this.dim}`);
    }
    const n = this.#n;
    const buffer = this.#memory.buffer;
    const qbits = new Uint8Array(buffer, 0, this.#rowBytes).fill(0);
    for (let j = 0; j < this.dim; j++) if (query[j]! > 0) qbits[j >> 3]! |= 1 << (j & 7);
    new Uint32Array(buffer, this.#histPtr, this.#chunks * CHUNK_BITS + 1).fill(0);
    const skip = exclude >= 0 && exclude < n ? exclude : -1;
    this.#kernel.hamming(0, this.#bitsPtr, n, this.#chunks, this.#distPtr, this.#histPtr, skip);
    return skip;
  }

  /** The nearest `count` rows by the last distances (of the `allowed` rows, if given). */
  #select(count: number, skip: number, allowed?: Uint8Array): Uint32Array {
    const n = this.#n;
    const buffer = this.#memory.buffer;
    const bins = this.#chunks * CHUNK_BITS + 1;
    const dist = new Uint16Array(buffer, this.#distPtr, n);
    let hist = new Uint32Array(buffer, this.#histPtr, bins);
    let eligible = n - (skip >= 0 ? 1 : 0);
    if (allowed) {
      // The kernel counted every row; the cut must count only the rows that may be chosen.
      hist = new Uint32Array(bins);
      eligible = 0;
      for (let row = 0; row < n; row++) {
        if (allowed[row] && row !== skip) {
          hist[dist[row]!]!++;
          eligible++;
        }
      }
    }
    const want = Math.max(0, Math.min(Math.floor(count), eligible));
    // The cut: every row nearer than `cut`, then rows at `cut` until `want`.
    let cut = 0;
    let below = 0;
    while (cut < bins && below + hist[cut]! < want) below += hist[cut++]!;
    let atCut = want - below;
    const out = new Uint32Array(want);
    let k = 0;
    for (let row = 0; row < n && k < want; row++) {
      if (allowed && (!allowed[row] || row === skip)) continue;
      const d = dist[row]!;
      if (d < cut || (d === cut && atCut-- > 0)) out[k++] = row;
    }
    return out;
  }
}
