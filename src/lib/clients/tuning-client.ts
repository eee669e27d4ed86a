import { proxy } from 'comlink';
import type {
  AdapterInfo,
  BuildPairsRequest,
  BuildPairsResult,
  EmbeddedQuery,
  LearntOrder,
  NextPair,
  NextPairRequest,
  PairCounts,
  PairInfo,
  TrainProgress,
  TrainRequest,
  TuningApi,
} from '../../../workers/tuning/protocol';
import { WorkerBridge, type WorkerCrashedError } from './worker-bridge';

/** The page's handle on the tuning worker: preference pairs, training and adapters. */
export class TuningClient {
  readonly #bridge: WorkerBridge<TuningApi>;

  constructor(onCrash?: (reason: string, error: WorkerCrashedError) => void) {
    this.#bridge = new WorkerBridge<TuningApi>(
      (name) =>
        new Worker(new URL('../../../workers/tuning/worker.ts', import.meta.url), {
          type: 'module',
          name,
        }),
      { label: 'tuning', ...(onCrash ? { onCrash } : {}) },
    );
  }

  pairCounts(profileId: string, taste?: string): Promise<PairCounts> {
    return this.#bridge.call((remote) => remote.pairCounts(profileId, taste));
  }

  listPairs(profileId: string, taste?: string): Promise<PairInfo[]> {
    return this.#bridge.call((remote) => remote.listPairs(profileId, taste));
  }

  nextPair(request: NextPairRequest): Promise<NextPair | null> {
    return this.#bridge.call((remote) => remote.nextPair(request));
  }

  markAsked(profileId: string, taste: string, pair: Omit<NextPair, 'margin'>): Promise<void> {
    return this.#bridge.call((remote) => remote.markAsked(profileId, taste, pair));
  }

  learntOrders(
    profileId: string,
    taste: string,
    queries: EmbeddedQuery[],
    k: number,
  ): Promise<LearntOrder[]> {
    return this.#bridge.call((remote) => remote.learntOrders(profileId, taste, queries, k));
  }

  deletePair(id: number): Promise<void> {
    return this.#bridge.call((remote) => remote.deletePair(id));
  }

  buildPairs(request: BuildPairsRequest): Promise<BuildPairsResult> {
    return this.#bridge.call((remote) => remote.buildPairs(request));
  }

  /** Aborting the signal stops training; nothing is stored then. */
  train(
    request: TrainRequest,
    onProgress: (p: TrainProgress) => void,
    signal?: AbortSignal,
  ): Promise<AdapterInfo> {
    return this.#bridge.call((remote) => remote.train(request, proxy(onProgress)), {
      ...(signal ? { signal } : {}),
      cancel: (remote) => remote.cancel(),
    });
  }

  listAdapters(profileId: string): Promise<AdapterInfo[]> {
    return this.#bridge.call((remote) => remote.listAdapters(profileId));
  }

  activeAdapter(profileId: string): Promise<number | null> {
    return this.#bridge.call((remote) => remote.activeAdapter(profileId));
  }

  setActiveAdapter(profileId: string, id: number | null): Promise<void> {
    return this.#bridge.call((remote) => remote.setActiveAdapter(profileId, id));
  }

  deleteAdapter(id: number): Promise<void> {
    return this.#bridge.call((remote) => remote.deleteAdapter(id));
  }

  exportAdapter(id: number): Promise<Uint8Array> {
    return this.#bridge.call((remote) => remote.exportAdapter(id));
  }

  importAdapter(profileId: string, bytes: Uint8Array): Promise<AdapterInfo> {
    return this.#bridge.call((remote) => remote.importAdapter(profileId, bytes));
  }
}
