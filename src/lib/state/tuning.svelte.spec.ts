import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import type {
  AdapterInfo,
  BuildPairsRequest,
  NextPairRequest,
  PairInfo,
  TrainRequest,
} from '../../../workers/tuning/protocol';
import { FEW_PAIR_SETTINGS } from '../../../workers/tuning/protocol';
import { openLibraryDb, type LumenDb } from '../../core/store/db';
import { countPairs, listPairs, ORIGIN_WEIGHT } from '../../core/store/preference-store';
import { askedDuos, createTaste, markAsked } from '../../core/store/taste-store';
import { choosePair } from '../../core/tuning/active-pairs';
import { RETRAIN_EVERY, TuningState, type TuningWorker } from './tuning.svelte';

let n = 0;
const MODEL = { id: 'clip', revision: '1' };
const KEY = 'clip@1';

/** A tuning worker backed by the same (fake) IndexedDB the page writes person-made pairs to. */
function fakeWorker(db: Promise<LumenDb>, shown: number[]) {
  const built: BuildPairsRequest[] = [];
  const trained: TrainRequest[] = [];
  const asked: NextPairRequest[] = [];
  const client: TuningWorker = {
    pairCounts: async (_p, taste) => countPairs(await db, KEY, taste),
    listPairs: async (_p, taste) =>
      (await listPairs(await db, KEY, taste)).map((p) => ({ ...p, id: p.id! }) satisfies PairInfo),
    // The chooser over the shown results, scored by rank, with the asked pairs the page stored.
    nextPair: async (request) => {
      asked.push(structuredClone(request));
      const heads = request.queries.map((q) => ({
        query: q.text,
        ids: shown,
        scores: shown.map((_, i) => -i),
      }));
      const done = await askedDuos(await db, request.taste, KEY);
      return choosePair(heads, { ...request, asked: done });
    },
    // structuredClone as postMessage does: a page state proxy would throw here, as in a browser.
    markAsked: async (_p, taste, pair) => {
      const { query, a, b } = structuredClone(pair);
      await markAsked(await db, taste, KEY, query, a, b);
    },
    learntOrders: (_p, _t, queries) =>
      Promise.resolve(queries.map((q) => ({ query: q.text, before: [1, 2], after: [2, 1] }))),
    deletePair: async (id) => (await db).delete('preferences', id),
    buildPairs: (request) => {
      built.push(request);
      return Promise.resolve({
        pairs: 0,
        queries: 0,
        ties: 0,
        counts: { auto: 0, liked: 0, chosen: 0 },
      });
    },
    train: (request) => {
      trained.push(request);
      return Promise.reject(new Error('not in this spec'));
    },
    listAdapters: () => Promise.resolve<AdapterInfo[]>([]),
    activeAdapter: () => Promise.resolve(null),
    setActiveAdapter: () => Promise.resolve(),
    deleteAdapter: () => Promise.resolve(),
    exportAdapter: () => Promise.resolve(new Uint8Array()),
    importAdapter: () => Promise.reject(new Error('no')),
  };
  return { client, built, trained, asked };
}

function setup(shown: number[], query: string | null = 'A Red Circle') {
  const db = openLibraryDb(`tuning-${++n}`);
  const { client, built, trained, asked } = fakeWorker(db, shown);
  const refresh = vi.fn(() => Promise.resolve());
  const tuning = new TuningState({
    client,
    profile: {
      id: 'p',
      clip: MODEL,
      tuning: {
        trainingQueries: ['a blue star', 'a red circle'],
        judgingQueries: ['x'],
        grid: { k: 20, u: 2, v: 2, s: 5, seed: 3 },
        settings: { maxEpochs: 7 },
      },
    },
    db: () => db,
    embedTexts: (texts) => Promise.resolve(texts.map(() => new Float32Array([1, 0]))),
    rephraser: { ready: false, blend: 0.5, lookup: () => Promise.resolve(null) },
    search: { currentQuery: () => query, shown: () => shown, refresh },
  });
  return { tuning, db, built, trained, asked, refresh };
}

describe('tuning state', () => {
  it('likes and dislikes become weighted pairs for the normalised query, and are counted', async () => {
    const { tuning, db } = setup([10, 11, 12, 13]);
    await tuning.taste.like(12);
    await tuning.taste.dislike(11);
    const stored = await listPairs(await db, KEY);
    const liked = stored.filter((p) => p.winner === 12).map((p) => p.loser);
    // 11 was disliked after the like, so it was still "above and not liked" then.
    expect(liked.sort()).toEqual([10, 11]);
    const disliked = stored.filter((p) => p.loser === 11).map((p) => p.winner);
    expect(disliked.sort()).toEqual([10, 12, 13]);
    expect(stored.every((p) => p.queryText === 'a red circle')).toBe(true);
    expect(stored.every((p) => p.origin === 'liked' && p.weight === ORIGIN_WEIGHT.liked)).toBe(
      true,
    );
    expect(tuning.pairs.counts).toEqual({ auto: 0, liked: 4, chosen: 0 });
    expect(tuning.taste.markOf(12)).toBe('like');
    expect(tuning.taste.markOf(11)).toBe('dislike');
  });

  it('a pick stores one chosen pair for the asked query and asks a pair not asked before', async () => {
    const { tuning, db, asked } = setup([1, 2, 3]);
    await tuning.remember('a green square');
    await tuning.taste.ask();
    // Recent searches come first, then the profile's training queries.
    expect(asked[0]!.queries.map((q) => q.text)).toEqual([
      'a green square',
      'a blue star',
      'a red circle',
    ]);
    expect(asked[0]!.strategy).toBe('active');
    const [a, b] = tuning.taste.duo!;
    const query = tuning.taste.duoQuery!;
    await tuning.taste.choose(1);
    const stored = await listPairs(await db, KEY);
    expect(stored).toMatchObject([
      { queryText: query, winner: b, loser: a, origin: 'chosen', weight: ORIGIN_WEIGHT.chosen },
    ]);
    expect(tuning.taste.duo).not.toBeNull();
    const next = tuning.taste.duo!;
    expect(`${tuning.taste.duoQuery}|${[...next].sort().join()}`).not.toBe(
      `${query}|${[a, b].sort().join()}`,
    );
  });

  it('picks and likes go to the active taste; a new taste starts with none', async () => {
    const { tuning, db } = setup([1, 2, 3]);
    await tuning.open();
    await tuning.taste.like(3);
    await tuning.tastes.create('Snow');
    expect(tuning.tastes.active?.name).toBe('Snow');
    expect(tuning.pairs.counts).toEqual({ auto: 0, liked: 0, chosen: 0 });
    await tuning.taste.like(2);
    const snow = tuning.tastes.activeId;
    expect((await listPairs(await db, KEY, snow)).map((p) => p.winner)).toEqual([2]);
    const other = await createTaste(await db, 'Other');
    await tuning.tastes.use(other.id);
    expect(tuning.pairs.counts?.liked).toBe(0);
  });

  it('retrains the active taste in the background every few answers', async () => {
    const shown = Array.from({ length: 10 }, (_, i) => i + 1);
    const { tuning, trained } = setup(shown);
    await tuning.open();
    for (let i = 0; i < RETRAIN_EVERY; i++) {
      if (!tuning.taste.duo) await tuning.taste.ask();
      await tuning.taste.choose(0);
    }
    await vi.waitFor(() => expect(trained).toHaveLength(1));
    expect(trained[0]!.taste).toBe(tuning.tastes.activeId);
  });

  it('without a text search there is nothing to like', async () => {
    const { tuning, db } = setup([1, 2, 3], null);
    await tuning.taste.like(3);
    expect(await listPairs(await db, KEY)).toEqual([]);
  });

  it('builds pairs from remembered searches plus the built-in list, with the chosen grid', async () => {
    const { tuning, built } = setup([]);
    await tuning.remember('A green  Square');
    await tuning.remember('a blue star');
    await tuning.open();
    expect(tuning.pairs.trainingQueries).toBe(3);
    expect(tuning.pairs.expectedPerQuery).toBe(5);
    tuning.pairs.grid.u = 3;
    await tuning.pairs.build();
    const texts = built[0]!.queries.map((q) => q.text);
    // Searches come first (two in the same millisecond may come in either order), then the rest.
    expect(texts.slice(0, 2).sort()).toEqual(['a blue star', 'a green square']);
    expect(texts[2]).toBe('a red circle');
    expect(built[0]!.grid).toEqual({ k: 20, u: 3, v: 2, s: 5, seed: 3 });
    expect(tuning.pairs.report?.trainingQueries).toBe(3);
  });

  it('training embeds every query that stored pairs name, and uses the recorded epoch limit', async () => {
    const { tuning, trained } = setup([5, 6]);
    await tuning.taste.like(6);
    // Two liked pairs train with the few-pair settings, not the profile's 7 epochs.
    expect(tuning.training.maxEpochs).toBe(FEW_PAIR_SETTINGS.maxEpochs);
    await tuning.training.train();
    expect(trained[0]!.queries.map((q) => q.text)).toEqual(['a red circle']);
    expect(tuning.training.error).toBe('not in this spec');
  });

  it('deleting a pair updates the counts and the list', async () => {
    const { tuning } = setup([5, 6, 7]);
    await tuning.taste.like(7);
    await tuning.pairs.loadList();
    expect(tuning.pairs.list).toHaveLength(2);
    await tuning.pairs.remove(tuning.pairs.list![0]!.id);
    expect(tuning.pairs.list).toHaveLength(1);
    expect(tuning.pairs.counts?.liked).toBe(1);
    const exported = JSON.parse(await tuning.pairs.exportJson()) as { pairs: unknown[] };
    expect(exported.pairs).toHaveLength(1);
  });
});
