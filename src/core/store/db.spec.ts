import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import {
  DB_VERSION,
  DEFAULT_TASTE,
  LibraryConnection,
  MIGRATIONS,
  getLibraryVersion,
  openLibraryDb,
} from './db';
import { blocksToCompact, compactLibrary } from './embedding-store';
import { commitBatch, libraryStats, type PhotoFields } from './photo-store';

let n = 0;
const freshName = () => `db-spec-${++n}`;

describe('library database', () => {
  it('creates every store and index on first open', async () => {
    const db = await openLibraryDb(freshName());
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual(
      [
        'adapters',
        'blocks',
        'jobs',
        'judgements',
        'meta',
        'photos',
        'photoMeta',
        'folders',
        'tastes',
        'askedPairs',
        'culling',
        'preferences',
        'queries',
        'rephrasings',
        'scores',
        'skipped',
        'thumbnails',
      ].sort(),
    );
    const tx = db.transaction(['photos', 'blocks']);
    expect([...tx.objectStore('photos').indexNames].sort()).toEqual([
      'duplicateOf',
      'hash',
      'path',
    ]);
    expect([...tx.objectStore('blocks').indexNames].sort()).toEqual(['model', 'modelRows']);
    db.close();
  });

  it('keeps stored photos when the page reopens the library', async () => {
    const name = freshName();
    const db = await openLibraryDb(name);
    await db.add('photos', {
      path: 'a/b.jpg',
      name: 'b.jpg',
      size: 1,
      lastModified: 1,
      width: 1,
      height: 1,
      hash: 'h',
      mime: 'image/jpeg',
      addedAt: 1,
      vectors: {},
    } as never);
    db.close();
    const again = await openLibraryDb(name);
    expect(await again.countFromIndex('photos', 'path', 'a/b.jpg')).toBe(1);
    again.close();
  });

  it('upgrades a library written by an older schema without losing its data', async () => {
    const name = freshName();
    // Write with version 1 only, as a browser with last year's page would have.
    const old = await openDB(name, 1, {
      upgrade(db, _o, _n, tx) {
        MIGRATIONS[0]!(db as never, tx as never);
      },
    });
    await old.put('meta', 41, 'libraryVersion');
    old.close();
    const db = await openLibraryDb(name);
    expect(db.version).toBe(DB_VERSION);
    expect(await getLibraryVersion(db)).toBe(41);
    // Later versions added aesthetic scores and cached rephrasings.
    expect(db.objectStoreNames.contains('scores')).toBe(true);
    expect(db.objectStoreNames.contains('rephrasings')).toBe(true);
    db.close();
  });

  it('moves every pair stored before tastes into the default taste, found by its index', async () => {
    const name = freshName();
    const old = await openDB(name, 7, {
      upgrade(db, _o, _n, tx) {
        for (const m of MIGRATIONS.slice(0, 7)) m(db as never, tx as never);
      },
    });
    const pair = (winner: number) => ({
      model: 'm@1',
      queryText: 'a red circle',
      winner,
      loser: 99,
      weight: 3,
      origin: 'chosen',
      at: 1,
    });
    for (let w = 1; w <= 3; w++) await old.add('preferences', pair(w));
    old.close();
    const db = await openLibraryDb(name);
    const pairs = await db.getAllFromIndex('preferences', 'taste', DEFAULT_TASTE);
    expect(pairs.map((p) => p.winner)).toEqual([1, 2, 3]);
    expect(pairs.every((p) => p.origin === 'chosen' && p.weight === 3)).toBe(true);
    db.close();
  });

  it('counts a version-5 library from indexes after the upgrade, and what is written later', async () => {
    const name = freshName();
    // A library written before version 6: its blocks carry no `rows`, so counts read them.
    const old = await openDB(name, 5, {
      upgrade(db, _o, _n, tx) {
        for (const m of MIGRATIONS.slice(0, 5)) m(db as never, tx as never);
      },
    });
    const record = (id: number, duplicateOf?: number) => ({
      id,
      path: `a/${id}.jpg`,
      name: `${id}.jpg`,
      size: 1,
      lastModified: 1,
      width: 1,
      height: 1,
      hash: `h${duplicateOf ?? id}`,
      mime: 'image/jpeg',
      addedAt: 1,
      vectors: {},
      ...(duplicateOf === undefined ? {} : { duplicateOf }),
    });
    for (let id = 1; id <= 30; id++) await old.put('photos', record(id));
    await old.put('photos', record(31, 1));
    const block = (model: string, ids: number[]) => ({
      model,
      dim: 2,
      ids: Uint32Array.from(ids),
      vectors: new Float32Array(2 * ids.length).fill(0.5),
    });
    await old.add('blocks', block('clip@1', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    await old.add('blocks', block('other@1', [1, 2, 3]));
    await old.add('blocks', block('clip@1', [11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]));
    old.close();

    const db = await openLibraryDb(name);
    expect(await libraryStats(db, 'clip@1')).toEqual({
      photos: 31,
      duplicates: 1,
      embedded: 21,
      skipped: 0,
    });
    expect((await libraryStats(db, 'other@1')).embedded).toBe(3);
    // The background compaction gives the old blocks their indexed counts; the counts agree.
    expect(await blocksToCompact(db)).toEqual([1, 2, 3]);
    expect(await compactLibrary(db)).toBe(3);
    expect(await blocksToCompact(db)).toEqual([]);
    expect((await libraryStats(db, 'clip@1')).embedded).toBe(21);
    expect(Array.from((await db.get('blocks', 2))!.ids)).toEqual([1, 2, 3]);

    // A new photo and a duplicate of it.
    const fields = (id: number, duplicateOf?: number): PhotoFields => {
      const { path, name, size, lastModified, width, height, hash, mime } = record(id, duplicateOf);
      return {
        path,
        name,
        size,
        lastModified,
        width,
        height,
        hash,
        mime,
        ...(duplicateOf === undefined ? {} : { duplicateOf }),
      };
    };
    await commitBatch(db, {
      model: 'clip@1',
      dim: 2,
      writes: [{ fields: fields(40), vector: Float32Array.of(1, 0) }, { fields: fields(41, 40) }],
      touched: [],
      skipped: [],
    });
    expect(await libraryStats(db, 'clip@1')).toEqual({
      photos: 33,
      duplicates: 2,
      embedded: 22,
      skipped: 0,
    });
    db.close();
  });

  it('runs each migration exactly once, in order, from any starting version', async () => {
    const name = freshName();
    const calls: number[] = [];
    const steps = [...MIGRATIONS, () => calls.push(DB_VERSION + 1)];
    const db = await openDB(name, steps.length, {
      upgrade(d, oldVersion, newVersion, tx) {
        for (let v = oldVersion; v < (newVersion ?? 0); v++) steps[v]!(d as never, tx as never);
      },
    });
    expect(calls).toEqual([DB_VERSION + 1]);
    expect(db.objectStoreNames.contains('photos')).toBe(true);
    db.close();
  });

  it('steps aside when another tab opens the library with a newer schema', async () => {
    const name = freshName();
    const ours = await openLibraryDb(name);
    let blocked = false;
    // Another tab with a newer page: its upgrade must not wait for this connection.
    const theirs = await openDB(name, DB_VERSION + 1, {
      blocked: () => {
        blocked = true;
      },
    });
    expect(blocked).toBe(false);
    expect(theirs.version).toBe(DB_VERSION + 1);
    // The stepped-aside connection is closed: using it fails instead of hanging.
    expect(() => ours.transaction('photos')).toThrow();
    theirs.close();
  }, 5000);

  it('reopens after stepping aside, and asks for a reload once the schema moved on', async () => {
    const name = freshName();
    let closed = 0;
    const connection = new LibraryConnection(name, DB_VERSION, () => closed++);
    const first = await connection.get();
    expect(await connection.get()).toBe(first);
    // The library deleted from another tab: this one steps aside, then recreates it on next use.
    await new Promise((resolve, reject) => {
      const req = indexedDB.deleteDatabase(name);
      req.onsuccess = resolve;
      req.onerror = reject;
    });
    expect(closed).toBe(1);
    const second = await connection.get();
    expect(second).not.toBe(first);
    expect(second.version).toBe(DB_VERSION);
    // A newer page upgraded the schema: this older page cannot reopen and says so.
    const newer = await openDB(name, DB_VERSION + 1);
    newer.close();
    expect(closed).toBe(2);
    await expect(connection.get()).rejects.toThrow(/another tab.*[Rr]eload/);
  });
});
