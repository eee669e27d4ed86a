import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { getProfile, modelKey } from '../../src/core/manifest';
import { openLibraryDb, type LumenDb, type ScoreRecord } from '../../src/core/store/db';
import { normalize } from '../../src/core/vectors';
import { scorerKey } from '../aesthetics/scorer';
import { SearchHandler } from '../search/handler';
import { DEFAULT_RANK } from '../search/protocol';
import { encodeAdapter } from './adapter-codec';
import { identityAdapter } from './adapter';
import { TuningHandler } from './handler';
import { mulberry32, gaussian } from './random';

const profile = getProfile('tiny-world');
const model = modelKey(profile.clip);
const dim = profile.clip.embeddingSize;
const N = 120;

/** A library of N random unit vectors whose LAION score (beauty) is its id. */
async function library(name: string): Promise<{ db: LumenDb; vectors: Float32Array[] }> {
  const db = await openLibraryDb(name);
  const normal = gaussian(mulberry32(3));
  const vectors = Array.from({ length: N }, () =>
    normalize(Float32Array.from({ length: dim }, normal)),
  );
  const packed = new Float32Array(N * dim);
  vectors.forEach((v, i) => packed.set(v, i * dim));
  await db.add('blocks', {
    model,
    dim,
    ids: Uint32Array.from({ length: N }, (_, i) => i + 1),
    vectors: packed,
  });
  const key = scorerKey(profile);
  for (let id = 1; id <= N; id++) {
    const record: ScoreRecord = { id, models: { [key]: { laion: id, clipIqa: { q: id / N } } } };
    await db.put('scores', record);
  }
  await db.put('meta', 1, 'libraryVersion');
  return { db, vectors };
}

const options = { limit: 10, rank: DEFAULT_RANK };
const grid = { k: 40, u: 4, v: 5, s: 2, seed: 1 };

describe('tuning handler', () => {
  it('builds D_po, trains an adapter that search applies, and switches back to base', async () => {
    const { db, vectors } = await library('tuning-handler-1');
    const tuning = new TuningHandler(() => Promise.resolve(db));
    const queries = vectors.slice(0, 12).map((v, i) => ({ text: `query ${i}`, embedding: v }));

    const built = await tuning.buildPairs({ profileId: 'tiny-world', queries, grid });
    expect(built.pairs).toBeGreaterThan(0);
    expect(built.counts.auto).toBe(built.pairs);

    const progress: number[] = [];
    const info = await tuning.train(
      { profileId: 'tiny-world', queries, settings: { maxEpochs: 6, seed: 2 } },
      (p) => progress.push(p.epoch),
    );
    expect(progress.length).toBeGreaterThan(0);
    expect(info.pairsByOrigin.auto).toBe(built.pairs);
    expect(await tuning.activeAdapter('tiny-world')).toBe(info.id);

    const search = new SearchHandler(() => Promise.resolve(db));
    search.useProfile('tiny-world');
    const tuned = await search.searchSimilar(1, options);
    expect(tuned.hits.every((h) => h.tuned !== undefined)).toBe(true);
    expect(tuned.hits.map((h) => h.tuned!.rank)).toEqual(tuned.hits.map((_, i) => i + 1));

    await tuning.setActiveAdapter('tiny-world', null);
    const base = await search.searchSimilar(1, options);
    expect(base.hits.some((h) => h.tuned !== undefined)).toBe(false);
    db.close();
  });

  it('exports and re-imports an adapter, and refuses a foreign or corrupt file without storing it', async () => {
    const { db, vectors } = await library('tuning-handler-2');
    const tuning = new TuningHandler(() => Promise.resolve(db));
    const queries = vectors.slice(0, 6).map((v, i) => ({ text: `q${i}`, embedding: v }));
    await tuning.buildPairs({ profileId: 'tiny-world', queries, grid });
    const info = await tuning.train(
      { profileId: 'tiny-world', queries, settings: { maxEpochs: 2 } },
      () => {},
    );
    const file = await tuning.exportAdapter(info.id);
    const again = await tuning.importAdapter('tiny-world', file);
    expect(again.summary.trainPairs).toBe(info.summary.trainPairs);
    expect(await tuning.activeAdapter('tiny-world')).toBe(again.id);

    const foreign = encodeAdapter(identityAdapter('someone-else@1', dim, 2), {
      ...info.summary,
      baseModel: 'someone-else@1',
      settings: { ...info.summary.settings, rank: 2 },
    });
    await expect(tuning.importAdapter('tiny-world', foreign)).rejects.toThrow(
      /trained for someone-else@1.*Nothing was changed/,
    );
    const corrupt = file.slice(0, file.length - 9);
    await expect(tuning.importAdapter('tiny-world', corrupt)).rejects.toThrow(/Not a usable/);
    expect((await tuning.listAdapters('tiny-world')).length).toBe(2);
    expect(await tuning.activeAdapter('tiny-world')).toBe(again.id);
    db.close();
  });

  it("trains at the model's logit scale and the manifest's settings unless the request overrides them", async () => {
    const { db, vectors } = await library('tuning-handler-4');
    const tuning = new TuningHandler(() => Promise.resolve(db));
    const queries = vectors.slice(0, 6).map((v, i) => ({ text: `q${i}`, embedding: v }));
    await tuning.buildPairs({ profileId: 'tiny-world', queries, grid });
    const info = await tuning.train(
      { profileId: 'tiny-world', queries, settings: { maxEpochs: 1, seed: 5 } },
      () => {},
    );
    const used = info.summary.settings;
    // The DPO margin and the KL softmax are in units of the model's own logit scale; the
    // trainer's default (100, OpenAI CLIP) would make a small model's adapter far too timid.
    expect(used.logitScale).toBeCloseTo(profile.clip.logitScale, 4);
    expect(used.rank).toBe(profile.tuning!.settings.rank);
    expect(used.beta).toBe(profile.tuning!.settings.beta);
    expect(used.seed).toBe(5);
    expect(used.maxEpochs).toBe(1);
    db.close();
  });

  it('says what is missing before training on an empty library or without pairs', async () => {
    const db = await openLibraryDb('tuning-handler-3');
    const tuning = new TuningHandler(() => Promise.resolve(db));
    await expect(
      tuning.train({ profileId: 'tiny-world', queries: [], settings: {} }, () => {}),
    ).rejects.toThrow(/no indexed photos/);
    db.close();
  });
});
