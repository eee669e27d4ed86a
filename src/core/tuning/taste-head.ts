/**
 * A taste as a small preference head (issue 22): a direction v in embedding space learnt from
 * a person's picks by Bradley–Terry (logistic regression on the embedding difference of winner
 * and loser, strong L2), applied at ranking as a nudge among the relevant results:
 *   final = relevance + λ · z(v·x)
 * where z standardises v·x over the library. The embedding itself does not move, so relevance
 * is only reordered within the head the re-ranker already keeps, which is what keeps precision.
 * The Laplace approximation of the posterior gives each pair's uncertainty, which the active
 * chooser asks about. Pure: the tuning worker trains it, the search worker applies it, and the
 * Node harness (models/taste-experiment.ts) does both the same way.
 */

export interface TasteHead {
  dim: number;
  /** The preference direction (length dim). */
  w: Float32Array;
  /** L2 strength it was trained with (the prior precision of the Laplace approximation). */
  l2: number;
  /** The pairs' difference vectors (rows of length dim) and their Laplace curvatures. */
  diffs: Float32Array;
  curvature: Float32Array;
  /** Pairs it was trained on. */
  pairs: number;
  /**
   * Weight learnt for the pairs' relevance gap, when pairs carry one: the person's answers
   * weigh relevance κ against taste v·x, so v/κ is the taste in relevance units.
   */
  kappa: number;
}

export interface HeadPair {
  winner: Float32Array;
  loser: Float32Array;
  weight: number;
  /** Relevance of winner minus loser for the pair's query (rerank's relevance), if known. */
  gap?: number;
  /** "Similar": the person saw no difference, so v·(winner − loser) is pulled toward 0. */
  tie?: boolean;
  /**
   * A fixed logit the pair already has (the base model's: logit scale × cosine gap for its
   * query), so the head learns what the base order gets wrong rather than what it gets right.
   */
  offset?: number;
}

export interface HeadSettings {
  /** L2 strength α on v (per unit of pair weight). */
  l2: number;
  /** Gradient iterations. */
  iterations: number;
  /** L2 strength on κ (per unit of pair weight), when pairs carry a relevance gap. */
  kappaL2: number;
  /** Weight of a tie's squared margin, relative to a pick of the same weight. */
  tieWeight: number;
}

export const DEFAULT_HEAD_SETTINGS: HeadSettings = {
  l2: 1,
  iterations: 200,
  kappaL2: 0.01,
  tieWeight: 1,
};

const sigmoid = (t: number) => 1 / (1 + Math.exp(-t));

/**
 * Minimises Σ wᵢ·log(1 + exp(−v·dᵢ)) + (α/2)·Σwᵢ·|v|², dᵢ = winner − loser, by Nesterov
 * gradient steps of 1/L (L bounds the Hessian: ¼·Σwᵢ|dᵢ|² + α·Σwᵢ). Milliseconds for tens of pairs.
 */
export function trainTasteHead(
  pairs: readonly HeadPair[],
  dim: number,
  settings: Partial<HeadSettings> = {},
): TasteHead {
  const { l2, iterations, kappaL2, tieWeight } = { ...DEFAULT_HEAD_SETTINGS, ...settings };
  const ties = pairs.map((p) => p.tie === true);
  const n = pairs.length;
  const withGap = pairs.some((p) => p.gap !== undefined);
  const gaps = new Float64Array(n);
  const offsets = Float64Array.from(pairs, (p) => p.offset ?? 0);
  const diffs = new Float32Array(n * dim);
  const weights = new Float64Array(n);
  let total = 0;
  let lipschitz = 0;
  pairs.forEach((p, i) => {
    let sq = 0;
    for (let j = 0; j < dim; j++) {
      const d = p.winner[j]! - p.loser[j]!;
      diffs[i * dim + j] = d;
      sq += d * d;
    }
    gaps[i] = p.gap ?? 0;
    weights[i] = p.weight;
    total += p.weight;
    lipschitz += (ties[i] ? tieWeight : 0.25) * p.weight * (sq + gaps[i] ** 2);
  });
  const alpha = l2 * Math.max(total, 1e-9);
  const alphaK = kappaL2 * Math.max(total, 1e-9);
  lipschitz += Math.max(alpha, alphaK);
  let kappa = 0;
  let kappaY = 0;
  const v = new Float64Array(dim);
  const y = new Float64Array(dim);
  const grad = new Float64Array(dim);
  const margins = new Float64Array(n);
  if (n > 0) {
    for (let it = 0; it < iterations; it++) {
      for (let i = 0; i < n; i++) {
        let m = 0;
        for (let j = 0; j < dim; j++) m += y[j]! * diffs[i * dim + j]!;
        margins[i] = ties[i]
          ? weights[i]! * tieWeight * m
          : -weights[i]! * sigmoid(-(m + kappaY * gaps[i]! + offsets[i]!));
      }
      let gradK = alphaK * kappaY;
      for (let i = 0; i < n; i++) gradK += margins[i]! * gaps[i]!;
      for (let j = 0; j < dim; j++) grad[j] = alpha * y[j]!;
      for (let i = 0; i < n; i++) {
        const g = margins[i]!;
        for (let j = 0; j < dim; j++) grad[j] = grad[j]! + g * diffs[i * dim + j]!;
      }
      const momentum = it / (it + 3);
      if (withGap) {
        const next = kappaY - gradK / lipschitz;
        kappaY = next + momentum * (next - kappa);
        kappa = next;
      }
      for (let j = 0; j < dim; j++) {
        const next = y[j]! - grad[j]! / lipschitz;
        y[j] = next + momentum * (next - v[j]!);
        v[j] = next;
      }
    }
  }
  const curvature = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let j = 0; j < dim; j++) m += v[j]! * diffs[i * dim + j]!;
    const p = sigmoid(m + kappa * gaps[i]! + offsets[i]!);
    curvature[i] = ties[i] ? weights[i]! * tieWeight : weights[i]! * p * (1 - p);
  }
  return { dim, w: Float32Array.from(v), l2: alpha, diffs, curvature, pairs: n, kappa };
}

/** v·x for each of `count` rows of `vectors` (row-major, dim wide). */
export function headValues(
  head: TasteHead,
  vectors: Float32Array,
  count: number,
  dim = head.dim,
): Float32Array {
  const out = new Float32Array(count);
  for (let r = 0; r < count; r++) {
    let s = 0;
    const at = r * dim;
    for (let j = 0; j < dim; j++) s += head.w[j]! * vectors[at + j]!;
    out[r] = s;
  }
  return out;
}

/** Standardises values in place (mean 0, sd 1; sd 0 leaves zeros). */
export function standardise(values: Float32Array): Float32Array {
  const n = values.length;
  if (n === 0) return values;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]! / n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (values[i]! - mean) ** 2 / n;
  const sd = Math.sqrt(variance);
  for (let i = 0; i < n; i++) values[i] = sd > 1e-12 ? (values[i]! - mean) / sd : 0;
  return values;
}

/**
 * The head's margin on a pair a over b (v·(a − b)) and its Laplace variance
 * dᵀ(αI + DᵀCD)⁻¹d, through Woodbury with an n×n solve (n = pairs trained on).
 */
export function pairUncertainty(
  head: TasteHead,
  a: Float32Array,
  b: Float32Array,
  solver = laplaceSolver(head),
): { margin: number; variance: number } {
  const dim = head.dim;
  const d = new Float64Array(dim);
  let margin = 0;
  let sq = 0;
  for (let j = 0; j < dim; j++) {
    d[j] = a[j]! - b[j]!;
    margin += head.w[j]! * d[j]!;
    sq += d[j]! * d[j]!;
  }
  return { margin, variance: solver(d, sq) };
}

/** Precomputes the Woodbury factor once per head, for many pairUncertainty calls. */
export function laplaceSolver(head: TasteHead): (d: Float64Array, sq: number) => number {
  const { dim, pairs: n, diffs, curvature } = head;
  const alpha = head.l2 > 0 ? head.l2 : 1e-6;
  // M = diag(α/cᵢ) + D·Dᵀ; Σ = (1/α)(I − Dᵀ M⁻¹ D).
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = i; k < n; k++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += diffs[i * dim + j]! * diffs[k * dim + j]!;
      m[i * n + k] = s;
      m[k * n + i] = s;
    }
    m[i * n + i] = m[i * n + i]! + alpha / Math.max(curvature[i]!, 1e-9);
  }
  const chol = cholesky(m, n);
  return (d, sq) => {
    if (n === 0) return sq / alpha;
    const u = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += diffs[i * dim + j]! * d[j]!;
      u[i] = s;
    }
    // uᵀM⁻¹u = |L⁻¹u|².
    let quad = 0;
    for (let i = 0; i < n; i++) {
      let s = u[i]!;
      for (let k = 0; k < i; k++) s -= chol[i * n + k]! * u[k]!;
      u[i] = s / chol[i * n + i]!;
      quad += u[i]! * u[i]!;
    }
    return Math.max(0, (sq - quad) / alpha);
  };
}

function cholesky(m: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k <= i; k++) {
      let s = m[i * n + k]!;
      for (let j = 0; j < k; j++) s -= l[i * n + j]! * l[k * n + j]!;
      l[i * n + k] = i === k ? Math.sqrt(Math.max(s, 1e-12)) : s / l[k * n + k]!;
    }
  }
  return l;
}

/**
 * How sure the head is of a over b, smaller = less sure: |mean| / √(1 + π·var/8), the probit
 * approximation's distance from a coin toss under the Laplace posterior.
 */
export function headDoubt(
  head: TasteHead,
  a: Float32Array,
  b: Float32Array,
  solver = laplaceSolver(head),
): number {
  const { margin, variance } = pairUncertainty(head, a, b, solver);
  return Math.abs(margin) / Math.sqrt(1 + (Math.PI * variance) / 8);
}

/** Mean and standard deviation of v·x over `count` rows (row-major), for z = (v·x − mean)/sd. */
export function headStats(
  w: ArrayLike<number>,
  vectors: Float32Array,
  count: number,
  dim: number,
): { mean: number; sd: number } {
  let sum = 0;
  let sq = 0;
  for (let r = 0; r < count; r++) {
    let s = 0;
    const at = r * dim;
    for (let j = 0; j < dim; j++) s += w[j]! * vectors[at + j]!;
    sum += s;
    sq += s * s;
  }
  const mean = count ? sum / count : 0;
  return { mean, sd: Math.sqrt(Math.max(0, (count ? sq / count : 0) - mean * mean)) };
}

/**
 * z = (v·x − mean)/sd of every row of an int8 matrix (row r is scales[r]·codes[r]), standardised
 * over the rows: what search adds to each hit. The 2-bit refinement is left out, which moves
 * v·x by far less than the spread of the library.
 */
export function headZInt8(
  w: ArrayLike<number>,
  codes: Int8Array,
  scales: Float32Array,
  count: number,
  dim: number,
): Float32Array {
  const out = new Float32Array(count);
  for (let r = 0; r < count; r++) {
    let s = 0;
    const at = r * dim;
    for (let j = 0; j < dim; j++) s += w[j]! * codes[at + j]!;
    out[r] = s * scales[r]!;
  }
  return standardise(out);
}

/** Binary entropy in bits. */
function entropyBits(p: number): number {
  if (p <= 0 || p >= 1) return 0;
  return -(p * Math.log2(p) + (1 - p) * Math.log2(1 - p));
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 through erf; |error| < 1.5e-7). */
function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/**
 * What answering a over b would teach the head: the mutual information between the answer and
 * v under the Laplace posterior (BALD, Houlsby et al. 2011, through the probit approximation of
 * the logistic). `offset` is the part of the answer's logit the head does not own (the person's
 * relevance: a pair whose relevance differs much is answered by relevance, and teaches v
 * little, however unsure the head is). Larger = more to learn; 0 when the answer is certain.
 */
export function headInformation(
  head: TasteHead,
  a: Float32Array,
  b: Float32Array,
  offset = 0,
  solver = laplaceSolver(head),
): number {
  const { margin, variance } = pairUncertainty(head, a, b, solver);
  // logistic(t) ≈ Φ(t·√(π/8)).
  const scale = Math.sqrt(Math.PI / 8);
  const mu = scale * (margin + offset);
  const s2 = scale * scale * variance;
  const c2 = (Math.PI * Math.LN2) / 2;
  const marginal = entropyBits(normalCdf(mu / Math.sqrt(1 + s2)));
  const expected = Math.sqrt(c2 / (s2 + c2)) * Math.exp(-(mu * mu) / (2 * (s2 + c2)));
  return Math.max(0, marginal - expected);
}
