/**
 * M = [A; Bᵀ] (2r×d) as both plain-JS projections (the trainer's and tunedScales') hold it:
 * rows grouped in blocks of four and interleaved by column, so one pass over a vector feeds
 * four rows from one cache line and the JIT keeps the sums in registers.
 */
export const LANES = 4;

/** 2r rounded up to a multiple of four: the rows M is stored with (padding rows stay zero). */
export function paddedRows(rank: number): number {
  return Math.ceil((2 * rank) / LANES) * LANES;
}

/** Writes M into `m` (paddedRows(rank)×dim). a: r×d row-major; b: d×r row-major. */
export function stackRows(
  m: Float64Array,
  a: Float32Array | Float64Array,
  b: Float32Array | Float64Array,
  dim: number,
  rank: number,
): void {
  for (let row = 0; row < 2 * rank; row++) {
    const at = (row >> 2) * LANES * dim + (row & 3);
    if (row < rank) for (let j = 0; j < dim; j++) m[at + LANES * j] = a[row * dim + j]!;
    else for (let j = 0; j < dim; j++) m[at + LANES * j] = b[j * rank + (row - rank)]!;
  }
}

/**
 * out[outAt + row] = M[row]·v[at..at+d) and out2[outAt2 + row] = M[row]·v[at2..at2+d) for the
 * 2r rows: each matrix entry loaded serves both vectors. Pass the same vector twice for an odd
 * one out.
 */
export function projectTwo(
  m: Float64Array,
  rank: number,
  dim: number,
  v: Float32Array | Int8Array,
  at: number,
  at2: number,
  out: Float64Array,
  outAt: number,
  out2: Float64Array,
  outAt2: number,
): void {
  const rows = 2 * rank;
  const padded = paddedRows(rank);
  for (let block = 0; block < padded; block += LANES) {
    const offset = block * dim;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let u0 = 0;
    let u1 = 0;
    let u2 = 0;
    let u3 = 0;
    for (let j = 0; j < dim; j++) {
      const x = v[at + j]!;
      const y = v[at2 + j]!;
      const o = offset + LANES * j;
      const m0 = m[o]!;
      const m1 = m[o + 1]!;
      const m2 = m[o + 2]!;
      const m3 = m[o + 3]!;
      s0 += m0 * x;
      s1 += m1 * x;
      s2 += m2 * x;
      s3 += m3 * x;
      u0 += m0 * y;
      u1 += m1 * y;
      u2 += m2 * y;
      u3 += m3 * y;
    }
    const lanes = Math.min(LANES, rows - block);
    out[outAt + block] = s0;
    out2[outAt2 + block] = u0;
    if (lanes > 1) {
      out[outAt + block + 1] = s1;
      out2[outAt2 + block + 1] = u1;
    }
    if (lanes > 2) {
      out[outAt + block + 2] = s2;
      out2[outAt2 + block + 2] = u2;
    }
    if (lanes > 3) {
      out[outAt + block + 3] = s3;
      out2[outAt2 + block + 3] = u3;
    }
  }
}
