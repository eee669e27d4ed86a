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
import {
  DEFAULT_TRAIN_SETTINGS,
  FEW_PAIR_LIMIT,
  FEW_PAIR_SETTINGS,
  TASTE_HEAD,
  type StoredHead,
} from './protocol';
import {
  headDoubt,
  headInformation,
  laplaceSolver,
  trainTasteHead,
  type TasteHead,
} from '../../src/core/tuning/taste-head';
import type { PreferenceRecord, TasteRecord } from '../../src/core/store/db';
import { identityAdapter } from './adapter';
import type {
  TrainSettings,
  TrainSummary,
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
import { headNudge, relevanceOf, scoredHeads, tasteModel, tasteWeights } from './taste-orders';

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
    const settings: Partial<TrainSettings> = {
      logitScale: profile.clip.logitScale,
      ...trainSettingsOf(profile.tuning),
      ...fewPairs,
      ...request.settings,
    };
    // A taste trained on its own picks is a taste head only (issue 22): on VAL the head alone
    // kept precision, and the DPO adapter beside it cost 3 to 7 points of P@10
    // (bench/taste-head-sweep.mjs, docs/simulated-people.md). The adapter file then carries
    // identity weights and the head; with the automatic pairs ticked the adapter trains as before.
    const headOnly = TASTE_HEAD.onPage && !request.includeAuto;
    if (taste && headOnly && pairs.every((p) => p.origin !== 'auto')) {
      return this.#trainHeadOnly(db, model, taste, pairs, queries, vectors, matrix.dim, {
        settings: { ...DEFAULT_TRAIN_SETTINGS, ...settings },
        onProgress,
      });
    }
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
        settings,
        signal: abort.signal,
        onProgress,
      });
      const pairsByOrigin: PairCounts = { auto: 0, liked: 0, chosen: 0 };
      for (const p of pairs) if (queries.has(p.queryText)) pairsByOrigin[p.origin]++;
      // A taste also gets its head: the picks' preference direction (milliseconds).
      const head = taste && TASTE_HEAD.onPage ? pickHead(stored, vectors, matrix.dim) : undefined;
      const storedHead = head && storedHeadOf(head);
      const full = {
        ...summary,
        pairsByOrigin,
        ...(taste ? { taste: taste.name } : {}),
        ...(storedHead ? { head: storedHead } : {}),
      };
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

  /** Trains a taste's head on its picks and stores it with identity adapter weights. */
  async #trainHeadOnly(
    db: LumenDb,
    model: string,
    taste: TasteRecord,
    pairs: readonly PreferenceRecord[],
    queries: ReadonlyMap<string, Float32Array>,
    vectors: (id: number) => Float32Array | undefined,
    dim: number,
    { settings, onProgress }: { settings: TrainSettings; onProgress: (p: TrainProgress) => void },
  ): Promise<AdapterInfo> {
    const started = performance.now();
    const head = pickHead(pairs, vectors, dim);
    if (!head) throw new Error('None of this taste’s picks has photos still in the library.');
    // How the picks are ordered: by the head alone, and by the base model for their query.
    let inOrder = 0;
    let baseInOrder = 0;
    let loss = 0;
    let total = 0;
    const used = pairs.filter((p) => vectors(p.winner) && vectors(p.loser));
    for (const p of used) {
      const w = vectors(p.winner)!;
      const l = vectors(p.loser)!;
      let m = 0;
      for (let j = 0; j < dim; j++) m += head.w[j]! * (w[j]! - l[j]!);
      if (m > 0) inOrder++;
      loss += p.weight * Math.log1p(Math.exp(-m));
      total += p.weight;
      const q = queries.get(p.queryText);
      if (q) {
        let d = 0;
        for (let j = 0; j < dim; j++) d += q[j]! * (w[j]! - l[j]!);
        if (d > 0) baseInOrder++;
      }
    }
    const accuracy = used.length ? inOrder / used.length : 0;
    const trainLoss = total ? loss / total : 0;
    onProgress({
      epoch: 1,
      step: 1,
      trainLoss,
      validationLoss: trainLoss,
      validationAccuracy: accuracy,
    });
    const rank = Math.max(1, Math.min(settings.rank, dim));
    const weights = identityAdapter(model, dim, rank);
    const pairsByOrigin: PairCounts = { auto: 0, liked: 0, chosen: 0 };
    for (const p of used) pairsByOrigin[p.origin]++;
    const summary: TrainSummary = {
      baseModel: model,
      settings: { ...settings, rank },
      trainPairs: used.length,
      validationPairs: 0,
      droppedPairs: pairs.length - used.length,
      queries: new Set(used.map((p) => p.queryText)).size,
      epochs: 1,
      bestEpoch: 1,
      steps: 1,
      stoppedEarly: false,
      trainLoss,
      validationLoss: trainLoss,
      validationAccuracy: accuracy,
      baseValidationAccuracy: used.length ? baseInOrder / used.length : 0,
      durationMs: performance.now() - started,
      pairsByOrigin,
      taste: taste.name,
      head: storedHeadOf(head),
    };
    const label = adapterLabel(pairsByOrigin, accuracy);
    const record: Omit<AdapterRecord, 'id'> = {
      baseModel: model,
      createdAt: Date.now(),
      bytes: encodeAdapter(weights, summary),
      label: `${taste.name}: ${label}`,
    };
    const id = await saveAdapter(db, record);
    await setTasteAdapter(db, taste.id, id);
    return infoOf({ ...record, id });
  }

  async nextPair(request: NextPairRequest): Promise<NextPair | null> {
    const profile = getProfile(request.profileId);
    const db = await this.#openDb();
    const model = modelOf(profile);
    const weights = await tasteWeights(db, request.taste, model);
    const matrix = await this.#matrix(db, profile);
    // The chooser sees the head refit on every pick so far (milliseconds), beside the adapter
    // trained every few picks; active asks the pair that head is least sure of.
    const vectors = rowVectors(matrix);
    const head = TASTE_HEAD.onPage
      ? pickHead(await listPairs(db, model, request.taste), vectors, matrix.dim)
      : undefined;
    const nudge = head ? headNudge(matrix, head.w, TASTE_HEAD.lambda) : undefined;
    const heads = scoredHeads(matrix, request.queries, weights, CHOOSER_TOP, nudge);
    const asked = await askedDuos(db, request.taste, model);
    const solver = head && TASTE_HEAD.doubt !== 'margin' ? laplaceSolver(head) : undefined;
    // 'info': the pair whose answer teaches the head most, the person's relevance taken out.
    const relevance =
      solver && TASTE_HEAD.doubt === 'info' ? relevanceOf(matrix, request.queries) : undefined;
    const doubt =
      head && solver
        ? (q: string, a: number, b: number) => {
            const va = vectors(a);
            const vb = vectors(b);
            if (!va || !vb) return Infinity;
            if (!relevance) return headDoubt(head, va, vb, solver);
            const gap = relevance(q, a) - relevance(q, b);
            const offset = Number.isFinite(gap) ? TASTE_HEAD.relevanceLogit * gap : 0;
            return -headInformation(head, va, vb, offset, solver);
          }
        : undefined;
    return choosePair(heads, {
      strategy: request.strategy,
      seed: request.seed,
      asked,
      ...(doubt ? { doubt } : {}),
    });
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
    const learnt = await tasteModel(db, taste, modelOf(profile));
    const before = scoredHeads(matrix, queries, null, k);
    const nudge = learnt?.head && headNudge(matrix, learnt.head.w, learnt.head.lambda);
    const after = learnt ? scoredHeads(matrix, queries, learnt.weights, k, nudge) : before;
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

/** The head as the adapter file keeps it, with the page's weight. */
function storedHeadOf(head: TasteHead): StoredHead {
  return {
    w: Array.from(head.w, (v) => Number(v.toPrecision(7))),
    lambda: TASTE_HEAD.lambda,
    l2: TASTE_HEAD.l2,
    pairs: head.pairs,
  };
}

/** A photo's base vector by id, from the loaded matrix. */
function rowVectors(matrix: VectorMatrix): (id: number) => Float32Array | undefined {
  const rows = new Map<number, number>();
  matrix.ids.forEach((id, row) => rows.set(id, row));
  return (id) => {
    const row = rows.get(id);
    return row === undefined
      ? undefined
      : matrix.vectors.subarray(row * matrix.dim, (row + 1) * matrix.dim);
  };
}

/**
 * The taste head on a taste's own picks (automatic pairs teach the scorers' order, not the
 * person's), over base vectors with the picks' origin weights; undefined without picks.
 */
function pickHead(
  stored: readonly Pick<PreferenceRecord, 'winner' | 'loser' | 'weight' | 'origin'>[],
  vectors: (id: number) => Float32Array | undefined,
  dim: number,
): TasteHead | undefined {
  const pairs = [];
  for (const p of stored) {
    if (p.origin === 'auto') continue;
    const winner = vectors(p.winner);
    const loser = vectors(p.loser);
    if (winner && loser) pairs.push({ winner, loser, weight: p.weight });
  }
  return pairs.length ? trainTasteHead(pairs, dim, { l2: TASTE_HEAD.l2 }) : undefined;
}

function modelOf(profile: Profile): string {
  return modelKey(profile.clip);
}
