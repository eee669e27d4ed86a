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
import { decodeAdapter, encodeAdapter } from './adapter-codec';
import { buildPreferenceSet } from './dpo-pairs';
import { trainAdapter } from './dpo-trainer';
import { trainSettingsOf } from './manifest-settings';
import type {
  AdapterInfo,
  BuildPairsRequest,
  BuildPairsResult,
  PairCounts,
  PairInfo,
  TrainProgress,
  TrainRequest,
  TuningApi,
} from './protocol';
import { mulberry32, shuffleInPlace } from './random';

/**
 * The semantic (KL) term spreads over the whole library when it is small; above this many
 * photos it uses a fixed random sample of the library plus the query's own top results, so a
 * training step costs the same on 100 and on 100,000 photos.
 */
const KL_LIBRARY_SAMPLE = 1500;
const KL_QUERY_HEAD = 100;

/** Builds the preference set D_po, trains adapters and keeps them, all from stored vectors. */
export class TuningHandler implements TuningApi {
  #openDb: () => Promise<LumenDb>;
  #abort: AbortController | undefined;

  constructor(openDb?: () => Promise<LumenDb>) {
    const library = new LibraryConnection();
    this.#openDb = openDb ?? (() => library.get());
  }

  async pairCounts(profileId: string): Promise<PairCounts> {
    return countPairs(await this.#openDb(), modelOf(getProfile(profileId)));
  }

  async listPairs(profileId: string): Promise<PairInfo[]> {
    const records = await listPairs(await this.#openDb(), modelOf(getProfile(profileId)));
    return records.map(({ id, at, queryText, winner, loser, weight, origin }) => ({
      id: id!,
      at,
      queryText,
      winner,
      loser,
      weight,
      origin,
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
    const pairs = await listPairs(db, model);
    if (pairs.length === 0) {
      throw new Error('There are no preference pairs yet: build pairs or like some results.');
    }
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
          ...request.settings,
        },
        signal: abort.signal,
        onProgress,
      });
      const pairsByOrigin: PairCounts = { auto: 0, liked: 0, chosen: 0 };
      for (const p of pairs) if (queries.has(p.queryText)) pairsByOrigin[p.origin]++;
      const full = { ...summary, pairsByOrigin };
      const record: Omit<AdapterRecord, 'id'> = {
        baseModel: model,
        createdAt: Date.now(),
        bytes: encodeAdapter(weights, full),
        label: adapterLabel(full.pairsByOrigin, full.validationAccuracy),
      };
      const id = await saveAdapter(db, record);
      return infoOf({ ...record, id });
    } finally {
      if (this.#abort === abort) this.#abort = undefined;
    }
  }

  cancel(): void {
    this.#abort?.abort();
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
    const record: Omit<AdapterRecord, 'id'> = {
      baseModel: model,
      createdAt: Date.now(),
      bytes: bytes.slice(),
      label: `Imported: ${adapterLabel(summary.pairsByOrigin, summary.validationAccuracy)}`,
    };
    const id = await saveAdapter(await this.#openDb(), record);
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

/** The photos each query's semantic term spreads over (see KL_LIBRARY_SAMPLE). */
function klCandidates(
  matrix: VectorMatrix,
  queries: ReadonlyMap<string, Float32Array>,
): Map<string, number[]> {
  const all = Array.from(matrix.ids);
  const out = new Map<string, number[]>();
  if (all.length <= KL_LIBRARY_SAMPLE) {
    for (const text of queries.keys()) out.set(text, all);
    return out;
  }
  const sample = shuffleInPlace(all.slice(), mulberry32(7)).slice(0, KL_LIBRARY_SAMPLE);
  for (const [text, q] of queries) {
    const head = topK(matrix.vectors, matrix.dim, matrix.ids, q, KL_QUERY_HEAD).map((h) => h.id);
    out.set(text, [...new Set([...head, ...sample])]);
  }
  return out;
}

function adapterLabel(byOrigin: PairCounts | undefined, accuracy: number): string {
  const pairs = byOrigin
    ? `${byOrigin.auto} automatic, ${byOrigin.liked} liked, ${byOrigin.chosen} chosen pairs`
    : 'pairs of unknown origin';
  return `${pairs}; ${Math.round(accuracy * 100)}% held-out pairs in order`;
}

function infoOf(record: AdapterRecord): AdapterInfo {
  const { summary } = decodeAdapter(record.bytes);
  return {
    id: record.id!,
    baseModel: record.baseModel,
    createdAt: record.createdAt,
    label: record.label,
    summary,
    pairsByOrigin: summary.pairsByOrigin ?? { auto: 0, liked: 0, chosen: 0 },
  };
}
