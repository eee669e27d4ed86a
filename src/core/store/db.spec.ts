import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { DB_VERSION, MIGRATIONS, getLibraryVersion, openLibraryDb } from './db';

let n = 0;
const freshName = () => `db-spec-${++n}`;

describe('library database', () => {
  it('creates every store and index on first open', async () => {
    const db = await openLibraryDb(freshName());
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual(
      ['blocks', 'jobs', 'meta', 'photos', 'rephrasings', 'scores', 'skipped', 'thumbnails'].sort(),
    );
    const tx = db.transaction(['photos', 'blocks']);
    expect([...tx.objectStore('photos').indexNames].sort()).toEqual(['hash', 'path']);
    expect([...tx.objectStore('blocks').indexNames]).toEqual(['model']);
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
});
