import 'fake-indexeddb/auto';
import { describe, expect, it, onTestFinished } from 'vitest';
import { getProfile, modelKey } from '../../src/core/manifest';
import { listAdapters } from '../../src/core/store/adapter-store';
import { openLibraryDb, type LumenDb } from '../../src/core/store/db';
import { addPairs } from '../../src/core/store/preference-store';
import { createTaste, listTastes } from '../../src/core/store/taste-store';
import { duoKeyOf } from '../../src/core/tuning/active-pairs';
import { normalize } from '../../src/core/vectors';
import { decodeAdapter } from './adapter-codec';
import { TuningHandler } from './handler';
import { TASTE_HEAD } from './protocol';
import { gaussian, mulberry32 } from './random';

const profile = getProfile('tiny-world');
const model = modelKey(profile.clip);
const dim = profile.clip.embeddingSize;
const N = 60;

/** A library of N random unit vectors in `name`, and a tuning handler over it. */
async function library(
  name: string,
): Promise<{ db: LumenDb; vectors: Float32Array[]; tuning: TuningHandler }> {
  const db = await openLibraryDb(name);
  const normal = gaussian(mulberry32(5));
  const vectors = Array.from({ length: N }, () =>
    normalize(Float32Array.from({ length: dim }, normal)),
  );
  const packed = new Float32Array(N * dim);
  vectors.forEach((v, i) => packed.set(v, i * dim));
  const ids = Uint32Array.from({ length: N }, (_, i) => i + 1);
  await db.add('blocks', { model, dim, ids, vectors: packed });
  return { db, vectors, tuning: new TuningHandler(() => Promise.resolve(db)) };
}

/** `count` chosen picks for query 'q' in `taste`: photo `firstWinner + i` over photo `2 + i`. */
function chosenPicks(count: number, firstWinner: number, taste: string) {
  return Array.from({ length: count }, (_, i) => ({
    model,
    queryText: 'q',
    winner: firstWinner + i,
    loser: 2 + i,
    weight: 3,
    origin: 'chosen' as const,
    taste,
  }));
}

describe('tastes in the tuning worker', () => {
  it('a taste trains on its own picks, and a retrain replaces its adapter', async () => {
    const { db, vectors, tuning } = await library('taste-handler-1');
    const night = await createTaste(db, 'Night');
    const queries = [{ text: 'q', embedding: vectors[0]! }];
    const picks = chosenPicks(12, 40, night.id);
    // Another taste's picks must not reach this one's training.
    await addPairs(db, [...picks, { ...picks[0]!, winner: 3, loser: 50, taste: 'default' }]);
    const train = () =>
      tuning.train(
        { profileId: 'tiny-world', queries, taste: night.id, settings: { maxEpochs: 3 } },
        () => undefined,
      );
    const first = await train();
    expect(first.pairsByOrigin).toEqual({ auto: 0, liked: 0, chosen: 12 });
    expect(first.summary.taste).toBe('Night');
    const second = await train();
    expect((await listAdapters(db, model)).map((a) => a.id)).toEqual([second.id]);
    expect((await listTastes(db)).find((t) => t.id === night.id)!.adapterId).toBe(second.id);
    expect(await tuning.activeAdapter('tiny-world')).toBe(second.id);

    // An exported file names its taste; importing it brings the taste back.
    const bytes = await tuning.exportAdapter(second.id);
    const imported = await tuning.importAdapter('tiny-world', bytes);
    expect(imported.label).toMatch(/^Imported: Night: /);
    const names = (await listTastes(db)).map((t) => t.name);
    expect(names.filter((n) => n.startsWith('Night'))).toEqual(['Night', 'Night (imported)']);
    db.close();
  });

  it('a taste trained on its picks alone is a taste head: identity weights and the picks’ direction', async () => {
    // The page trains a taste as a head (TASTE_HEAD.onPage).
    expect(TASTE_HEAD.onPage).toBe(true);
    const { db, vectors, tuning } = await library('taste-handler-3');
    const queries = [{ text: 'q', embedding: vectors[0]! }];
    // The person prefers photos 41–52 to photos 2–13.
    const picks = chosenPicks(12, 41, 'default');
    await addPairs(db, picks);
    const epochs: number[] = [];
    const info = await tuning.train(
      { profileId: 'tiny-world', queries, taste: 'default', settings: {} },
      (p) => void epochs.push(p.epoch),
    );
    expect(epochs).toEqual([1]);
    const head = info.summary.head!;
    expect(head.w).toHaveLength(dim);
    expect(head.pairs).toBe(12);
    expect(info.summary.validationAccuracy).toBe(1);
    const decoded = decodeAdapter(await tuning.exportAdapter(info.id));
    expect(decoded.weights.b.every((v) => v === 0)).toBe(true);
    expect(decoded.summary.head).toEqual(head);
    // Every picked winner scores above its loser under the head.
    const score = (id: number) => vectors[id - 1]!.reduce((s, v, j) => s + v * head.w[j]!, 0);
    for (const p of picks) expect(score(p.winner)).toBeGreaterThan(score(p.loser));
    // What was learnt: under the taste, the top results lean toward what the head prefers.
    const [order] = await tuning.learntOrders('tiny-world', 'default', queries, 10);
    const lean = (ids: number[]) => ids.reduce((s, id) => s + score(id), 0);
    expect(order!.after).not.toEqual(order!.before);
    expect(lean(order!.after)).toBeGreaterThan(lean(order!.before));
    // The chooser, now with a head, still never repeats a pair.
    const seen = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const request = { profileId: 'tiny-world', taste: 'default', queries, seed: i };
      const p = (await tuning.nextPair({ ...request, strategy: 'active' }))!;
      const key = duoKeyOf(p.query, p.a, p.b);
      expect(seen.has(key)).toBe(false);
      seen.add(key);
      await tuning.markAsked('tiny-world', 'default', p);
    }
    db.close();
  });

  it('with the head off, a taste trains the DPO adapter and stores no head', async () => {
    TASTE_HEAD.onPage = false;
    onTestFinished(() => {
      TASTE_HEAD.onPage = true;
    });
    const { db, vectors, tuning } = await library('taste-handler-4');
    const picks = chosenPicks(6, 41, 'default');
    await addPairs(db, picks);
    const epochs: number[] = [];
    const info = await tuning.train(
      {
        profileId: 'tiny-world',
        queries: [{ text: 'q', embedding: vectors[0]! }],
        taste: 'default',
        settings: { maxEpochs: 3 },
      },
      (p) => void epochs.push(p.epoch),
    );
    expect(epochs).toEqual([1, 2, 3]);
    expect(info.summary.head).toBeUndefined();
    db.close();
  });

  it('asks each pair once per taste, across queries, and remembers it', async () => {
    const { db, vectors, tuning } = await library('taste-handler-2');
    const queries = [0, 1].map((i) => ({ text: `q${i}`, embedding: vectors[i]! }));
    const seen = new Set<string>();
    const perQuery = new Map<string, number>();
    for (let i = 0; i < 8; i++) {
      const request = { profileId: 'tiny-world', taste: 'default', queries, seed: i };
      const p = (await tuning.nextPair({ ...request, strategy: 'active' }))!;
      const key = duoKeyOf(p.query, p.a, p.b);
      expect(seen.has(key)).toBe(false);
      seen.add(key);
      perQuery.set(p.query, (perQuery.get(p.query) ?? 0) + 1);
      await tuning.markAsked('tiny-world', 'default', p);
    }
    expect([...perQuery.values()]).toEqual([4, 4]);
    const orders = await tuning.learntOrders('tiny-world', 'default', queries, 5);
    expect(orders.map((o) => o.before)).toEqual(orders.map((o) => o.after));
    expect(orders[0]!.before[0]).toBe(1);
    db.close();
  });
});
