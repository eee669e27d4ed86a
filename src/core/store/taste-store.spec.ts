import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { saveAdapter, listAdapters } from './adapter-store';
import { DEFAULT_TASTE, MIGRATIONS, openLibraryDb } from './db';
import { addPairs, countPairs, listPairs, replaceAutoPairs } from './preference-store';
import {
  activeTasteId,
  addCullPairs,
  CULL_QUERY,
  createTaste,
  deleteTaste,
  DEFAULT_TASTE_NAME,
  listTastes,
  markAsked,
  askedDuos,
  renameTaste,
  setActiveTaste,
  setTasteAdapter,
} from './taste-store';

let n = 0;
const fresh = () => openLibraryDb(`taste-store-${++n}`);
const M = 'tiny-world@3';
const pick = (winner: number, loser: number, taste?: string) => ({
  model: M,
  queryText: 'snow',
  winner,
  loser,
  weight: 3,
  origin: 'chosen' as const,
  ...(taste ? { taste } : {}),
});

describe('tastes', () => {
  it('keeps each taste’s picks apart; automatic pairs serve every taste', async () => {
    const db = await fresh();
    const night = await createTaste(db, '  Night   lover ');
    expect(night.name).toBe('Night lover');
    await addPairs(db, [pick(1, 2), pick(1, 2, night.id), pick(3, 4, night.id)]);
    await replaceAutoPairs(db, M, [{ queryText: 'q', winner: 5, loser: 6, weight: 1 }]);
    expect(await countPairs(db, M, night.id)).toEqual({ auto: 1, liked: 0, chosen: 2 });
    expect(await countPairs(db, M, DEFAULT_TASTE)).toEqual({ auto: 1, liked: 0, chosen: 1 });
    expect((await listPairs(db, M)).length).toBe(4);
  });

  it('counts picks made before tastes existed as the default taste’s after the upgrade', async () => {
    const name = `taste-store-v7-${++n}`;
    const old = await openDB(name, 7, {
      upgrade(db, _o, _n, tx) {
        for (const m of MIGRATIONS.slice(0, 7)) m(db as never, tx as never);
      },
    });
    // A v7 pair has no taste field at all.
    await old.add('preferences', { ...pick(1, 2), at: 1 });
    old.close();
    const db = await openLibraryDb(name);
    expect(await countPairs(db, M, DEFAULT_TASTE)).toEqual({ auto: 0, liked: 0, chosen: 1 });
    const other = await createTaste(db, 'Other');
    expect(await countPairs(db, M, other.id)).toEqual({ auto: 0, liked: 0, chosen: 0 });
    db.close();
  });

  it('starts with one default taste, remembers the active one, renames and deletes', async () => {
    const db = await fresh();
    expect((await listTastes(db)).map((t) => t.name)).toEqual([DEFAULT_TASTE_NAME]);
    expect(await activeTasteId(db)).toBe(DEFAULT_TASTE);
    const snow = await createTaste(db, 'Snow');
    await setActiveTaste(db, snow.id);
    expect(await activeTasteId(db)).toBe(snow.id);
    await renameTaste(db, snow.id, 'Snow, no stripes');
    expect((await listTastes(db)).map((t) => t.name)).toEqual([
      DEFAULT_TASTE_NAME,
      'Snow, no stripes',
    ]);
    await addPairs(db, [pick(1, 2, snow.id)]);
    await markAsked(db, snow.id, M, 'snow', 1, 2);
    await deleteTaste(db, snow.id);
    expect(await activeTasteId(db)).toBe(DEFAULT_TASTE);
    expect(await countPairs(db, M, snow.id)).toEqual({ auto: 0, liked: 0, chosen: 0 });
    expect((await askedDuos(db, snow.id, M)).size).toBe(0);
    await expect(deleteTaste(db, DEFAULT_TASTE)).rejects.toThrow(/last taste/);
  });

  it('retraining replaces the taste’s adapter instead of adding one', async () => {
    const db = await fresh();
    const adapter = () =>
      saveAdapter(db, { baseModel: M, createdAt: 1, bytes: new Uint8Array(4), label: 'x' });
    const first = await adapter();
    await setTasteAdapter(db, DEFAULT_TASTE, first);
    const second = await adapter();
    await setTasteAdapter(db, DEFAULT_TASTE, second);
    expect((await listAdapters(db, M)).map((a) => a.id)).toEqual([second]);
    expect((await listTastes(db))[0]!.adapterId).toBe(second);
  });

  it('culling decisions become the active taste’s picks, keeper over rejected', async () => {
    const db = await fresh();
    const t = await createTaste(db, 'Keepers');
    await setActiveTaste(db, t.id);
    expect(await addCullPairs(db, M, [10], [11, 12])).toBe(2);
    const pairs = await listPairs(db, M, t.id);
    expect(pairs.map((p) => [p.winner, p.loser, p.origin, p.queryText])).toEqual([
      [10, 11, 'chosen', CULL_QUERY],
      [10, 12, 'chosen', CULL_QUERY],
    ]);
  });
});
