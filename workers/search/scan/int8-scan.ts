import kernelBytes from './scan-kernel.wat?wasm-bytes';
import { growTo, instantiate, lazyModule, type KernelFn } from '../../shared/wasm-module';
import { queryLevels, quantizeQuery } from '../../../src/core/int8-codec';

export interface ScanResult {
  /** Row positions (load/append order), best first; ties keep the earlier row first. */
  indices: Uint32Array;
  scores: Float32Array;
  /** Mean score over every scanned (non-excluded) row; 0 when none was scanned. */
  mean: number;
}

export interface SearchOptions {
  /** A row to leave out (the photo itself, for "more like this"). */
  exclude?: number;
  /**
   * Scan only these rows (ascending; a prefilter's candidates). The mean is then over them,
   * not over the library.
   */
  rows?: Uint32Array;
}

const STATS_PTR = 0;
const QUERY_PTR = 64;
const align = (x: number, to: number) => Math.ceil(x / to) * to;
/** Heap entries reserved with the rows: searches for up to this many never grow memory. */
const HEAP_ROOM = 4096;
/** Row-list entries reserved after the heap room, likewise. */
const LIST_ROOM = 8192;

const kernelModule = lazyModule(kernelBytes);

/** Whether this engine runs WebAssembly SIMD (Chrome 91+, Firefox 89+, Safari 16.4+, Node 16+). */
export function int8ScanSupported(): boolean {
  return kernelModule() !== null;
}

/**
 * Int8 vectors kept once in WebAssembly memory, searched exactly by a SIMD kernel.
 *
 * Memory layout (grows in place; only the small scale array moves):
 *   [stats | query int16 × dimPadded | vectors int8 capacity × dimPadded | scales f32 × capacity | heap]
 * Rows are zero-padded to a multiple of 16 values so the kernel needs no scalar tail.
 * One thread is the right number: the scan reads memory at close to the machine's
 * bandwidth, and a second worker measured no faster.
 */
export class Int8Scan {
  readonly dim: number;
  readonly dimPadded: number;
  private readonly memory: WebAssembly.Memory;
  /** search(query, vectors, scales, n, dim, k, heap, exclude, stats, list) → heap size */
  private readonly kernel: KernelFn;
  private readonly vectorsPtr: number;
  private readonly levels: number;
  private capacity = 0;
  private n = 0;

  constructor(dim: number, options: { capacity?: number; warmUp?: boolean } = {}) {
    if (!Number.isInteger(dim) || dim <= 0) throw new RangeError(`Int8Scan: bad dim ${dim}`);
    this.dim = dim;
    this.dimPadded = align(dim, 16);
    this.levels = queryLevels(this.dimPadded);
    this.vectorsPtr = align(QUERY_PTR + 2 * this.dimPadded, 64);
    const module = kernelModule();
    if (!module) throw new Error('Int8Scan: this engine lacks WebAssembly SIMD');
    const { memory, fn } = instantiate(module, 1);
    this.memory = memory;
    const search = fn('search');
    if (!search) throw new Error('Int8Scan: kernel has no search export');
    this.kernel = search;
    this.reserve(Math.max(options.capacity ?? 0, 256));
    if (options.warmUp !== false) this.warmUp();
  }

  /** Number of stored vectors. */
  get size(): number {
    return this.n;
  }

  private get scalesPtr(): number {
    return this.vectorsPtr + this.capacity * this.dimPadded;
  }

  /** Makes room for `rows` vectors, moving the scales past the grown vector block. */
  private reserve(rows: number) {
    if (rows <= this.capacity) return;
    const oldScales = this.scalesPtr;
    const oldCapacity = this.capacity;
    this.capacity = rows;
    // Room for a top-HEAP_ROOM heap too, so a search never grows (and so detaches) the memory
    // that `codes()` views hand out.
    growTo(this.memory, align(this.scalesPtr + 4 * rows, 8) + 8 * HEAP_ROOM + 4 * LIST_ROOM);
    const bytes = new Uint8Array(this.memory.buffer);
    bytes.copyWithin(this.scalesPtr, oldScales, oldScales + 4 * this.n);
    // Rows past n must read as zeros for padding; the moved-from scale bytes now lie there.
    bytes.fill(0, this.vectorsPtr + oldCapacity * this.dimPadded, this.scalesPtr);
  }

  /** Replaces the stored vectors: n rows of `dim` int8 codes, row-major, and their scales. */
  load(vectors: Int8Array, scales: Float32Array, n = scales.length) {
    this.n = 0;
    this.append(vectors, scales, n);
  }

  /** Adds n rows of `dim` int8 codes (row-major) and their scales after the stored ones. */
  append(vectors: Int8Array, scales: Float32Array, n = scales.length) {
    if (vectors.length < n * this.dim || scales.length < n) {
      throw new RangeError(`Int8Scan: ${n} rows need ${n * this.dim} codes and ${n} scales`);
    }
    const needed = this.n + n;
    // Grow by a quarter at least, so appends in small batches stay amortised O(1).
    if (needed > this.capacity) this.reserve(Math.max(needed, Math.ceil(this.capacity * 1.25)));
    const start = this.vectorsPtr + this.n * this.dimPadded;
    const rows = new Int8Array(this.memory.buffer, start, n * this.dimPadded);
    if (this.dimPadded === this.dim) {
      rows.set(vectors.subarray(0, n * this.dim));
    } else {
      rows.fill(0);
      for (let i = 0; i < n; i++) {
        rows.set(vectors.subarray(i * this.dim, (i + 1) * this.dim), i * this.dimPadded);
      }
    }
    new Float32Array(this.memory.buffer, this.scalesPtr + 4 * this.n, n).set(scales.subarray(0, n));
    this.n = needed;
  }

  /**
   * The stored codes themselves, as a view (no copy), when rows need no padding (dim a
   * multiple of 16, as CLIP's 512 is); else null. A caller can then drop its own copy, which
   * halves what a library costs in memory. Valid until the next load or append; take a
   * fresh one for each use.
   */
  codes(): Int8Array | null {
    if (this.dimPadded !== this.dim) return null;
    return new Int8Array(this.memory.buffer, this.vectorsPtr, this.n * this.dim);
  }

  /**
   * Replaces the scale of every stored row: a tuned adapter's folded norms, or the base scales
   * back. The codes stay where they are, so switching models costs one copy of n floats.
   */
  setScales(scales: Float32Array) {
    if (scales.length < this.n) {
      throw new RangeError(`Int8Scan: ${scales.length} scales for ${this.n} rows`);
    }
    new Float32Array(this.memory.buffer, this.scalesPtr, this.n).set(scales.subarray(0, this.n));
  }

  /** Exact top-k rows by inner product with `query` (dim floats), and the mean score. */
  search(query: ArrayLike<number>, k: number, options: SearchOptions = {}): ScanResult {
    if (query.length !== this.dim) {
      throw new RangeError(`Int8Scan: query has ${query.length} values, expected ${this.dim}`);
    }
    const exclude = options.exclude ?? -1;
    const list = options.rows;
    const inList = list ? list.includes(exclude) : exclude < this.n;
    const excluded = exclude >= 0 && inList ? 1 : 0;
    const scanned = list ? list.length : this.n;
    const cap = Math.max(0, Math.min(Math.floor(k), scanned - excluded));
    const heapPtr = align(this.scalesPtr + 4 * this.capacity, 8);
    const listPtr = heapPtr + 8 * Math.max(cap, HEAP_ROOM);
    growTo(this.memory, listPtr + 4 * (list ? list.length : 0));
    if (list) {
      if (list.some((row) => row >= this.n)) throw new RangeError('Int8Scan: row out of range');
      new Uint32Array(this.memory.buffer, listPtr, list.length).set(list);
    }
    const { scale } = quantizeQuery(
      query,
      new Int16Array(this.memory.buffer, QUERY_PTR, this.dimPadded),
      this.levels,
    );
    const size = this.kernel(
      QUERY_PTR,
      this.vectorsPtr,
      this.scalesPtr,
      scanned,
      this.dimPadded,
      cap,
      heapPtr,
      excluded ? exclude : -1,
      STATS_PTR,
      list ? listPtr : 0,
    );
    const buffer = this.memory.buffer;
    const heapScores = new Float32Array(buffer, heapPtr, 2 * size);
    const heapRows = new Int32Array(buffer, heapPtr, 2 * size);
    const order = Array.from({ length: size }, (_, i) => i).sort(
      (a, b) =>
        heapScores[2 * b]! - heapScores[2 * a]! || heapRows[2 * a + 1]! - heapRows[2 * b + 1]!,
    );
    const indices = new Uint32Array(size);
    const scores = new Float32Array(size);
    order.forEach((h, i) => {
      indices[i] = heapRows[2 * h + 1]!;
      scores[i] = heapScores[2 * h]! * scale;
    });
    const count = scanned - excluded;
    const sum = new Float64Array(buffer, STATS_PTR, 1)[0]!;
    return { indices, scores, mean: count > 0 ? (sum * scale) / count : 0 };
  }

  /**
   * V8 first runs WebAssembly on its baseline tier (tens of ms for a 100k scan) and
   * swaps in optimised code after some calls; pay that here, not on the first search.
   */
  private warmUp() {
    const rows = 256;
    const saved = this.n;
    this.reserve(rows);
    const query = new Float32Array(this.dim).fill(1);
    this.n = rows;
    for (let i = 0; i < 64; i++) this.search(query, 10);
    this.n = saved;
  }
}
