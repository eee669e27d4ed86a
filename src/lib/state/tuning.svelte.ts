import {
  DEFAULT_DPO_GRID,
  DEFAULT_TRAIN_SETTINGS,
  type EmbeddedQuery,
} from '../../../workers/tuning/protocol';
import { modelKey, type Profile } from '../../core/manifest';
import type { LumenDb } from '../../core/store/db';
import { addPairs } from '../../core/store/preference-store';
import { recentQueries, rememberQuery } from '../../core/store/query-history';
import type { RephraseState } from './rephrase.svelte';
import { rephrasingKey } from './rephrasing-key';
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

export type TuningWorker = PairsClient & TrainClient & AdaptersClient;

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
    this.pairs = new TuningPairs({
      client,
      profileId,
      grid: profile.tuning?.grid ?? DEFAULT_DPO_GRID,
      countQueries: async () => (await texts()).texts.length,
      embedQueries: async () => this.#embed((await texts()).texts),
      store: async (pairs) =>
        addPairs(
          await db(),
          pairs.map((p) => ({ ...p, model })),
        ),
    });
    this.taste = new TuningTaste({
      currentQuery: deps.search.currentQuery,
      shown: deps.search.shown,
      add: (pairs) => this.pairs.add(pairs),
    });
    this.adapters = new TuningAdapters({ client, profileId, refreshSearch: deps.search.refresh });
    this.training = new TuningTraining({
      client,
      profileId,
      maxEpochs: profile.tuning?.settings['maxEpochs'] ?? DEFAULT_TRAIN_SETTINGS.maxEpochs,
      // Every stored pair names its query; the trainer drops pairs whose query it cannot embed.
      embedPairQueries: async () => {
        const texts = pairQueryTexts(await client.listPairs(profileId));
        return (await this.#embed(texts)).queries;
      },
      onTrained: async () => {
        await this.adapters.trained();
        await this.pairs.refresh();
      },
    });
  }

  /** Whether training queries are embedded with a stored rephrasing blended in. */
  get rephrasing(): boolean {
    return this.deps.rephraser.ready;
  }

  /** Loads counts and models the first time the panel opens (the tuning worker starts then). */
  open(): Promise<void> {
    this.#opened ??= Promise.all([this.pairs.refresh(), this.adapters.refresh()]).then(
      () => undefined,
    );
    return this.#opened;
  }

  /** Keeps a searched query as a training query (the history holds the last 100). */
  async remember(text: string): Promise<void> {
    await rememberQuery(await this.deps.db(), text);
  }

  #embed(texts: string[]): Promise<{ queries: EmbeddedQuery[]; rephrased: number }> {
    return embedQueries(
      texts,
      { embedTexts: this.deps.embedTexts, rephraser: this.deps.rephraser },
      this.#embeddings,
    );
  }
}

/**
 * Rephrasings for training queries without running the model for each: the one applied to
 * the current query, else the one RephraseState cached for this model and style.
 */
export function storedRephrasings(
  rephrase: RephraseState,
  db: () => Promise<LumenDb>,
): TrainingRephraser {
  return {
    get ready() {
      return rephrase.settings.enabled && rephrase.status === 'ready';
    },
    get blend() {
      return rephrase.settings.blend;
    },
    async lookup(query) {
      const applied = rephrase.applied.textFor(query);
      if (applied) return applied;
      const model = rephrase.info?.model;
      if (!model) return null;
      const key = rephrasingKey(model, rephrase.settings.style, query);
      return (await (await db()).get('rephrasings', key))?.text ?? null;
    },
  };
}
