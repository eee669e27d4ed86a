/**
 * The training objective of the residual adapter, with hand-derived gradients.
 *
 * Tuned cosine of image e for unit query q: s′ = q·u/‖u‖ with u = e + B·t, t = A·e.
 * Reference (base) cosine: s = q·e/‖e‖. Per pair (w over l):
 *   m = logitScale·[(s′_w − s_w) − (s′_l − s_l)]
 *   ℓ = −(1−ε)·log σ(βm) − ε·log σ(−βm)                        (conservative DPO)
 * Per query, over a set S of its candidates:
 *   KL(p ‖ p′), p = softmax_S(logitScale·s), p′ = softmax_S(logitScale·s′)
 * Batch objective: Σ weight·ℓ / Σ weight + semanticWeight · mean over the batch's queries of KL.
 * S is every candidate, or (when the trainer samples) the given subset plus the batch's own
 * pair photos: those carry most of the base probability, the sample keeps the rest of the
 * library from drifting into the top.
 *
 * Backward pass: with c = ∂L/∂s′ for one (query, image), ∂s′/∂u = q/n − s′·u/n², so
 *   ∂L/∂B = Σ_q q ⊗ Σ_i (c/n)·t_i − Σ_i Γ_i·e_i ⊗ t_i − B·Σ_i Γ_i·t_i t_iᵀ,  Γ_i = Σ_q c·s′/n²
 *   ∂L/∂A = Σ_i (Σ_q (c/n)·Bᵀq − Γ_i·(Bᵀe_i + BᵀB·t_i)) ⊗ e_i
 * so each image costs one pass over e_i forward (A·e and Bᵀe together) and one backward (both
 * outer products together) per step, however many queries and pairs use it. Arithmetic in float64.
 */
import type { ProjectionKernel } from './projection';

export interface ObjectiveSettings {
  logitScale: number;
  beta: number;
  labelSmoothing: number;
  semanticWeight: number;
}

export interface QueryData {
  /** Image indices: the query's KL candidates first, then its other pair images. */
  images: Int32Array;
  candidates: number;
  /** q·e_i for each slot (the base cosine times ‖e_i‖). */
  baseDot: Float64Array;
  baseCos: Float64Array;
  /** log softmax(logitScale·s) over all candidate slots. */
  baseLogProb: Float64Array;
}

export interface Problem {
  dim: number;
  rank: number;
  settings: ObjectiveSettings;
  /** Unit query embeddings, row-major. */
  queryVectors: Float64Array;
  queries: QueryData[];
  /**
   * Holds the image embeddings (row-major, float32 as stored: they are data, not parameters)
   * and the two per-image kernels. It keeps M = [A; Bᵀ] and its gradient as state, so one
   * problem serves one Workspace at a time.
   */
  kernel: ProjectionKernel;
  imageNorm2: Float64Array;
  pairQuery: Int32Array;
  /** Slots within the pair's query. */
  pairWinner: Int32Array;
  pairLoser: Int32Array;
  pairWeight: Float64Array;
}

export interface Params {
  /** r×d */
  a: Float64Array;
  /** d×r */
  b: Float64Array;
}

export interface BatchResult {
  loss: number;
  dpo: number;
  kl: number;
  /** Pairs whose tuned cosine puts the winner above the loser. */
  correct: number;
  pairs: number;
}

/** Candidate slots of query q that the KL term uses this step; undefined = all of them. */
export type KlSubsets = (query: number) => Int32Array | undefined;

function logSigmoid(x: number): number {
  return x < 0 ? x - Math.log1p(Math.exp(x)) : -Math.log1p(Math.exp(-x));
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** log softmax(scale·x) over x[0..count). */
export function logSoftmax(x: Float64Array, count: number, scale: number): Float64Array {
  const out = new Float64Array(count);
  let max = -Infinity;
  for (let i = 0; i < count; i++) max = Math.max(max, scale * x[i]!);
  let sum = 0;
  for (let i = 0; i < count; i++) sum += Math.exp(scale * x[i]! - max);
  const logZ = max + Math.log(sum);
  for (let i = 0; i < count; i++) out[i] = scale * x[i]! - logZ;
  return out;
}

/** log softmax(scale·x[slot]) over the listed slots, written to out[slot]. */
function logSoftmaxAt(
  x: Float64Array,
  slots: Int32Array,
  count: number,
  scale: number,
  out: Float64Array,
): void {
  let max = -Infinity;
  for (let i = 0; i < count; i++) max = Math.max(max, scale * x[slots[i]!]!);
  let sum = 0;
  for (let i = 0; i < count; i++) sum += Math.exp(scale * x[slots[i]!]! - max);
  const logZ = max + Math.log(sum);
  for (let i = 0; i < count; i++) out[slots[i]!] = scale * x[slots[i]!]! - logZ;
}

/** Scratch space sized for one problem, reused by every step: a step allocates nothing large. */
export class Workspace {
  /** Per image: [A·e; Bᵀe] (2r values). */
  readonly proj: Float64Array;
  readonly norm: Float64Array;
  readonly stamp: Int32Array;
  readonly dt: Float64Array;
  readonly gamma: Float64Array;
  readonly touched: Int32Array;
  readonly gram: Float64Array;
  readonly bq: Float64Array;
  readonly tau: Float64Array;
  readonly tt: Float64Array;
  readonly coef: Float64Array;
  readonly gradBt: Float64Array;
  /** Per slot of the widest query. */
  readonly tuned: Float64Array;
  readonly c: Float64Array;
  readonly logP: Float64Array;
  readonly logPt: Float64Array;
  readonly slotStamp: Int32Array;
  readonly active: Int32Array;
  readonly klSlots: Int32Array;
  generation = 0;
  slotGeneration = 0;

  constructor(readonly problem: Problem) {
    const images = problem.imageNorm2.length;
    const r = problem.rank;
    const slots = Math.max(1, ...problem.queries.map((q) => q.images.length));
    this.proj = new Float64Array(images * 2 * r);
    this.norm = new Float64Array(images);
    this.stamp = new Int32Array(images);
    this.dt = new Float64Array(images * r);
    this.gamma = new Float64Array(images);
    this.touched = new Int32Array(images);
    this.gram = new Float64Array(r * r);
    this.bq = new Float64Array(r);
    this.tau = new Float64Array(r);
    this.tt = new Float64Array(r * r);
    this.coef = new Float64Array(4 * r);
    this.gradBt = new Float64Array(r * problem.dim);
    this.tuned = new Float64Array(slots);
    this.c = new Float64Array(slots);
    this.logP = new Float64Array(slots);
    this.logPt = new Float64Array(slots);
    this.slotStamp = new Int32Array(slots);
    this.active = new Int32Array(slots);
    this.klSlots = new Int32Array(slots);
  }
}

function computeGram(b: Float64Array, dim: number, r: number, out: Float64Array): void {
  out.fill(0);
  for (let j = 0; j < dim; j++) {
    const row = j * r;
    for (let k = 0; k < r; k++) {
      const x = b[row + k]!;
      for (let l = 0; l < r; l++) out[k * r + l] = out[k * r + l]! + x * b[row + l]!;
    }
  }
}

/** ‖e + B·t‖ from [t; Bᵀe] (already in proj) and ‖e‖². */
function tunedNorm(ws: Workspace, image: number): void {
  const { rank: r, imageNorm2 } = ws.problem;
  const at = image * 2 * r;
  let norm2 = imageNorm2[image]!;
  for (let k = 0; k < r; k++) {
    const tk = ws.proj[at + k]!;
    let gt = 0;
    for (let l = 0; l < r; l++) gt += ws.gram[k * r + l]! * ws.proj[at + l]!;
    norm2 += 2 * ws.proj[at + r + k]! * tk + tk * gt;
  }
  ws.norm[image] = Math.sqrt(Math.max(norm2, 1e-30));
}

/** [A·e; Bᵀe] and ‖e + B·t‖ for the listed images, two per pass over the matrix. */
function forwardImages(ws: Workspace, images: Int32Array, count: number): void {
  const { dim, rank: r, kernel } = ws.problem;
  for (let n = 0; n < count; n += 2) {
    const first = images[n]!;
    const second = n + 1 < count ? images[n + 1]! : first;
    kernel.project(first * dim, second * dim, ws.proj, first * 2 * r, second * 2 * r);
    tunedNorm(ws, first);
    if (second !== first) tunedNorm(ws, second);
  }
}

/** Marks a slot active once per query; returns the new active count. */
function activate(ws: Workspace, slot: number, count: number): number {
  if (ws.slotStamp[slot] === ws.slotGeneration) return count;
  ws.slotStamp[slot] = ws.slotGeneration;
  ws.active[count] = slot;
  return count + 1;
}

/**
 * Objective (and, when `grad` is given, its gradient, overwritten) over a set of pairs.
 * The KL term covers every query that has a pair in the set, over `klSubsets` when given.
 */
export function evaluate(
  ws: Workspace,
  params: Params,
  pairIndices: ArrayLike<number>,
  grad?: Params,
  klSubsets?: KlSubsets,
): BatchResult {
  const problem = ws.problem;
  const { dim, rank: r, settings, queries, queryVectors } = problem;
  const { logitScale: ls, beta, labelSmoothing: eps, semanticWeight } = settings;
  const { a, b } = params;
  const generation = ++ws.generation;
  computeGram(b, dim, r, ws.gram);
  problem.kernel.load(a, b);

  const byQuery = new Map<number, number[]>();
  let weightSum = 0;
  for (let n = 0; n < pairIndices.length; n++) {
    const p = pairIndices[n]!;
    const q = problem.pairQuery[p]!;
    let list = byQuery.get(q);
    if (!list) byQuery.set(q, (list = []));
    list.push(p);
    weightSum += problem.pairWeight[p]!;
  }
  if (grad) {
    problem.kernel.clearGradient();
    ws.gradBt.fill(0);
  }
  let touchedCount = 0;
  let dpo = 0;
  let kl = 0;
  let correct = 0;
  const klQueries = byQuery.size;
  const klScale = klQueries > 0 ? semanticWeight / klQueries : 0;
  const { tuned, c, active } = ws;

  for (const [q, list] of byQuery) {
    const data = queries[q]!;
    ws.slotGeneration++;
    const useKl = semanticWeight > 0 && data.candidates > 1;
    const subset = useKl ? klSubsets?.(q) : undefined;
    // KL slots first, so active[0..klCount) is the KL set.
    let count = 0;
    if (useKl && !subset) for (let k = 0; k < data.candidates; k++) count = activate(ws, k, count);
    if (subset) {
      for (const k of subset) count = activate(ws, k, count);
      for (const p of list) {
        for (const slot of [problem.pairWinner[p]!, problem.pairLoser[p]!]) {
          if (slot < data.candidates) count = activate(ws, slot, count);
        }
      }
    }
    const klCount = count;
    for (const p of list) {
      count = activate(ws, problem.pairWinner[p]!, count);
      count = activate(ws, problem.pairLoser[p]!, count);
    }

    const qBase = q * dim;
    for (let k = 0; k < r; k++) {
      let sum = 0;
      for (let j = 0; j < dim; j++) sum += b[j * r + k]! * queryVectors[qBase + j]!;
      ws.bq[k] = sum;
    }
    const firstNew = touchedCount;
    for (let n = 0; n < count; n++) {
      const image = data.images[active[n]!]!;
      if (ws.stamp[image] === generation) continue;
      ws.stamp[image] = generation;
      ws.touched[touchedCount++] = image;
      if (grad) {
        ws.gamma[image] = 0;
        ws.dt.fill(0, image * r, image * r + r);
      }
    }
    forwardImages(ws, ws.touched.subarray(firstNew), touchedCount - firstNew);
    for (let n = 0; n < count; n++) {
      const slot = active[n]!;
      const image = data.images[slot]!;
      let s = data.baseDot[slot]!;
      const at = image * 2 * r;
      for (let l = 0; l < r; l++) s += ws.bq[l]! * ws.proj[at + l]!;
      tuned[slot] = s / ws.norm[image]!;
      c[slot] = 0;
    }

    for (const p of list) {
      const w = problem.pairWinner[p]!;
      const l = problem.pairLoser[p]!;
      const margin = ls * (tuned[w]! - data.baseCos[w]! - (tuned[l]! - data.baseCos[l]!));
      const x = beta * margin;
      const share = problem.pairWeight[p]! / weightSum;
      dpo += share * (-(1 - eps) * logSigmoid(x) - eps * logSigmoid(-x));
      if (tuned[w]! > tuned[l]!) correct++;
      const dm = share * beta * (sigmoid(x) - (1 - eps)) * ls;
      c[w] = c[w]! + dm;
      c[l] = c[l]! - dm;
    }
    if (useKl && klCount > 1) {
      const { logP, logPt } = ws;
      if (subset) logSoftmaxAt(data.baseCos, active, klCount, ls, logP);
      else logP.set(data.baseLogProb);
      logSoftmaxAt(tuned, active, klCount, ls, logPt);
      let divergence = 0;
      for (let n = 0; n < klCount; n++) {
        const k = active[n]!;
        const pk = Math.exp(logP[k]!);
        divergence += pk * (logP[k]! - logPt[k]!);
        c[k] = c[k]! + klScale * ls * (Math.exp(logPt[k]!) - pk);
      }
      kl += divergence / klQueries;
    }
    if (!grad) continue;
    ws.tau.fill(0);
    for (let n = 0; n < count; n++) {
      const slot = active[n]!;
      const ck = c[slot]!;
      if (ck === 0) continue;
      const image = data.images[slot]!;
      const norm = ws.norm[image]!;
      const alpha = ck / norm;
      ws.gamma[image] = ws.gamma[image]! + (ck * tuned[slot]!) / (norm * norm);
      const at = image * 2 * r;
      for (let l = 0; l < r; l++) {
        ws.tau[l] = ws.tau[l]! + alpha * ws.proj[at + l]!;
        ws.dt[image * r + l] = ws.dt[image * r + l]! + alpha * ws.bq[l]!;
      }
    }
    for (let k = 0; k < r; k++) {
      const tk = ws.tau[k]!;
      const row = k * dim;
      for (let j = 0; j < dim; j++)
        ws.gradBt[row + j] = ws.gradBt[row + j]! + tk * queryVectors[qBase + j]!;
    }
  }

  if (grad) backward(ws, grad, b, touchedCount);
  return { loss: dpo + semanticWeight * kl, dpo, kl, correct, pairs: pairIndices.length };
}

/**
 * ∂A row k gets dt_k·e and ∂Bᵀ row k gets −Γ·t_k·e: the 2r coefficients of e, written to
 * coef[at..at+2r), so one pass over e serves both. Adds Γ·t tᵀ to tt.
 */
function outerCoefficients(ws: Workspace, image: number, at: number): void {
  const r = ws.problem.rank;
  const g = ws.gamma[image]!;
  const p = image * 2 * r;
  for (let k = 0; k < r; k++) {
    const tk = ws.proj[p + k]!;
    let gt = 0;
    for (let l = 0; l < r; l++) gt += ws.gram[k * r + l]! * ws.proj[p + l]!;
    ws.coef[at + k] = ws.dt[image * r + k]! - g * (ws.proj[p + r + k]! + gt);
    ws.coef[at + r + k] = -g * tk;
    for (let l = 0; l < r; l++) ws.tt[k * r + l] = ws.tt[k * r + l]! + g * tk * ws.proj[p + l]!;
  }
}

function backward(ws: Workspace, grad: Params, b: Float64Array, touchedCount: number): void {
  const { dim, rank: r, kernel } = ws.problem;
  ws.tt.fill(0);
  for (let n = 0; n < touchedCount; n += 2) {
    const first = ws.touched[n]!;
    outerCoefficients(ws, first, 0);
    let second = first;
    if (n + 1 < touchedCount) {
      second = ws.touched[n + 1]!;
      outerCoefficients(ws, second, 2 * r);
    } else ws.coef.fill(0, 2 * r);
    kernel.accumulate(ws.coef, first * dim, second * dim);
  }
  kernel.readGradient(grad.a, ws.gradBt);
  for (let j = 0; j < dim; j++) {
    for (let k = 0; k < r; k++) {
      let sum = 0;
      for (let l = 0; l < r; l++) sum += b[j * r + l]! * ws.tt[l * r + k]!;
      grad.b[j * r + k] = ws.gradBt[k * dim + j]! - sum;
    }
  }
}
