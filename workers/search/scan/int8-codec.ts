/**
 * Symmetric per-vector int8 quantisation: x ≈ scale · q with q in [-127, 127] and
 * scale = max|x| / 127 (stored as f32). -128 is never produced, so negation is exact.
 * A zero vector gets scale 0 and all-zero codes.
 */

export const INT8_LEVELS = 127;

/** Largest |value| of a float vector (non-finite values count as 0). */
function maxAbs(x: ArrayLike<number>, offset: number, dim: number): number {
  let m = 0;
  for (let j = 0; j < dim; j++) {
    const a = Math.abs(x[offset + j]!);
    if (a > m && a !== Infinity) m = a;
  }
  return m;
}

/**
 * Quantises `dim` values of `x` from `xOffset` into `out` at `outOffset` with `levels`
 * steps each side of zero. Returns the f32 scale (0 for a zero vector).
 */
function quantizeInto(
  x: ArrayLike<number>,
  xOffset: number,
  dim: number,
  out: Int8Array | Int16Array,
  outOffset: number,
  levels: number,
): number {
  const m = maxAbs(x, xOffset, dim);
  const scale = Math.fround(m / levels);
  if (scale === 0) {
    out.fill(0, outOffset, outOffset + dim);
    return 0;
  }
  // Divide by the stored (rounded) scale, so the codes match what decoding multiplies by.
  const inv = 1 / scale;
  for (let j = 0; j < dim; j++) {
    const v = x[xOffset + j]!;
    const q = Number.isFinite(v) ? Math.round(v * inv) : 0;
    out[outOffset + j] = q > levels ? levels : q < -levels ? -levels : q;
  }
  return scale;
}

export interface Int8Vector {
  codes: Int8Array;
  scale: number;
}

/** Quantises one float vector to int8 codes and its scale. */
export function quantize(x: ArrayLike<number>): Int8Vector {
  const codes = new Int8Array(x.length);
  const scale = quantizeInto(x, 0, x.length, codes, 0, INT8_LEVELS);
  return { codes, scale };
}

/** Float values of int8 codes: scale · q. */
export function dequantize(codes: ArrayLike<number>, scale: number): Float32Array {
  const out = new Float32Array(codes.length);
  for (let j = 0; j < codes.length; j++) out[j] = scale * codes[j]!;
  return out;
}

export interface Int8Batch {
  /** n rows of `dim` codes, row-major. */
  codes: Int8Array;
  /** One f32 scale per row. */
  scales: Float32Array;
  n: number;
  dim: number;
}

/** Quantises n row-major float vectors of `dim` values, each with its own scale. */
export function quantizeBatch(vectors: ArrayLike<number>, dim: number): Int8Batch {
  if (dim <= 0 || vectors.length % dim !== 0) {
    throw new RangeError(`quantizeBatch: ${vectors.length} values is not a multiple of dim ${dim}`);
  }
  const n = vectors.length / dim;
  const codes = new Int8Array(n * dim);
  const scales = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    scales[i] = quantizeInto(vectors, i * dim, dim, codes, i * dim, INT8_LEVELS);
  }
  return { codes, scales, n, dim };
}

/**
 * Largest query code such that an int8 row · int16 query dot product over `dim` values
 * cannot overflow i32 (stored rows may hold -128): 128 · levels · dim < 2^31.
 */
export function queryLevels(dim: number): number {
  return Math.min(32767, Math.floor((2 ** 31 - 1) / (128 * Math.max(1, dim))));
}

export interface Int16Query {
  codes: Int16Array;
  scale: number;
}

/**
 * Quantises a query to int16 (finer than int8, so the query adds almost no error) into
 * `out`, whose length may exceed the query's (the rest is zeroed: row padding).
 */
export function quantizeQuery(
  query: ArrayLike<number>,
  out: Int16Array = new Int16Array(query.length),
  levels: number = queryLevels(out.length),
): Int16Query {
  if (out.length < query.length) throw new RangeError('quantizeQuery: output too short');
  const scale = quantizeInto(query, 0, query.length, out, 0, levels);
  out.fill(0, query.length);
  return { codes: out, scale };
}
