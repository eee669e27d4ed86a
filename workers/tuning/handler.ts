import { getProfile, modelKey, type Profile } from '../../src/core/manifest';
import {
  activeAdapterId,
  deleteAdapter,
  getAdapter,
  listAdapters,
  saveAdapter,
  setActiveAdapter,
} from '../../src/core/store/adapter-store';
import { LibraryConnection, type AdapterRecord, type LumenDb } from '../../src/core/store/db';
import { loadMatrix, type VectorMatrix } from '../../src/core/store/embedding-store';
import {
  ORIGIN_WEIGHT,
  countPairs,
  deletePair,
  listPairs,
  replaceAutoPairs,
} from '../../src/core/store/preference-store';
import { scorerKey } from '../aesthetics/scorer';
import { ScoreIndex } from '../search/rerank';
import { topK } from '../search/top-k';
import {
  askedDuos,
  createTaste,
  getTaste,
  listTastes,
  markAsked,
  setTasteAdapter,
} from '../../src/core/store/taste-store';
import { CHOOSER_TOP, choosePair } from '../../src/core/tuning/active-pairs';
import { tasteTrainingPairs } from '../../src/core/tuning/taste-weights';
import { decodeAdapter, encodeAdapter } from './adapter-codec';
import { buildPreferenceSet } from './dpo-pairs';
import { trainAdapter } from './dpo-trainer';
import { trainSettingsOf } from './manifest-settings';
import { FEW_PAIR_LIMIT, FEW_PAIR_SETTINGS } from './protocol';
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
} from './protocol';
import { adapterLabel, infoOf } from './adapter-info';
import { klCandidates } from './kl-candidates';
import { scoredHeads, tasteWeights } from './taste-orders';

/** Builds the preference set D_po, trains adapters and keeps them, all from stored vectors. */
export class TuningHandler implements TuningApi {
  #openDb: () => Promise<LumenDb>;
  #abort: AbortController | undefined;

  constructor(openDb?: () => Promise<LumenDb>) {
    const library = new LibraryConnection();
    this.#openDb = openDb ?? (() => library.get());
  }

  async pairCounts(profileId: string, taste?: string): Promise<PairCounts> {
    return countPairs(await this.#openDb(), modelOf(getProfile(profileId)), taste);
  }

  async listPairs(profileId: string, taste?: string): Promise<PairInfo[]> {
    const records = await listPairs(await this.#openDb(), modelOf(getProfile(profileId)), taste);
    return records.map(({ id, at, queryText, winner, loser, weight, origin, taste }) => ({
      id: id!,
      at,
      queryText,
      winner,
      loser,
      weight,
      origin,
      taste,
    }));
  }

  async deletePair(id: number): Promise<void> {
    await deletePair(await this.#openDb(), id);
  }

  async buildPairs(request: BuildPairsRequest): Promise<BuildPairsResult> {
    const profile = getProfile(request.profileId);
    const db = await this.#openDb();
    const matrix = await this.#matrix(db, profile);
    // Beauty is the re-ranker's combined percentile (LAION head, CLIP-IQA and pixel appeal),
    // computed from the base vectors' stored scores: never from a tuned model.
    const scores = await ScoreIndex.load(db, scorerKey(profile));
    if (scores.size === 0) {
      throw new Error('No photo has aesthetic scores yet: let scoring finish, then build pairs.');
    }
    const rankings = request.queries.map((q) => ({
      queryText: q.text,
      ranking: topK(matrix.vectors, matrix.dim, matrix.ids, q.embedding, request.grid.k).map(
        (h) => h.id,
      ),
    }));
    const set = buildPreferenceSet(
      rankings,
      (id) => scores.view(id)?.combined,
      request.grid,
      ORIGIN_WEIGHT.auto,
    );
    const model = modelOf(profile);
    await replaceAutoPairs(
      db,
      model,
      set.pairs.map(({ queryText, winner, loser, weight }) => ({
        queryText,
        winner,
        loser,
        weight,
      })),
    );
    return {
      pairs: set.total,
      queries: set.perQuery.filter((q) => q.pairs.length > 0).length,
      ties: set.ties,
      counts: await countPairs(db, model),
    };
  }

  async train(request: TrainRequest, onProgress: (p: TrainProgress) => void): Promise<AdapterInfo> {
    const profile = getProfile(request.profileId);
    const db = await this.#openDb();
    const model = modelOf(profile);
    const matrix = await this.#matrix(db, profile);
    const taste = request.taste === undefined ? undefined : await getTaste(db, request.taste);
    if (request.taste !== undefined && !taste) throw new Error('That taste is no longer stored.');
    const stored = await listPairs(db, model, taste?.id);
    const pairs = taste
      ? tasteTrainingPairs(stored, { includeAuto: request.includeAuto ?? false })
      : stored;
    if (pairs.length === 0) {
      throw new Error(
        taste
          ? 'This taste has no pairs yet: build pairs, or like, dislike or answer "Which of these two?".'
          : 'There are no preference pairs yet: build pairs or like some results.',
      );
    }
    const fewPairs = pairs.length < FEW_PAIR_LIMIT ? FEW_PAIR_SETTINGS : {};
    const queries = new Map(request.queries.map((q) => [q.text, q.embedding]));
    const rows = new Map<number, number>();
    matrix.ids.forEach((id, row) => rows.set(id, row));
    const vectors = (id: number) => {
      const row = rows.get(id);
      return row === undefined
        ? undefined
        : matrix.vectors.subarray(row * matrix.dim, (row + 1) * matrix.dim);
    };
    const candidates = klCandidates(matrix, queries);

    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    try {
      const { weights, summary } = await trainAdapter({
        baseModel: model,
        dim: matrix.dim,
        queries,
        vectors,
        pairs,
        candidates: (text) => candidates.get(text) ?? [],
        // The DPO margin and the KL softmax are in units of the model's own logit scale (as in
        // models/alignment-experiment.ts); the trainer's default of 100 suits only OpenAI CLIP.
        settings: {
          logitScale: profile.clip.logitScale,
          ...trainSettingsOf(profile.tuning),
          ...fewPairs,
          ...request.settings,
        },
        signal: abort.signal,
        onProgress,
      });
      const pairsByOrigin: PairCounts = { auto: 0, liked: 0, chosen: 0 };
      for (const p of pairs) if (queries.has(p.queryText)) pairsByOrigin[p.origin]++;
      const full = { ...summary, pairsByOrigin, ...(taste ? { taste: taste.name } : {}) };
      const label = adapterLabel(full.pairsByOrigin, full.validationAccuracy);
      const record: Omit<AdapterRecord, 'id'> = {
        baseModel: model,
        createdAt: Date.now(),
        bytes: encodeAdapter(weights, full),
        label: taste ? `${taste.name}: ${label}` : label,
      };
      const id = await saveAdapter(db, record);
      // A taste keeps one adapter: the retrained one replaces it (and the old one is deleted).
      if (taste) await setTasteAdapter(db, taste.id, id);
      return infoOf({ ...record, id });
    } finally {
      if (this.#abort === abort) this.#abort = undefined;
    }
  }

  cancel(): void {
    this.#abort?.abort();
  }

  async nextPair(request: NextPairRequest): Promise<NextPair | null> {
    const profile = getProfile(request.profileId);
    const db = await this.#openDb();
    const model = modelOf(profile);
    const weights = await tasteWeights(db, request.taste, model);
    const heads = scoredHeads(
      await this.#matrix(db, profile),
      request.queries,
      weights,
      CHOOSER_TOP,
    );
    const asked = await askedDuos(db, request.taste, model);
    return choosePair(heads, { strategy: request.strategy, seed: request.seed, asked });
  }

  async markAsked(profileId: string, taste: string, pair: Omit<NextPair, 'margin'>): Promise<void> {
    const model = modelOf(getProfile(profileId));
    await markAsked(await this.#openDb(), taste, model, pair.query, pair.a, pair.b);
  }

  async learntOrders(
    profileId: string,
    taste: string,
    queries: EmbeddedQuery[],
    k: number,
  ): Promise<LearntOrder[]> {
    const profile = getProfile(profileId);
    const db = await this.#openDb();
    const matrix = await this.#matrix(db, profile);
    const weights = await tasteWeights(db, taste, modelOf(profile));
    const before = scoredHeads(matrix, queries, null, k);
    const after = weights ? scoredHeads(matrix, queries, weights, k) : before;
    return before.map((b, i) => ({ query: b.query, before: b.ids, after: after[i]!.ids }));
  }

  async listAdapters(profileId: string): Promise<AdapterInfo[]> {
    const records = await listAdapters(await this.#openDb(), modelOf(getProfile(profileId)));
    return records.map(infoOf).sort((a, b) => b.createdAt - a.createdAt);
  }

  async activeAdapter(profileId: string): Promise<number | null> {
    const id = await activeAdapterId(await this.#openDb(), modelOf(getProfile(profileId)));
    return id ?? null;
  }

  async setActiveAdapter(profileId: string, id: number | null): Promise<void> {
    await setActiveAdapter(await this.#openDb(), modelOf(getProfile(profileId)), id ?? undefined);
  }

  async deleteAdapter(id: number): Promise<void> {
    await deleteAdapter(await this.#openDb(), id);
  }

  async exportAdapter(id: number): Promise<Uint8Array> {
    const record = await getAdapter(await this.#openDb(), id);
    if (!record) throw new Error('That tuned model is no longer stored.');
    return record.bytes;
  }

  async importAdapter(profileId: string, bytes: Uint8Array): Promise<AdapterInfo> {
    const profile = getProfile(profileId);
    const model = modelOf(profile);
    // Decoding validates the whole file before anything is stored.
    const { weights, summary } = decodeAdapter(bytes);
    if (weights.baseModel !== model) {
      throw new Error(
        `This adapter was trained for ${weights.baseModel}, but the active model is ${model}. ` +
          'Nothing was changed.',
      );
    }
    if (weights.dim !== profile.clip.embeddingSize) {
      throw new Error(
        `This adapter expects ${weights.dim}-dimensional vectors; ${model} has ` +
          `${profile.clip.embeddingSize}. Nothing was changed.`,
      );
    }
    const label = adapterLabel(summary.pairsByOrigin, summary.validationAccuracy);
    const record: Omit<AdapterRecord, 'id'> = {
      baseModel: model,
      createdAt: Date.now(),
      bytes: bytes.slice(),
      label: `Imported: ${summary.taste ? `${summary.taste}: ` : ''}${label}`,
    };
    const db = await this.#openDb();
    const id = await saveAdapter(db, record);
    // The file names its taste: it comes back as a taste of that name, with this adapter.
    if (summary.taste) {
      const names = new Set((await listTastes(db)).map((t) => t.name));
      const name = names.has(summary.taste) ? `${summary.taste} (imported)` : summary.taste;
      const taste = await createTaste(db, name);
      await setTasteAdapter(db, taste.id, id);
    }
    return infoOf({ ...record, id });
  }

  async #matrix(db: LumenDb, profile: Profile): Promise<VectorMatrix> {
    const matrix = await loadMatrix(db, modelOf(profile), profile.clip.embeddingSize);
    if (matrix.ids.length === 0) throw new Error('The library has no indexed photos yet.');
    return matrix;
  }
}

function modelOf(profile: Profile): string {
  return modelKey(profile.clip);
}
