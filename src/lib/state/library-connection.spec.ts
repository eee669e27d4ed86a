import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { DB_NAME, DB_VERSION, MIGRATIONS, type LumenSchema } from '../../core/store/db';
import { noticedConnection } from './library-connection';
import { Notice } from './notice.svelte';

function deleteLibrary(): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.deleteDatabase(DB_NAME);
    req.onsuccess = resolve;
    req.onerror = reject;
  });
}

/** An old tab at schema 1 that ignores versionchange (an old build, or a frozen tab). */
function oldTab() {
  return openDB<LumenSchema>(DB_NAME, 1, {
    upgrade: (db, _old, _new, tx) => MIGRATIONS[0]?.(db, tx),
  });
}

describe("the page's library connection", () => {
  afterEach(deleteLibrary);

  it('says while an older tab holds the library, and takes that back once it opened', async () => {
    const old = await oldTab();
    const notice = new Notice();
    const opening = noticedConnection(notice).get();
    await new Promise((r) => setTimeout(r, 50));
    expect(notice.message).toMatch(/older version of the library; close it or reload it/);
    old.close();
    (await opening).close();
    expect(notice.message).toBeNull();
  });

  it('keeps news that came while it waited', async () => {
    const old = await oldTab();
    const notice = new Notice();
    const opening = noticedConnection(notice).get();
    await new Promise((r) => setTimeout(r, 50));
    notice.show('Indexing failed: the worker stopped.');
    old.close();
    (await opening).close();
    expect(notice.message).toBe('Indexing failed: the worker stopped.');
  });

  it('says so when a newer tab upgrades the library under it', async () => {
    const notice = new Notice();
    await noticedConnection(notice).get();
    expect(notice.message).toBeNull();
    (await openDB(DB_NAME, DB_VERSION + 1)).close();
    expect(notice.message).toMatch(/Another Lumen tab is updating the library/);
  });
});
