import {
  DEFAULT_DPO_GRID,
  DEFAULT_TRAIN_SETTINGS,
  FEW_PAIR_LIMIT,
  FEW_PAIR_SETTINGS,
  type EmbeddedQuery,
  type NextPair,
  type NextPairRequest,
  type PairCounts,
} from '../../../workers/tuning/protocol';
import { modelKey, type Profile } from '../../core/manifest';
import type { LumenDb } from '../../core/store/db';
import { addPairs } from '../../core/store/preference-store';
import { recentQueries, rememberQuery } from '../../core/store/query-history';
import { TuningLearnt, type LearntClient } from './tuning-learnt.svelte';
import { TuningTastes } from './tuning-tastes.svelte';
import { TuningAdapters, type AdaptersClient } from './tuning-adapters.svelte';
import { TuningPairs, type PairsClient } from './tuning-pairs.svelte';
import {
  embeddingCache,
  embedQueries,
  pairQueryTexts,
  trainingQueryTexts,
  type TrainingRephraser,
} from './tuning-queries';
import { TuningTaste } from './tuning-taste.svelte';
import { TuningTraining, type TrainClient } from './tuning-training.svelte';

/** What "Which of these two?" needs of the tuning worker (TuningClient; a fake in specs). */
export interface ChooserClient {
  nextPair: (request: NextPairRequest) => Promise<NextPair | null>;
  markAsked: (profileId: string, taste: string, pair: Omit<NextPair, 'margin'>) => Promise<void>;
}

export { storedRephrasings } from './tuning-rephrasings';

export type TuningWorker = PairsClient &
  TrainClient &
  AdaptersClient &
  LearntClient &
  ChooserClient;

/** "Which of these two?" answers between background retrains of the active taste. */
export const RETRAIN_EVERY = 5;
/** Recent searches the chooser spreads its pairs over (with the profile's training queries). */
const CHOOSER_RECENT = 8;

export interface TuningDeps {
  client: TuningWorker;
  /** The profile's id, its CLIP model (pairs and adapters belong to it) and its tuning lists. */
  profile: Pick<Profile, 'id' | 'tuning'> & { clip: { id: string; revision: string } };
  db: () => Promise<LumenDb>;
  /** The text tower (loaded on demand). */
  embedTexts: (texts: string[]) => Promise<Float32Array[]>;
  rephraser: TrainingRephraser;
  search: {
    currentQuery: () => string | null;
    shown: () => number[];
    refresh: () => Promise<void>;
  };
}

/** "Tune to my taste": pairs, the person's own picks, training and the tuned models. */
export class TuningState {
  readonly pairs: TuningPairs;
  readonly taste: TuningTaste;
  readonly training: TuningTraining;
  readonly adapters: TuningAdapters;
  readonly tastes: TuningTastes;
  readonly learnt: TuningLearnt;
  #opened: Promise<void> | undefined;
  readonly #embeddings = embeddingCache();

  constructor(private readonly deps: TuningDeps) {
    const { client, profile, db } = deps;
    const profileId = profile.id;
    const model = modelKey(profile.clip);
    const texts = () =>
      trainingQueryTexts({
        recent: async () => (await recentQueries(await db())).map((r) => r.text),
        builtIn: profile.tuning?.trainingQueries ?? [],
      });
    const taste = () => this.tastes.activeId;
    this.pairs = new TuningPairs({
      client,
      profileId,
      taste,
      tasteName: () => this.tastes.active?.name,
      grid: profile.tuning?.grid ?? DEFAULT_DPO_GRID,
      countQueries: async () => (await texts()).texts.length,
      embedQueries: async () => this.#embed((await texts()).texts),
      store: async (pairs) => {
        const current = await this.tastes.current();
        return addPairs(
          await db(),
          pairs.map((p) => ({ ...p, model, taste: current })),
        );
      },
    });
    this.taste = new TuningTaste({
      currentQuery: deps.search.currentQuery,
      shown: deps.search.shown,
      add: (pairs) => this.pairs.add(pairs),
      nextPair: async (strategy, seed) =>
        client.nextPair({
          profileId,
          taste: await this.tastes.current(),
          queries: await this.#chooserQueries(),
          strategy,
          seed,
        }),
      // A plain copy: page state must never reach postMessage (proxies cannot be cloned).
      markAsked: async ({ query, a, b }) =>
        client.markAsked(profileId, await this.tastes.current(), { query, a, b }),
      // The taste retrains in the background every few answers; results on screen keep
      // their order until the person asks for the new one or searches again.
      onPick: (picks) => {
        if (picks % RETRAIN_EVERY === 0 && !this.training.running) void this.training.train();
      },
    });
    this.adapters = new TuningAdapters({ client, profileId, refreshSearch: deps.search.refresh });
    this.learnt = new TuningLearnt({
      client,
      profileId,
      taste,
      queries: async () => {
        const recent = (await recentQueries(await db())).slice(0, 3).map((r) => r.text);
        return (await this.#embed(recent)).queries;
      },
    });
    this.tastes = new TuningTastes({
      db,
      useAdapter: (id) => this.adapters.use(id),
      changed: async () => {
        await Promise.all([this.pairs.refresh(), this.learnt.refresh()]);
      },
    });
    this.training = new TuningTraining({
      client,
      profileId,
      // The worker trains fewer than FEW_PAIR_LIMIT pairs with the few-pair settings.
      maxEpochs: () =>
        trainedPairs(this.pairs.counts, this.training.includeAuto) < FEW_PAIR_LIMIT
          ? (FEW_PAIR_SETTINGS.maxEpochs ?? DEFAULT_TRAIN_SETTINGS.maxEpochs)
          : (profile.tuning?.settings['maxEpochs'] ?? DEFAULT_TRAIN_SETTINGS.maxEpochs),
      // Every stored pair names its query; the trainer drops pairs whose query it cannot embed.
      taste,
      embedPairQueries: async () => {
        const texts = pairQueryTexts(await client.listPairs(profileId, taste()));
        return (await this.#embed(texts)).queries;
      },
      onTrained: async () => {
        await Promise.all([this.tastes.refresh(), this.adapters.trained()]);
        await Promise.all([this.pairs.refresh(), this.learnt.refresh()]);
      },
    });
  }

  /** Whether training queries are embedded with a stored rephrasing blended in. */
  get rephrasing(): boolean {
    return this.deps.rephraser.ready;
  }

  /** Loads counts and models the first time the panel opens (the tuning worker starts then). */
  open(): Promise<void> {
    this.#opened ??= this.tastes
      .refresh()
      .then(() =>
        Promise.all([this.pairs.refresh(), this.adapters.refresh(), this.learnt.refresh()]),
      )
      .then(() => undefined);
    return this.#opened;
  }

  /**
   * Keeps a searched query as a training query (the history holds the last 100). A new
   * search already uses the newest model, so no "show with new taste" is waiting then.
   */
  async remember(text: string): Promise<void> {
    this.adapters.searched();
    await rememberQuery(await this.deps.db(), text);
  }

  /** Where "Which of these two?" looks: recent searches, then the profile's training queries. */
  async #chooserQueries(): Promise<EmbeddedQuery[]> {
    const recent = (await recentQueries(await this.deps.db())).slice(0, CHOOSER_RECENT);
    const texts = await trainingQueryTexts({
      recent: () => Promise.resolve(recent.map((r) => r.text)),
      builtIn: this.deps.profile.tuning?.trainingQueries ?? [],
    });
    return (await this.#embed(texts.texts)).queries;
  }

  #embed(texts: string[]): Promise<{ queries: EmbeddedQuery[]; rephrased: number }> {
    return embedQueries(
      texts,
      { embedTexts: this.deps.embedTexts, rephraser: this.deps.rephraser },
      this.#embeddings,
    );
  }
}

/** How many pairs a taste's training uses, by the rule of taste-weights.ts. */
function trainedPairs(counts: PairCounts | null, includeAuto: boolean): number {
  if (!counts) return 0;
  const picks = counts.liked + counts.chosen;
  return picks === 0 || includeAuto ? picks + counts.auto : picks;
}
