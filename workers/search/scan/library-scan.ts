import { queryLevels, refinedDot } from '../../../src/core/int8-codec';
import type { CompactMatrix } from '../../../src/core/store/embedding-store';
import { Int8Scan, int8ScanSupported, type ScanResult } from './int8-scan';
import { referenceScan } from './scan-reference';
import { SignPrefilter } from './sign-prefilter';

/** Candidates the int8 pass hands to the refined re-scoring, per result asked for. */
export const OVERSAMPLE = 4;

/**
 * From this many photos a search first narrows the library by sign bits (SignPrefilter) and
 * scans only the nearest PREFILTER_CANDIDATES exactly; below it, every row is scanned exactly.
 */
export const PREFILTER_MIN_ROWS = 50_000;
/** Rows the prefilter hands to the exact int8 pass (more when a search asks for more). */
export const PREFILTER_CANDIDATES = 4096;

export interface LibraryHit {
  id: number;
  score: number;
}

export interface LibrarySearch {
  hits: LibraryHit[];
  /**
   * Mean similarity over every photo of the library (the relevance cutoff uses it), whatever
   * rows a filter kept: a filter narrows what is shown, not what is typical.
   */
  mean: number;
  /** Set when a filter narrowed the search: the best similarity in the whole library. */
  best?: number;
}

/**
 * The search worker's view of one model's vectors: the int8 codes live once in WebAssembly
 * memory and are scanned by the SIMD kernel; the best OVERSAMPLE·k rows are then re-scored
 * with the 2-bit refinement, which recovers the exact float top k on clustered libraries
 * where int8 alone swaps near neighbours. From PREFILTER_MIN_ROWS photos the int8 pass reads
 * only the rows a sign prefilter picks (an eighth of the bytes per row to choose them).
 * Without WebAssembly SIMD (Safari < 16.4) the same arithmetic runs in plain JS.
 */
export class LibraryScan {
  /** The matrix as given, less its codes where the kernel's memory holds them (see matrix). */
  readonly #matrix: CompactMatrix;
  readonly #scan: Int8Scan | undefined;
  #rows: Map<number, number> | undefined;
  /** The multipliers now in the kernel's memory (the base scales or a tuned view's). */
  #active: Float32Array;
  readonly #prefilter: SignPrefilter | undefined;
  /** Σ multiplier·codes per multipliers array, for the mean score when the prefilter runs. */
  readonly #sums = new WeakMap<Float32Array, Float64Array>();

  /**
   * `reuse` is an earlier scan of the same dimension whose memory (and warm-up) is kept;
   * `simd: false` forces the plain-JS path (tests compare the two).
   */
  constructor(
    matrix: CompactMatrix,
    reuse?: LibraryScan,
    simd = int8ScanSupported(),
    prefilterFrom = PREFILTER_MIN_ROWS,
  ) {
    const n = matrix.ids.length;
    let codes = matrix.codes;
    if (simd && n >= prefilterFrom) {
      this.#prefilter = new SignPrefilter(matrix.codes, matrix.scales, n, matrix.dim);
      this.#sums.set(matrix.scales, this.#prefilter.sum);
    }
    if (simd) {
      const old = reuse ? reuse.#scan : undefined;
      this.#scan = old && old.dim === matrix.dim ? old : new Int8Scan(matrix.dim, { capacity: n });
      this.#scan.load(matrix.codes, matrix.scales, n);
      // One copy of the codes, not two: drop ours when the kernel's memory can stand in.
      if (this.#scan.codes()) codes = new Int8Array(0);
    }
    this.#matrix = { ...matrix, codes };
    this.#active = matrix.scales;
  }

  /**
   * All vectors in the compact format. Its codes may be a view of the kernel's memory, valid
   * until the next scan is loaded into that memory: read `matrix` afresh for each use.
   */
  get matrix(): CompactMatrix {
    const codes = this.#scan?.codes();
    return codes ? { ...this.#matrix, codes } : this.#matrix;
  }

  get size(): number {
    return this.matrix.ids.length;
  }

  /** Row of a photo id, or -1. */
  rowOf(id: number): number {
    this.#rows ??= new Map(Array.from(this.matrix.ids, (photo, row) => [photo, row]));
    return this.#rows.get(id) ?? -1;
  }

  /**
   * Top k photos by similarity to `query`. `multipliers` replace the stored scales (a tuned
   * adapter's folded norms); `excludeRow` leaves one photo out; `rows` (ascending) are the only
   * rows that may be returned: a filter, applied before any candidate is chosen, so a filter
   * that keeps 1% still gets its true top k.
   */
  search(
    query: Float32Array,
    k: number,
    multipliers: Float32Array = this.matrix.scales,
    excludeRow = -1,
    rows?: Uint32Array,
  ): LibrarySearch {
    const want = Math.max(0, Math.floor(k));
    if (rows) return this.#filtered(query, want, multipliers, excludeRow, rows);
    const candidates = this.#candidates(query, want * OVERSAMPLE, multipliers, excludeRow);
    return {
      hits: this.#rescored(query, candidates.indices, multipliers).slice(0, want),
      mean: candidates.mean,
    };
  }

  /** Candidate rows re-scored with the 2-bit refinement, best first (ties: earlier row first). */
  #rescored(query: Float32Array, candidates: Uint32Array, multipliers: Float32Array): LibraryHit[] {
    // Read after the scan: a big k may have grown the kernel's memory under older views.
    const { dim, codes, fine, ids } = this.matrix;
    const rows = Array.from(candidates);
    const exact = rows.map((row) => refinedDot(codes, fine, row, dim, query) * multipliers[row]!);
    return rows
      .map((_, i) => i)
      .sort((a, b) => exact[b]! - exact[a]! || rows[a]! - rows[b]!)
      .map((i) => ({ id: ids[rows[i]!]!, score: exact[i]! }));
  }

  /**
   * The top k of `rows`, with the whole library's mean and best similarity (the cutoff's
   * measures). Few rows are scanned exactly; more go through the sign prefilter, whose one
   * pass over the bits gives the library's candidates and the kept rows' candidates alike.
   */
  #filtered(
    query: Float32Array,
    want: number,
    multipliers: Float32Array,
    excludeRow: number,
    rows: Uint32Array,
  ): LibrarySearch {
    const take = want * OVERSAMPLE;
    const count = Math.max(PREFILTER_CANDIDATES, 2 * take);
    let whole: { best: number; mean: number };
    let kept: Uint32Array;
    if (!this.#scan) {
      const { codes, dim } = this.matrix;
      const all = referenceScan(
        codes,
        multipliers,
        this.size,
        dim,
        query,
        this.size,
        queryLevels(dim),
        excludeRow,
      );
      const allowed = new Uint8Array(this.size);
      for (const row of rows) allowed[row] = 1;
      const best = this.#rescored(query, all.indices.slice(0, OVERSAMPLE), multipliers)[0];
      whole = { best: best?.score ?? -1, mean: all.mean };
      kept = all.indices.filter((row) => allowed[row] === 1).slice(0, take);
    } else if (!this.#prefilter || rows.length <= count || count > this.size / 4) {
      // Few enough to read each one (a prefilter would hand over most of them anyway).
      const all = this.search(query, 1, multipliers, excludeRow);
      whole = { best: all.hits[0]?.score ?? -1, mean: all.mean };
      this.#use(multipliers);
      kept = this.#scan.search(query, take, { exclude: excludeRow, rows }).indices;
    } else {
      this.#use(multipliers);
      const allowed = new Uint8Array(this.size);
      for (const row of rows) allowed[row] = 1;
      const near = this.#prefilter.candidatesWithin(query, count, excludeRow, allowed);
      const top = this.#scan.search(query, OVERSAMPLE, { rows: near.all }).indices;
      const best = this.#rescored(query, top, multipliers)[0];
      whole = { best: best?.score ?? -1, mean: this.#mean(query, multipliers, excludeRow) };
      kept = this.#scan.search(query, take, { rows: near.kept }).indices;
    }
    const hits = this.#rescored(query, kept, multipliers).slice(0, want);
    return { hits, mean: whole.mean, best: whole.best };
  }

  #use(multipliers: Float32Array) {
    if (this.#active !== multipliers) {
      this.#scan?.setScales(multipliers);
      this.#active = multipliers;
    }
  }

  #candidates(
    query: Float32Array,
    k: number,
    multipliers: Float32Array,
    excludeRow: number,
  ): ScanResult {
    const { codes, dim } = this.matrix;
    if (!this.#scan) {
      return referenceScan(
        codes,
        multipliers,
        this.size,
        dim,
        query,
        k,
        queryLevels(dim),
        excludeRow,
      );
    }
    this.#use(multipliers);
    // A search that wants a good share of the library reads it all anyway: scan it whole.
    const count = Math.max(PREFILTER_CANDIDATES, 2 * k);
    if (!this.#prefilter || count > this.size / 4) {
      return this.#scan.search(query, k, { exclude: excludeRow });
    }
    const rows = this.#prefilter.candidates(query, count, excludeRow);
    const found = this.#scan.search(query, k, { rows });
    return { ...found, mean: this.#mean(query, multipliers, excludeRow) };
  }

  /** Mean score over every photo but `excludeRow`, from Σ multiplier·codes (one dot product). */
  #mean(query: Float32Array, multipliers: Float32Array, excludeRow: number): number {
    const { codes, dim } = this.matrix;
    const n = this.size;
    let sum = this.#sums.get(multipliers);
    if (!sum) {
      // Once per multiplier array (a tuned adapter's), one SIMD pass over the codes.
      sum = this.#prefilter!.weightedSum(codes, multipliers);
      this.#sums.set(multipliers, sum);
    }
    let total = 0;
    for (let j = 0; j < dim; j++) total += sum[j]! * query[j]!;
    let count = n;
    if (excludeRow >= 0 && excludeRow < n) {
      let own = 0;
      for (let j = 0; j < dim; j++) own += codes[excludeRow * dim + j]! * query[j]!;
      total -= multipliers[excludeRow]! * own;
      count -= 1;
    }
    return count > 0 ? total / count : 0;
  }
}
