/**
 * The residual low-rank adapter in embedding space: e′ = normalize(e + B·A·e).
 * Search keeps the stored vectors as they are: for a unit query q,
 *   q·e′ = ((I + AᵀBᵀ)·q)·e / ‖e + B·A·e‖,
 * so a query is transformed once and every stored vector gets one scale factor.
 * The factor does not depend on the length of e, so it applies to any stored
 * representation of e (unit floats, unnormalised floats, int8 codes).
 */
import type { AdapterWeights } from './protocol';
import { projectChunks } from './scales-simd';
import { paddedRows, projectTwo, stackRows } from './stacked-rows';

/** A stored vector block: float vectors or int8 codes, row-major n×dim. */
export type VectorBlock = Float32Array | Int8Array;

/** An adapter that changes nothing (B = 0), for tests and as a neutral default. */
export function identityAdapter(baseModel: string, dim: number, rank: number): AdapterWeights {
  return {
    baseModel,
    dim,
    rank,
    a: new Float32Array(rank * dim),
    b: new Float32Array(dim * rank),
  };
}

function checkShape(w: AdapterWeights, dim: number): void {
  if (w.dim !== dim) throw new Error(`Adapter expects ${w.dim}-dim vectors, got ${dim}`);
  if (w.a.length !== w.rank * w.dim || w.b.length !== w.dim * w.rank) {
    throw new Error('Adapter matrices do not match its rank and dim');
  }
}

/** e′ = normalize(e + B·A·e); a zero vector stays zero. */
export function tunedEmbedding(w: AdapterWeights, e: ArrayLike<number>): Float32Array {
  checkShape(w, e.length);
  const { dim, rank, a, b } = w;
  const t = new Float64Array(rank);
  for (let k = 0; k < rank; k++) {
    let sum = 0;
    for (let j = 0; j < dim; j++) sum += a[k * dim + j]! * e[j]!;
    t[k] = sum;
  }
  const u = new Float64Array(dim);
  let norm2 = 0;
  for (let j = 0; j < dim; j++) {
    let sum = e[j]!;
    for (let k = 0; k < rank; k++) sum += b[j * rank + k]! * t[k]!;
    u[j] = sum;
    norm2 += sum * sum;
  }
  const inv = norm2 > 0 ? 1 / Math.sqrt(norm2) : 0;
  return Float32Array.from(u, (x) => x * inv);
}

/** q′ = (I + AᵀBᵀ)·q: computed once per query; scores are then q′·e_i · scale_i. */
export function transformQuery(w: AdapterWeights, q: ArrayLike<number>): Float32Array {
  checkShape(w, q.length);
  const { dim, rank, a, b } = w;
  const bq = new Float64Array(rank);
  for (let j = 0; j < dim; j++) {
    const x = q[j]!;
    for (let k = 0; k < rank; k++) bq[k] = bq[k]! + b[j * rank + k]! * x;
  }
  const out = new Float32Array(dim);
  for (let j = 0; j < dim; j++) {
    let sum = q[j]!;
    for (let k = 0; k < rank; k++) sum += a[k * dim + j]! * bq[k]!;
    out[j] = sum;
  }
  return out;
}

/** BᵀB, r×r. */
function gram(w: AdapterWeights): Float64Array {
  const { dim, rank, b } = w;
  const g = new Float64Array(rank * rank);
  for (let j = 0; j < dim; j++) {
    for (let k = 0; k < rank; k++) {
      const x = b[j * rank + k]!;
      for (let l = 0; l < rank; l++) g[k * rank + l] = g[k * rank + l]! + x * b[j * rank + l]!;
    }
  }
  return g;
}

/**
 * 1/‖e_i + B·A·e_i‖ for every row of `vectors`, from
 *   ‖e + BAe‖² = ‖e‖² + 2(Bᵀe)·(Ae) + (Ae)ᵀ(BᵀB)(Ae),
 * which costs 2r dot products per vector instead of a d×d product. With int8 codes
 * c_i and a stored scale σ_i (e_i = σ_i·c_i) the σ_i cancels: score_i = (q′·c_i)·out_i,
 * i.e. out_i replaces σ_i. A zero vector gets 0.
 */
export function tunedScales(
  w: AdapterWeights,
  vectors: VectorBlock,
  n: number,
  dim: number,
  out: Float32Array = new Float32Array(n),
): Float32Array {
  checkShape(w, dim);
  if (vectors.length < n * dim)
    throw new Error(`Expected ${n}×${dim} values, got ${vectors.length}`);
  if (out.length < n) throw new Error(`Output holds ${out.length} scales, needs ${n}`);
  const { rank } = w;
  const g = gram(w);
  const simd = projectChunks(w, vectors, n, dim, (first, count, { stride, values }) => {
    for (let i = 0; i < count; i++) {
      out[first + i] = inverseNorm(values[i * stride]!, values, i * stride + 1, g, rank);
    }
  });
  return simd ? out : tunedScalesScalar(w, vectors, n, dim, out, g);
}

/** The plain-JS path of tunedScales, for engines without WebAssembly SIMD (and for tests). */
export function tunedScalesScalar(
  w: AdapterWeights,
  vectors: VectorBlock,
  n: number,
  dim: number,
  out: Float32Array = new Float32Array(n),
  g: Float64Array = gram(w),
): Float32Array {
  checkShape(w, dim);
  const { rank } = w;
  const m = new Float64Array(paddedRows(rank) * dim);
  stackRows(m, w.a, w.b, dim, rank);
  const p0 = new Float64Array(2 * rank);
  const p1 = new Float64Array(2 * rank);
  for (let i = 0; i < n; i += 2) {
    const base0 = i * dim;
    // An odd last vector is paired with itself; only its own result is written.
    const base1 = i + 1 < n ? base0 + dim : base0;
    let norm0 = 0;
    let norm1 = 0;
    for (let j = 0; j < dim; j++) {
      const x = vectors[base0 + j]!;
      const y = vectors[base1 + j]!;
      norm0 += x * x;
      norm1 += y * y;
    }
    projectTwo(m, rank, dim, vectors, base0, base1, p0, 0, p1, 0);
    out[i] = inverseNorm(norm0, p0, 0, g, rank);
    if (i + 1 < n) out[i + 1] = inverseNorm(norm1, p1, 0, g, rank);
  }
  return out;
}

/** p[at..] = [A·e; Bᵀ·e]. */
function inverseNorm(
  norm2: number,
  p: Float64Array | Float32Array,
  at: number,
  g: Float64Array,
  rank: number,
): number {
  let sum = norm2;
  for (let k = 0; k < rank; k++) {
    const tk = p[at + k]!;
    sum += 2 * p[at + rank + k]! * tk;
    let gt = 0;
    for (let l = 0; l < rank; l++) gt += g[k * rank + l]! * p[at + l]!;
    sum += tk * gt;
  }
  return sum > 0 ? 1 / Math.sqrt(sum) : 0;
}

export { decodeAdapter, encodeAdapter, type DecodedAdapter } from './adapter-codec';
