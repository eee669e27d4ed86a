/**
 * Types and defaults owned by the fine-tuning feature (DESIGN.md steps 4–5).
 * Pure data: the page and the training worker both import it.
 */

/** One preference: for `queryText`, photo `winner` should rank above photo `loser`. */
export interface PreferencePair {
  queryText: string;
  winner: number;
  loser: number;
  /** Multiplies the pair's loss; person-made picks can count more than grid pairs. */
  weight: number;
  /** 'auto' = from the D_po grid; 'liked' / 'chosen' = the person's likes and A/B picks. */
  origin: 'auto' | 'liked' | 'chosen';
}

/** How the partial-order set D_po is sampled from one query's ranking. */
export interface DpoGridSettings {
  /** Semantic top-K the grid is sampled from. */
  k: number;
  /** Grid rows: semantic-rank bands. */
  u: number;
  /** Grid columns: items per band, ordered by beauty. */
  v: number;
  /** Stride: every s-th item of the top-K is sampled. */
  s: number;
  /** Seeds the sampling offset within the stride. */
  seed: number;
}

// u·v·s = 100 = k: the grid spans the whole top-K. 5×5 gives 200 pairs per query.
export const DEFAULT_DPO_GRID: DpoGridSettings = { k: 100, u: 5, v: 5, s: 4, seed: 1 };

export interface TrainSettings {
  /** Rank r of the residual adapter e′ = normalize(e + B·A·e). */
  rank: number;
  /** DPO inverse temperature. */
  beta: number;
  /**
   * Conservative-DPO label smoothing ε in [0, 0.5). With ε > 0 the loss has a finite
   * optimum at the cosine margin ln((1−ε)/ε)/(β·logitScale); with ε = 0 it has none,
   * and embeddings keep drifting as long as training runs.
   */
  labelSmoothing: number;
  /** Weight of the KL(base ‖ tuned) term that keeps semantic ranking in place. */
  semanticWeight: number;
  /**
   * Candidates per query and step that the KL term samples (uniformly, without replacement)
   * from the query's whole candidate set, plus the step's own pair photos; 0 = all of them.
   * A KL over the top-K only lets photos from outside it drift into the top 10, so the sample
   * is drawn from the whole library, not the top. Validation uses one fixed sample per query,
   * so its loss is comparable from epoch to epoch. The cost of a step grows with this number.
   */
  klSample: number;
  learningRate: number;
  /** Pairs per optimisation step. */
  batchSize: number;
  maxEpochs: number;
  /** Share of pairs held back for validation loss, accuracy and early stopping. */
  validationShare: number;
  /** Epochs without a better validation loss before stopping. */
  patience: number;
  seed: number;
  /** CLIP's softmax scale (1/τ); 100 for the OpenAI and most OpenCLIP models. */
  logitScale: number;
}

// β·logitScale = 50 and ε = 0.1 aim for a cosine margin of ln 9 / 50 ≈ 0.044: about the
// spread of cosines within a query's top results, so the target is reachable.
export const DEFAULT_TRAIN_SETTINGS: TrainSettings = {
  rank: 8,
  beta: 0.5,
  labelSmoothing: 0.1,
  semanticWeight: 1,
  klSample: 32,
  learningRate: 2e-3,
  batchSize: 128,
  maxEpochs: 20,
  validationShare: 0.1,
  patience: 3,
  seed: 1,
  logitScale: 100,
};

/** The cosine margin the smoothed DPO loss is minimised at (Infinity when ε = 0). */
export function targetCosineMargin(settings: TrainSettings): number {
  const eps = settings.labelSmoothing;
  return Math.log((1 - eps) / eps) / (settings.beta * settings.logitScale);
}

/** The residual low-rank adapter: e′ = normalize(e + B·A·e). */
export interface AdapterWeights {
  /** Model id (and revision) of the embeddings it was trained on; never applied to others. */
  baseModel: string;
  dim: number;
  rank: number;
  /** r×d, row-major. */
  a: Float32Array;
  /** d×r, row-major. */
  b: Float32Array;
}

/** Reported once per epoch. */
export interface TrainProgress {
  epoch: number;
  /** Optimisation steps so far. */
  step: number;
  /** Mean training objective (DPO + semantic term) over the epoch. */
  trainLoss: number;
  /** Objective on the held-back pairs (their queries' semantic term included). */
  validationLoss: number;
  /** Share of held-back pairs the tuned model orders winner above loser. */
  validationAccuracy: number;
}

export interface TrainSummary {
  baseModel: string;
  settings: TrainSettings;
  trainPairs: number;
  validationPairs: number;
  /** Pairs skipped because their query or a photo had no embedding. */
  droppedPairs: number;
  queries: number;
  epochs: number;
  /** The epoch whose weights were kept (lowest validation loss). */
  bestEpoch: number;
  steps: number;
  stoppedEarly: boolean;
  trainLoss: number;
  validationLoss: number;
  validationAccuracy: number;
  /** Validation accuracy of the base model, for comparison. */
  baseValidationAccuracy: number;
  durationMs: number;
  /** Pairs trained on, by origin (set by the tuning worker, which knows where pairs came from). */
  pairsByOrigin?: Record<PreferencePair['origin'], number>;
  /** The taste's name, so an exported adapter file says whose taste it is (issue 22). */
  taste?: string;
  /** The taste head trained on the same picks (issue 22), applied by search beside the adapter. */
  head?: StoredHead;
}

/** A taste head as the adapter file keeps it (src/core/tuning/taste-head.ts). */
export interface StoredHead {
  /** The preference direction over base embeddings (length dim). */
  w: number[];
  /** Its weight at ranking, in cosine units per standard deviation over the library. */
  lambda: number;
  l2: number;
  /** Picks (pairs) it was trained on. */
  pairs: number;
}

// ---- The tuning worker's interface (the page reaches it through Comlink) ----

export type PairOrigin = PreferencePair['origin'];
export type PairCounts = Record<PairOrigin, number>;

/** A query with its (possibly rephrased) text embedding from the search worker's text tower. */
export interface EmbeddedQuery {
  text: string;
  embedding: Float32Array;
}

export interface BuildPairsRequest {
  profileId: string;
  queries: EmbeddedQuery[];
  grid: DpoGridSettings;
}

export interface BuildPairsResult {
  /** Automatic pairs now stored (they replace the previous automatic set). */
  pairs: number;
  /** Queries that gave at least one pair. */
  queries: number;
  /** Pairs left out because two photos of a grid row had the same beauty. */
  ties: number;
  /** All stored pairs of this model, by origin. */
  counts: PairCounts;
}

export interface TrainRequest {
  profileId: string;
  /** Embeddings for the query texts of the stored pairs; pairs of other queries are dropped. */
  queries: EmbeddedQuery[];
  settings: Partial<TrainSettings>;
  /**
   * Trains this taste (TasteRecord.id) on its own picks, and replaces its adapter. Without
   * it, every stored pair trains a new adapter, as before tastes existed.
   */
  taste?: string;
  /** With a taste: also train on the automatic pairs, weighted by AUTO_SHARE (taste-weights.ts). */
  includeAuto?: boolean;
}

/**
 * Few-pair training (a taste's own picks, tens of pairs), chosen on VAL by bench/taste-sweep.mjs
 * over the simulated people (issue 22): the largest share of each person's val ceiling within 2
 * points of P@10. Small batches and a high rate, so 50 picks make enough steps; a semantic
 * weight of 2, since at the profile's 0.2 fifty picks cost 4 points of precision. Early
 * stopping: holding back 10% or 20% of the picks (patience 5) was compared on val against
 * holding back none (docs/tastes.md has the figures); with nothing held back every pick trains
 * and the training pairs stand in for stopping. Recorded in models/manifest.json as tiny-world
 * `tuning.fewPairSettings` (manifest-settings.spec checks the two agree).
 */
export const FEW_PAIR_SETTINGS: Partial<TrainSettings> = {
  batchSize: 8,
  maxEpochs: 30,
  validationShare: 0,
  patience: 30,
  semanticWeight: 2,
  learningRate: 0.01,
};

/**
 * The taste head (issue 22, src/core/tuning/taste-head.ts): a Bradley–Terry direction learnt
 * from a taste's picks, applied among the relevant results as relevance + λ·z(head)/span, i.e.
 * λ in cosine units per standard deviation of the head over the library, as the ceiling shifts
 * base cosine by λ·z(person's score). Chosen on VAL by bench/taste-head-sweep.mjs (4 simulated
 * people, 3 seeds, random and active picks): the λ with the largest mean share of the val
 * ceiling whose mean P@10 loss stays within 2 points. `doubt` is how "Which of these two?"
 * measures what the taste is least sure of once it has a head.
 */
export const TASTE_HEAD = {
  l2: 1,
  lambda: 0.01,
  /**
   * How "Which of these two?" asks: 'info' takes the pair whose answer would teach the head
   * most (BALD under the Laplace posterior, headInformation), with relevanceLogit as the part of
   * the answer owed to relevance, so pairs relevance already decides are not asked; 'laplace'
   * the pair it is least sure of; 'margin' the smallest score gap. Chosen on val
   * (bench/taste-head-sweep.mjs --checkpoints, docs/simulated-people.md).
   */
  doubt: 'info' as 'info' | 'laplace' | 'margin',
  /** Logit per unit of relevance (0 at the library's mean cosine, 1 at the best). */
  relevanceLogit: 3,
  /**
   * Whether the page trains a taste as this head (and asks with it) instead of the DPO adapter.
   * On since the 'info' chooser: on the page's own e2e scenario (e2e/taste.spec.ts: 20 "Which
   * of these two?" answers only, a quarter of the test photos) the night lover's taste goes
   * 0.173 → 0.191 (the adapter: 0.177; the head with the 'laplace' chooser: 0.168, which is why
   * it was off before; docs/simulated-people.md). The search worker applies a head whenever a
   * file carries one.
   */
  onPage: true as boolean,
};

/** Below this many pairs a training run uses FEW_PAIR_SETTINGS. */
export const FEW_PAIR_LIMIT = 500;

/** The next "Which of these two?" pair for a taste (issue 22, active chooser). */
export interface NextPairRequest {
  profileId: string;
  taste: string;
  /** Recent searches and the profile's training queries, embedded: pairs spread over them. */
  queries: EmbeddedQuery[];
  strategy: 'active' | 'random';
  seed: number;
}

export interface NextPair {
  query: string;
  a: number;
  b: number;
  /** Score margin under the taste's current model: small = unsure. */
  margin: number;
}

/** Top results of a few queries under the base model and under the taste's model. */
export interface LearntOrder {
  query: string;
  before: number[];
  after: number[];
}

/** A stored adapter as lists show it. */
export interface AdapterInfo {
  id: number;
  baseModel: string;
  createdAt: number;
  label: string;
  summary: TrainSummary;
  /** Pairs it was trained on, by origin. */
  pairsByOrigin: PairCounts;
}

/** One stored pair as the page lists it. */
export interface PairInfo extends PreferencePair {
  id: number;
  at: number;
  /** The taste the pair belongs to (automatic pairs serve every taste). */
  taste: string;
}

export interface TuningApi {
  /** Stored pairs of the profile's model, by origin; with a taste, its picks and the automatic pairs. */
  pairCounts(profileId: string, taste?: string): Promise<PairCounts>;
  listPairs(profileId: string, taste?: string): Promise<PairInfo[]>;
  deletePair(id: number): Promise<void>;
  /** Rebuilds the automatic D_po pairs from the given queries and stores them. */
  buildPairs(request: BuildPairsRequest): Promise<BuildPairsResult>;
  /**
   * Trains on every stored pair (or a taste's), stores the adapter and makes it active; a
   * taste's retrain replaces its previous adapter.
   */
  train(request: TrainRequest, onProgress: (p: TrainProgress) => void): Promise<AdapterInfo>;
  /** The pair the taste's model is least sure of (or a random one), never one asked before. */
  nextPair(request: NextPairRequest): Promise<NextPair | null>;
  /** Marks a pair as asked for a taste (answered or skipped): it is never asked again. */
  markAsked(profileId: string, taste: string, pair: Omit<NextPair, 'margin'>): Promise<void>;
  /** What a taste learnt: each query's top `k` under the base model and under the taste. */
  learntOrders(
    profileId: string,
    taste: string,
    queries: EmbeddedQuery[],
    k: number,
  ): Promise<LearntOrder[]>;
  cancel(): void;
  listAdapters(profileId: string): Promise<AdapterInfo[]>;
  /** The active adapter's id, or null when search uses the base model. */
  activeAdapter(profileId: string): Promise<number | null>;
  setActiveAdapter(profileId: string, id: number | null): Promise<void>;
  deleteAdapter(id: number): Promise<void>;
  /** The adapter file, as export writes it. */
  exportAdapter(id: number): Promise<Uint8Array>;
  /** Validates a file (format, base model) and stores it as the active adapter; throws a clear error otherwise. */
  importAdapter(profileId: string, bytes: Uint8Array): Promise<AdapterInfo>;
}
