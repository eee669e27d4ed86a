import type {
  AdapterInfo,
  EmbeddedQuery,
  TrainProgress,
  TrainRequest,
  TrainSettings,
} from '../../../workers/tuning/protocol';
import { errorMessage } from '../../core/errors';

/** What training needs of the tuning worker (TuningClient; a fake in specs). */
export interface TrainClient {
  train: (
    request: TrainRequest,
    onProgress: (p: TrainProgress) => void,
    signal?: AbortSignal,
  ) => Promise<AdapterInfo>;
}

export interface TrainingDeps {
  client: TrainClient;
  profileId: string;
  /** Epoch limit the trainer will use (the manifest's recorded setting or the default). */
  maxEpochs: number | (() => number);
  /** Embeddings for every query text that stored pairs name. */
  embedPairQueries: () => Promise<EmbeddedQuery[]>;
  /** Called with the new adapter, which the worker has already made active. */
  onTrained: (adapter: AdapterInfo) => Promise<void>;
  settings?: Partial<TrainSettings>;
  /** The taste to train (its own picks; its adapter is replaced), when tastes are in use. */
  taste?: () => string;
}

export type TrainingPhase = 'idle' | 'embedding' | 'training';

/** Training an adapter from the stored pairs: progress per epoch, and cancel. */
export class TuningTraining {
  #phase = $state<TrainingPhase>('idle');
  #history = $state<TrainProgress[]>([]);
  #error = $state<string | null>(null);
  #message = $state<string | null>(null);
  #abort: AbortController | undefined;
  /**
   * Also learn from the automatic pairs (bound to a checkbox). They are scaled to half the
   * picks' total weight (AUTO_SHARE), so a few picks are never drowned by thousands of them.
   */
  includeAuto = $state(false);

  constructor(private readonly deps: TrainingDeps) {}

  get phase(): TrainingPhase {
    return this.#phase;
  }
  get running(): boolean {
    return this.#phase !== 'idle';
  }
  /** One entry per finished epoch of the current (or last) run. */
  get history(): TrainProgress[] {
    return this.#history;
  }
  get latest(): TrainProgress | null {
    return this.#history.at(-1) ?? null;
  }
  get maxEpochs(): number {
    const m = this.deps.maxEpochs;
    return typeof m === 'number' ? m : m();
  }
  get error(): string | null {
    return this.#error;
  }
  /** What the last run ended with, when it did not fail. */
  get message(): string | null {
    return this.#message;
  }

  async train(): Promise<AdapterInfo | null> {
    if (this.running) return null;
    const abort = new AbortController();
    this.#abort = abort;
    this.#history = [];
    this.#error = null;
    this.#message = null;
    this.#phase = 'embedding';
    try {
      const queries = await this.deps.embedPairQueries();
      abort.signal.throwIfAborted();
      this.#phase = 'training';
      // A block body: the callback's return value travels back to the worker.
      const onProgress = (p: TrainProgress) => {
        this.#history = [...this.#history, { ...p }];
      };
      const request: TrainRequest = {
        profileId: this.deps.profileId,
        queries,
        settings: this.deps.settings ?? {},
        ...(this.deps.taste ? { taste: this.deps.taste(), includeAuto: this.includeAuto } : {}),
      };
      const adapter = await this.deps.client.train(request, onProgress, abort.signal);
      const s = adapter.summary;
      // A taste trained on its picks alone is a taste head (issue 22): no epochs, nothing held back.
      const headOnly = s.head !== undefined && s.validationPairs === 0 && s.steps <= 1;
      this.#message = headOnly
        ? `Trained on ${s.trainPairs} pairs: a taste head that orders ` +
          `${Math.round(s.validationAccuracy * 100)}% of them as you did ` +
          `(base model ${Math.round(s.baseValidationAccuracy * 100)}%). The next search uses it.`
        : `Trained on ${s.trainPairs + s.validationPairs} pairs in ${s.epochs} epochs` +
          `${s.stoppedEarly ? ' (stopped early)' : ''}: ` +
          `${Math.round(s.validationAccuracy * 100)}% of held-back pairs in order ` +
          `(base model ${Math.round(s.baseValidationAccuracy * 100)}%). The next search uses it.`;
      await this.deps.onTrained(adapter);
      return adapter;
    } catch (e) {
      if (abort.signal.aborted) this.#message = 'Training cancelled; nothing was stored.';
      else this.#error = errorMessage(e);
      return null;
    } finally {
      this.#phase = 'idle';
      if (this.#abort === abort) this.#abort = undefined;
    }
  }

  cancel(): void {
    this.#abort?.abort();
  }
}
