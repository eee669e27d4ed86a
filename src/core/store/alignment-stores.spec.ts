import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openLibraryDb } from './db';
import {
  activeAdapterId,
  deleteAdapter,
  listAdapters,
  saveAdapter,
  setActiveAdapter,
} from './adapter-store';
import {
  addPairs,
  countPairs,
  deletePairsOf,
  listPairs,
  replaceAutoPairs,
} from './preference-store';
import { HISTORY_LIMIT, recentQueries, rememberQuery } from './query-history';

let n = 0;
const fresh = () => openLibraryDb(`alignment-stores-${++n}`);
const M = 'tiny-world@3';

describe('preference pairs', () => {
  it('keeps person-made pairs when the automatic set is rebuilt, and counts by origin', async () => {
    const db = await fresh();
    await addPairs(db, [
      { model: M, queryText: 'a red star', winner: 1, loser: 2, weight: 2, origin: 'liked' },
      { model: M, queryText: 'a red star', winner: 1, loser: 2, weight: 2, origin: 'liked' },
      { model: M, queryText: 'a red star', winner: 3, loser: 3, weight: 2, origin: 'chosen' },
    ]);
    await replaceAutoPairs(db, M, [{ queryText: 'q', winner: 5, loser: 6, weight: 1 }]);
    await replaceAutoPairs(db, M, [
      { queryText: 'q', winner: 7, loser: 8, weight: 1 },
      { queryText: 'q', winner: 7, loser: 9, weight: 1 },
    ]);
    expect(await countPairs(db, M)).toEqual({ auto: 2, liked: 1, chosen: 0 });
    expect((await listPairs(db, 'other@1')).length).toBe(0);
    await deletePairsOf(db, M, 'auto');
    expect(await countPairs(db, M)).toEqual({ auto: 0, liked: 1, chosen: 0 });
    db.close();
  });
});

describe('query history', () => {
  it('keeps the newest hundred distinct queries, newest first', async () => {
    const db = await fresh();
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) await rememberQuery(db, `query ${i}`, 1000 + i);
    await rememberQuery(db, '  QUERY   3 ', 5000);
    const recent = await recentQueries(db);
    expect(recent.length).toBe(HISTORY_LIMIT);
    expect(recent[0]!.text).toBe('query 3');
    expect(recent.some((q) => q.text === 'query 0')).toBe(false);
    expect(recent.at(-1)!.text).toBe('query 6');
    db.close();
  });
});

describe('adapters', () => {
  it('activates a saved adapter, refuses one of another model, and falls back to base on delete', async () => {
    const db = await fresh();
    const bytes = new Uint8Array([1, 2, 3]);
    const id = await saveAdapter(db, { baseModel: M, createdAt: 1, bytes, label: 'one' });
    expect(await activeAdapterId(db, M)).toBe(id);
    const foreign = await saveAdapter(db, { baseModel: 'x@1', createdAt: 2, bytes, label: 'x' });
    await expect(setActiveAdapter(db, M, foreign)).rejects.toThrow(/belongs to x@1/);
    expect(await activeAdapterId(db, M)).toBe(id);
    await setActiveAdapter(db, M, undefined);
    expect(await activeAdapterId(db, M)).toBeUndefined();
    await setActiveAdapter(db, M, id);
    await deleteAdapter(db, id);
    expect(await activeAdapterId(db, M)).toBeUndefined();
    expect((await listAdapters(db, M)).length).toBe(0);
    db.close();
  });
});
