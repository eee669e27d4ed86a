/**
 * Candidate pairs by banded sign-bit hashing: each band keys a photo by the signs of `bits`
 * coordinates of its centred vector, and photos sharing a band's key are candidates. Centring
 * (by the library mean, frozen at the first batch) matters: CLIP vectors share a large common
 * direction, so raw signs would put unlike photos in one bucket. The coordinates themselves
 * serve as the hyperplanes (their signs cost one comparison each, no projection), which is why
 * many bands are used; recall is measured in bench/moments-bench.mjs.
 *
 * Each band is a sorted array of key·2^SLOT_BITS + slot, so buckets are runs, a batch of new
 * photos is found by binary search and merged in linearly.
 */

export const SLOT_BITS = 22;
const SLOT_SPAN = 2 ** SLOT_BITS;
export const MAX_SLOTS = SLOT_SPAN;

export interface BandSettings {
  bands: number;
  bits: number;
  /** A bucket larger than this pairs each photo with its next `maxBucket` only. */
  maxBucket: number;
  seed: number;
}

/**
 * Most differing bits of `signs` for a pair to be compared. Two random photos differ in about
 * 32 of 64; a pair at the no-time moment threshold (about 0.9 once centred) in about 9, and
 * more than 24 happens to such a pair about once in 10^4.
 */
export const HAMMING_LIMIT = 24;

export function hamming(signs: Uint32Array, a: number, b: number): number {
  return popcount(signs[2 * a]! ^ signs[2 * b]!) + popcount(signs[2 * a + 1]! ^ signs[2 * b + 1]!);
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

export const DEFAULT_BANDS: BandSettings = { bands: 36, bits: 16, maxBucket: 64, seed: 7 };

/** Deterministic coordinate choice (mulberry32). */
function chooseCoordinates(dim: number, s: BandSettings): Int32Array {
  let a = s.seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Int32Array(s.bands * s.bits);
  for (let b = 0; b < s.bands; b++) {
    // Distinct coordinates within a band; bands may share coordinates.
    const used = new Set<number>();
    for (let k = 0; k < s.bits; k++) {
      let c = Math.floor(next() * dim);
      while (used.has(c)) c = (c + 1) % dim;
      used.add(c);
      out[b * s.bits + k] = c;
    }
  }
  return out;
}

/** Emits candidate pairs (slot a < slot b) into a growable list. */
export interface PairSink {
  push(a: number, b: number): void;
}

export class SignBands {
  readonly #dim: number;
  readonly #s: BandSettings;
  readonly #coords: Int32Array;
  #mean: Float32Array | null = null;
  #sorted: Float64Array[];

  constructor(dim: number, settings: BandSettings = DEFAULT_BANDS) {
    this.#dim = dim;
    this.#s = settings;
    this.#coords = chooseCoordinates(dim, settings);
    this.#sorted = Array.from({ length: settings.bands }, () => new Float64Array(0));
  }

  /** Band keys of rows [0, n) of int8 codes: n × bands, row-major. */
  keys(codes: Int8Array, n: number): Uint32Array {
    const dim = this.#dim;
    const { bands, bits } = this.#s;
    if (!this.#mean) {
      const mean = new Float32Array(dim);
      for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j]! += codes[i * dim + j]!;
      for (let j = 0; j < dim; j++) mean[j]! /= Math.max(1, n);
      this.#mean = mean;
    }
    const mean = this.#mean;
    const out = new Uint32Array(n * bands);
    for (let i = 0; i < n; i++) {
      const row = i * dim;
      for (let b = 0; b < bands; b++) {
        let key = 0;
        for (let k = 0; k < bits; k++) {
          const c = this.#coords[b * bits + k]!;
          if (codes[row + c]! > mean[c]!) key |= 1 << k;
        }
        out[i * bands + b] = key >>> 0;
      }
    }
    return out;
  }

  /**
   * 64 sign bits of each row's centred vector (two words a row), on coordinates spread over the
   * vector: a pair whose bits differ in more than HAMMING_LIMIT places is not worth a cosine.
   * Call after `keys`, which fixes the mean.
   */
  signs(codes: Int8Array, n: number): Uint32Array {
    const dim = this.#dim;
    const mean = this.#mean ?? new Float32Array(dim);
    const out = new Uint32Array(n * 2);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < 64; k++) {
        const c = Math.floor((k * dim) / 64);
        if (codes[i * dim + c]! > mean[c]!) out[i * 2 + (k >> 5)]! |= 1 << (k & 31);
      }
    }
    return out;
  }

  /**
   * Adds rows with the given slots (keys from `keys`), emitting every candidate pair among them
   * and with the rows already held whose slot is alive.
   */
  add(slots: Uint32Array, keys: Uint32Array, alive: Uint8Array, sink: PairSink): void {
    const { bands, maxBucket } = this.#s;
    const n = slots.length;
    for (let b = 0; b < bands; b++) {
      const fresh = new Float64Array(n);
      for (let i = 0; i < n; i++) fresh[i] = keys[i * bands + b]! * SLOT_SPAN + slots[i]!;
      fresh.sort();
      const base = this.#sorted[b]!;
      // New rows against held rows: the held run with the same key.
      for (let i = 0; i < n; i++) {
        const key = Math.floor(fresh[i]! / SLOT_SPAN);
        const slot = fresh[i]! - key * SLOT_SPAN;
        let at = lowerBound(base, key * SLOT_SPAN);
        for (let seen = 0; at < base.length && seen < maxBucket; at++) {
          const v = base[at]!;
          if (v >= (key + 1) * SLOT_SPAN) break;
          const other = v - key * SLOT_SPAN;
          if (!alive[other]) continue;
          seen++;
          sink.push(Math.min(slot, other), Math.max(slot, other));
        }
      }
      emitRuns(fresh, maxBucket, sink);
      this.#sorted[b] = mergeSorted(base, fresh, alive);
    }
  }
}

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Pairs within runs of equal key, each row with at most its next `cap` in the run. */
function emitRuns(sorted: Float64Array, cap: number, sink: PairSink): void {
  let start = 0;
  while (start < sorted.length) {
    const key = Math.floor(sorted[start]! / SLOT_SPAN);
    let end = start + 1;
    while (end < sorted.length && Math.floor(sorted[end]! / SLOT_SPAN) === key) end++;
    for (let i = start; i < end; i++) {
      const a = sorted[i]! - key * SLOT_SPAN;
      const last = Math.min(end, i + 1 + cap);
      for (let j = i + 1; j < last; j++) sink.push(a, sorted[j]! - key * SLOT_SPAN);
    }
    start = end;
  }
}

/** Merges two sorted arrays, dropping rows no longer alive. */
function mergeSorted(a: Float64Array, b: Float64Array, alive: Uint8Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  const keep = (v: number) => alive[v % SLOT_SPAN] === 1;
  while (i < a.length || j < b.length) {
    const v = j >= b.length || (i < a.length && a[i]! < b[j]!) ? a[i++]! : b[j++]!;
    if (keep(v)) out[k++] = v;
  }
  return out.subarray(0, k);
}
