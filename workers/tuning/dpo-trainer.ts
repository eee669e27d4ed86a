/**
 * Ranked DPO for the residual adapter: data preparation, Adam, mini-batches grouped
 * by query, early stopping on held-back pairs. The maths lives in dpo-objective.ts.
 */
import {
  evaluate,
  logSoftmax,
  Workspace,
  type KlSubsets,
  type Params,
  type Problem,
  type QueryData,
} from './dpo-objective';
import {
  DEFAULT_TRAIN_SETTINGS,
  type AdapterWeights,
  type PreferencePair,
  type TrainProgress,
  type TrainSettings,
  type TrainSummary,
} from './protocol';
import { createProjection } from './projection';
import { gaussian, mulberry32, shuffleInPlace, type Random } from './random';

export interface TrainInput {
  baseModel: string;
  dim: number;
  /** Text embedding per query text (normalised here). */
  queries: ReadonlyMap<string, Float32Array>;
  /** Base image embedding per photo id; undefined drops the photo's pairs. */
  vectors: (id: number) => Float32Array | undefined;
  pairs: readonly PreferencePair[];
  /**
   * The photos the semantic (KL) term spreads over for a query. A KL over the top-K
   * only lets photos from outside it drift into the top results; a KL over the whole
   * library holds. Pass the whole library when it is small and a fixed random sample
   * of it (plus the query's top results) when it is large: each step costs about
   * 4·rank·dim multiply-adds per distinct photo of its queries' sets.
   */
  candidates: (queryText: string) => readonly number[];
  settings?: Partial<TrainSettings>;
  signal?: AbortSignal;
  onProgress?: (progress: TrainProgress) => void;
}

export interface TrainResult {
  weights: AdapterWeights;
  summary: TrainSummary;
}

/** A starts N(0, 1/d)·scale and B at zero: the adapter starts as the identity, yet B gets a
 * gradient at once (with A = B = 0 no gradient reaches either). */
const A_INIT_SCALE = 1;
const YIELD_EVERY_MS = 40;

function abortError(): DOMException {
  return new DOMException('Training was cancelled', 'AbortError');
}

function checkSettings(s: TrainSettings, dim: number): void {
  const positiveInt = ['rank', 'batchSize', 'maxEpochs'] as const;
  for (const key of positiveInt) {
    if (!Number.isInteger(s[key]) || s[key] < 1)
      throw new Error(`${key} must be a positive integer`);
  }
  if (s.rank > dim) throw new Error(`rank ${s.rank} exceeds the embedding size ${dim}`);
  if (!(s.beta > 0) || !(s.logitScale > 0) || !(s.learningRate > 0)) {
    throw new Error('beta, logitScale and learningRate must be positive');
  }
  if (!(s.labelSmoothing >= 0 && s.labelSmoothing < 0.5)) {
    throw new Error('labelSmoothing must be in [0, 0.5)');
  }
  if (!(s.semanticWeight >= 0)) throw new Error('semanticWeight must be ≥ 0');
  if (!Number.isInteger(s.klSample) || s.klSample < 0) {
    throw new Error('klSample must be a non-negative integer');
  }
  if (!(s.validationShare >= 0 && s.validationShare < 1)) {
    throw new Error('validationShare must be in [0, 1)');
  }
  if (!(s.patience >= 0)) throw new Error('patience must be ≥ 0');
}

/** Dense indices, float64 copies and base cosines, computed once before training. */
export function buildProblem(
  input: Pick<TrainInput, 'dim' | 'queries' | 'vectors' | 'pairs' | 'candidates'>,
  settings: TrainSettings,
): { problem: Problem; dropped: number } {
  const { dim } = input;
  const imageIndex = new Map<number, number>();
  const imageRows: Float32Array[] = [];
  const imageOf = (id: number): number | undefined => {
    const known = imageIndex.get(id);
    if (known !== undefined) return known;
    const vector = input.vectors(id);
    if (!vector) return undefined;
    if (vector.length !== dim)
      throw new Error(`Photo ${id} has ${vector.length} dims, expected ${dim}`);
    imageIndex.set(id, imageRows.length);
    imageRows.push(vector);
    return imageRows.length - 1;
  };
  const queryIndex = new Map<string, number>();
  const queryTexts: string[] = [];
  const kept: { q: number; w: number; l: number; weight: number }[] = [];
  let dropped = 0;
  for (const pair of input.pairs) {
    const text = input.queries.get(pair.queryText);
    const w = imageOf(pair.winner);
    const l = imageOf(pair.loser);
    if (!text || w === undefined || l === undefined || w === l || !(pair.weight > 0)) {
      dropped++;
      continue;
    }
    if (text.length !== dim) throw new Error(`Query "${pair.queryText}" has ${text.length} dims`);
    let q = queryIndex.get(pair.queryText);
    if (q === undefined) {
      q = queryTexts.length;
      queryIndex.set(pair.queryText, q);
      queryTexts.push(pair.queryText);
    }
    kept.push({ q, w, l, weight: pair.weight });
  }

  const slotLists = queryTexts.map((text) => {
    const slots = new Map<number, number>();
    for (const id of input.candidates(text)) {
      const image = imageOf(id);
      if (image !== undefined && !slots.has(image)) slots.set(image, slots.size);
    }
    return { slots, candidates: slots.size };
  });
  for (const pair of kept) {
    const { slots } = slotLists[pair.q]!;
    for (const image of [pair.w, pair.l]) if (!slots.has(image)) slots.set(image, slots.size);
  }

  const kernel = createProjection(dim, settings.rank, imageRows.length);
  const imageVectors = kernel.vectors;
  const imageNorm2 = new Float64Array(imageRows.length);
  imageRows.forEach((row, i) => {
    let norm2 = 0;
    for (let j = 0; j < dim; j++) {
      imageVectors[i * dim + j] = row[j]!;
      norm2 += row[j]! * row[j]!;
    }
    imageNorm2[i] = norm2;
  });
  const queryVectors = new Float64Array(queryTexts.length * dim);
  const queries: QueryData[] = queryTexts.map((text, q) => {
    const raw = input.queries.get(text)!;
    const norm = Math.hypot(...raw) || 1;
    for (let j = 0; j < dim; j++) queryVectors[q * dim + j] = raw[j]! / norm;
    const { slots, candidates } = slotLists[q]!;
    const images = Int32Array.from(slots.keys());
    const baseDot = new Float64Array(images.length);
    const baseCos = new Float64Array(images.length);
    const qBase = q * dim;
    images.forEach((image, k) => {
      // Four partial sums: this runs once per (query, candidate), the whole library per query.
      const at = image * dim;
      let [s0, s1, s2, s3] = [0, 0, 0, 0];
      let j = 0;
      for (; j + 3 < dim; j += 4) {
        s0 += queryVectors[qBase + j]! * imageVectors[at + j]!;
        s1 += queryVectors[qBase + j + 1]! * imageVectors[at + j + 1]!;
        s2 += queryVectors[qBase + j + 2]! * imageVectors[at + j + 2]!;
        s3 += queryVectors[qBase + j + 3]! * imageVectors[at + j + 3]!;
      }
      for (; j < dim; j++) s0 += queryVectors[qBase + j]! * imageVectors[at + j]!;
      const dot = s0 + s1 + s2 + s3;
      baseDot[k] = dot;
      baseCos[k] = dot / (Math.sqrt(imageNorm2[image]!) || 1);
    });
    const baseLogProb = logSoftmax(baseCos, candidates, settings.logitScale);
    return { images, candidates, baseDot, baseCos, baseLogProb };
  });

  const slotOf = (q: number, image: number) => slotLists[q]!.slots.get(image)!;
  const problem: Problem = {
    dim,
    rank: settings.rank,
    settings,
    queryVectors,
    queries,
    kernel,
    imageNorm2,
    pairQuery: Int32Array.from(kept, (p) => p.q),
    pairWinner: Int32Array.from(kept, (p) => slotOf(p.q, p.w)),
    pairLoser: Int32Array.from(kept, (p) => slotOf(p.q, p.l)),
    pairWeight: Float64Array.from(kept, (p) => p.weight),
  };
  return { problem, dropped };
}

/** A random, B = 0: the adapter starts as the identity, so training starts at the base model. */
export function initialParams(dim: number, rank: number, random: Random): Params {
  const normal = gaussian(random);
  const scale = A_INIT_SCALE / Math.sqrt(dim);
  return {
    a: Float64Array.from({ length: rank * dim }, () => normal() * scale),
    b: new Float64Array(dim * rank),
  };
}

/** Pairs shuffled within each query, queries shuffled, cut into batches, batches shuffled. */
function makeBatches(problem: Problem, train: number[], size: number, random: Random): number[][] {
  const byQuery = new Map<number, number[]>();
  for (const p of train) {
    const q = problem.pairQuery[p]!;
    const list = byQuery.get(q);
    if (list) list.push(p);
    else byQuery.set(q, [p]);
  }
  const order = shuffleInPlace(
    [...byQuery.keys()].sort((x, y) => x - y),
    random,
  );
  const flat: number[] = [];
  for (const q of order) for (const p of shuffleInPlace(byQuery.get(q)!, random)) flat.push(p);
  const batches: number[][] = [];
  for (let i = 0; i < flat.length; i += size) batches.push(flat.slice(i, i + size));
  return shuffleInPlace(batches, random);
}

class Adam {
  private readonly m: Float64Array[];
  private readonly v: Float64Array[];
  private steps = 0;
  constructor(
    private readonly params: Float64Array[],
    private readonly rate: number,
  ) {
    this.m = params.map((p) => new Float64Array(p.length));
    this.v = params.map((p) => new Float64Array(p.length));
  }
  step(grads: Float64Array[]): void {
    this.steps++;
    const c1 = 1 - 0.9 ** this.steps;
    const c2 = 1 - 0.999 ** this.steps;
    this.params.forEach((p, n) => {
      const g = grads[n]!;
      const m = this.m[n]!;
      const v = this.v[n]!;
      for (let i = 0; i < p.length; i++) {
        m[i] = 0.9 * m[i]! + 0.1 * g[i]!;
        v[i] = 0.999 * v[i]! + 0.001 * g[i]! * g[i]!;
        p[i] = p[i]! - (this.rate * m[i]!) / c1 / (Math.sqrt(v[i]! / c2) + 1e-8);
      }
    });
  }
}

/**
 * Uniform samples of each query's candidate slots for the KL term: a partial Fisher–Yates
 * shuffle of a persistent permutation, so a draw costs `size` swaps and allocates nothing.
 * Undefined when the sample would hold every candidate anyway.
 */
function klSampler(problem: Problem, size: number, random: Random): KlSubsets {
  const permutations = problem.queries.map((q) =>
    size > 0 && size < q.candidates
      ? Int32Array.from({ length: q.candidates }, (_, i) => i)
      : undefined,
  );
  return (query) => {
    const perm = permutations[query];
    if (!perm) return undefined;
    for (let i = 0; i < size; i++) {
      const j = i + Math.floor(random() * (perm.length - i));
      const x = perm[i]!;
      perm[i] = perm[j]!;
      perm[j] = x;
    }
    return perm.subarray(0, size);
  };
}

/** One fixed draw per query, for validation. */
function fixedKlSubsets(problem: Problem, size: number, random: Random): KlSubsets {
  const draw = klSampler(problem, size, random);
  const fixed = problem.queries.map((_, q) => draw(q)?.slice());
  return (query) => fixed[query];
}

const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export async function trainAdapter(input: TrainInput): Promise<TrainResult> {
  const started = performance.now();
  const settings: TrainSettings = { ...DEFAULT_TRAIN_SETTINGS, ...input.settings };
  checkSettings(settings, input.dim);
  const { signal } = input;
  if (signal?.aborted) throw abortError();
  const { problem, dropped } = buildProblem(input, settings);
  const total = problem.pairQuery.length;
  if (total === 0) throw new Error('No usable preference pairs (missing embeddings?)');

  const random = mulberry32(settings.seed);
  const shuffled = shuffleInPlace(
    Array.from({ length: total }, (_, i) => i),
    random,
  );
  const heldBack =
    settings.validationShare > 0 && total >= 2
      ? Math.min(total - 1, Math.max(1, Math.round(total * settings.validationShare)))
      : 0;
  const validation = shuffled.slice(0, heldBack);
  const train = shuffled.slice(heldBack);
  // With nothing held back, the training pairs stand in for stopping and accuracy.
  const monitor = heldBack > 0 ? validation : train;

  const params = initialParams(input.dim, settings.rank, random);
  const grads: Params = {
    a: new Float64Array(params.a.length),
    b: new Float64Array(params.b.length),
  };
  const adam = new Adam([params.a, params.b], settings.learningRate);
  const ws = new Workspace(problem);
  // A stream of its own, so the KL sample size does not change the pairs' shuffles.
  const klRandom = mulberry32(settings.seed ^ 0x5bd1e995);
  const validationKl = fixedKlSubsets(problem, settings.klSample, klRandom);
  const trainKl = klSampler(problem, settings.klSample, klRandom);
  const base = evaluate(ws, params, monitor, undefined, validationKl);
  let best = { params: { a: params.a.slice(), b: params.b.slice() }, epoch: 0, loss: base.loss };
  let bestStats = {
    trainLoss: base.loss,
    validationLoss: base.loss,
    accuracy: base.correct / base.pairs,
  };
  let steps = 0;
  let epochsRun = 0;
  let sinceBest = 0;
  let lastYield = performance.now();

  for (let epoch = 1; epoch <= settings.maxEpochs; epoch++) {
    let lossSum = 0;
    const batches = makeBatches(problem, train, settings.batchSize, random);
    for (const batch of batches) {
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await yieldToEvents();
        lastYield = performance.now();
      }
      if (signal?.aborted) throw abortError();
      lossSum += evaluate(ws, params, batch, grads, trainKl).loss;
      adam.step([grads.a, grads.b]);
      steps++;
    }
    epochsRun = epoch;
    const check = evaluate(ws, params, monitor, undefined, validationKl);
    const progress: TrainProgress = {
      epoch,
      step: steps,
      trainLoss: lossSum / batches.length,
      validationLoss: check.loss,
      validationAccuracy: check.correct / check.pairs,
    };
    input.onProgress?.(progress);
    if (check.loss < best.loss - 1e-9) {
      best = { params: { a: params.a.slice(), b: params.b.slice() }, epoch, loss: check.loss };
      bestStats = {
        trainLoss: progress.trainLoss,
        validationLoss: check.loss,
        accuracy: progress.validationAccuracy,
      };
      sinceBest = 0;
    } else if (++sinceBest > settings.patience) {
      break;
    }
  }
  if (signal?.aborted) throw abortError();

  const weights: AdapterWeights = {
    baseModel: input.baseModel,
    dim: input.dim,
    rank: settings.rank,
    a: Float32Array.from(best.params.a),
    b: Float32Array.from(best.params.b),
  };
  const summary: TrainSummary = {
    baseModel: input.baseModel,
    settings,
    trainPairs: train.length,
    validationPairs: validation.length,
    droppedPairs: dropped,
    queries: problem.queries.length,
    epochs: epochsRun,
    bestEpoch: best.epoch,
    steps,
    stoppedEarly: epochsRun < settings.maxEpochs,
    trainLoss: bestStats.trainLoss,
    validationLoss: bestStats.validationLoss,
    validationAccuracy: bestStats.accuracy,
    baseValidationAccuracy: base.correct / base.pairs,
    durationMs: Math.round(performance.now() - started),
  };
  return { weights, summary };
}
