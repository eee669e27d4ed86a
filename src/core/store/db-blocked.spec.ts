import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { DB_VERSION, LibraryConnection, MIGRATIONS, type LumenSchema } from './db';

describe('an upgrade while an older tab keeps the library open', () => {
  it('says that it waits, and opens by itself once the older tab lets go', async () => {
    const name = 'db-blocked-spec';
    // An old tab at schema 1 that ignores versionchange (an old build, or a frozen tab).
    const old = await openDB<LumenSchema>(name, 1, {
      upgrade: (db, _old, _new, tx) => MIGRATIONS[0]?.(db, tx),
    });
    const told: boolean[] = [];
    const connection = new LibraryConnection(name, DB_VERSION, undefined, (waiting) =>
      told.push(waiting),
    );
    let opened = false;
    const opening = connection.get().then((db) => {
      opened = true;
      return db;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(told).toEqual([true]);
    expect(opened).toBe(false);
    old.close();
    const db = await opening;
    expect(db.version).toBe(DB_VERSION);
    expect(told).toEqual([true, false]);
    db.close();
  });

  it('says nothing when no tab is in the way', async () => {
    const told: boolean[] = [];
    const connection = new LibraryConnection('db-unblocked-spec', DB_VERSION, undefined, (w) =>
      told.push(w),
    );
    (await connection.get()).close();
    expect(told).toEqual([]);
  });
});
