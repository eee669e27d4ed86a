import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openLibraryDb } from '../../core/store/db';
import { photoRecord as photo, wrapDbMethod } from '../../core/store/test-photos';
import { compactBlock } from '../../core/store/embedding-store';
import { LibraryManager } from './library.svelte';

let n = 0;
const MODEL = 'clip@1';

describe('library manager', () => {
  it('counts photos with vectors of its own model only, and lists skipped files by path', async () => {
    const db = openLibraryDb(`library-spec-${++n}`);
    const d = await db;
    await d.put('photos', photo(1, { vectors: { [MODEL]: 1 } }));
    await d.put('photos', photo(2, { vectors: { 'other@2': 2 } }));
    const block = (id: number, model: string) =>
      compactBlock({ id, model, dim: 1, ids: Uint32Array.of(id), vectors: Float32Array.of(1) });
    await d.put('blocks', block(1, MODEL));
    await d.put('blocks', block(2, 'other@2'));
    await d.put('photos', photo(3, { duplicateOf: 1 }));
    for (const path of ['b.txt', 'a.svg'])
      await d.put('skipped', {
        path,
        name: path,
        reason: 'unsupported-format',
        message: '',
        size: 0,
        at: 0,
      });
    const library = new LibraryManager(() => db, MODEL);
    expect(library.stats.embedded).toBe(0);
    await library.refresh();
    expect(library.stats).toEqual({ photos: 3, duplicates: 1, embedded: 1, skipped: 2 });
    expect(library.skipped.map((s) => s.path)).toEqual(['a.svg', 'b.txt']);
    await library.clearSkippedList();
    expect(library.skipped).toEqual([]);
    expect(library.stats.skipped).toBe(0);
  });

  it('an older refresh that finishes last does not bring back older counts', async () => {
    const d = await openLibraryDb(`library-spec-${++n}`);
    // The first refresh reads the library as it was, then is slow to finish (a busy tab).
    let read!: () => void;
    const readDone = new Promise<void>((resolve) => (read = resolve));
    const slow = wrapDbMethod(d, 'getAll', (getAll) => async (...args) => {
      const rows = await getAll(...args);
      read();
      await new Promise((resolve) => setTimeout(resolve, 30));
      return rows;
    });
    const dbs = [slow, d];
    const library = new LibraryManager(() => Promise.resolve(dbs.shift() ?? d), MODEL);
    const first = library.refresh();
    await readDone;
    await d.put('skipped', {
      path: 'broken.jpg',
      name: 'broken.jpg',
      reason: 'corrupt',
      message: '',
      size: 1,
      at: 0,
    });
    await library.refresh();
    await first;
    expect(library.stats.skipped).toBe(1);
    expect(library.skipped.map((s) => s.path)).toEqual(['broken.jpg']);
  });

  it('finds an interrupted job and forgets it when dismissed', async () => {
    const db = openLibraryDb(`library-spec-${++n}`);
    await (await db).put('jobs', { id: 'current', rootName: 'Holiday', total: 9, startedAt: 1 });
    const library = new LibraryManager(() => db, MODEL);
    await library.refreshPendingJob();
    expect(library.pendingJob?.rootName).toBe('Holiday');
    await library.dismissPending();
    expect(library.pendingJob).toBeNull();
    await library.refreshPendingJob();
    expect(library.pendingJob).toBeNull();
  });

  it('knows which photos came from an imported export once refreshed', async () => {
    const db = openLibraryDb(`library-spec-${++n}`);
    await (await db).put('meta', [{ from: 4, to: 6 }], 'importedPhotos');
    const library = new LibraryManager(() => db, MODEL);
    expect(library.isImported(5)).toBe(false);
    await library.refresh();
    expect([3, 4, 5, 6, 7].map((id) => library.isImported(id))).toEqual([
      false,
      true,
      true,
      true,
      false,
    ]);
  });

  it('opens an original picked in this visit, and nothing for an unknown path', async () => {
    const library = new LibraryManager(() => openLibraryDb(`library-spec-${++n}`), MODEL);
    const file = new File(['x'], 'a.jpg', { type: 'image/jpeg' });
    library.rememberOriginals([{ file, path: 'f/a.jpg' }]);
    expect(await library.openOriginal('f/a.jpg')).toBe(file);
    expect(await library.openOriginal('f/b.jpg')).toBeNull();
  });
});

describe('vector compaction', () => {
  it('shows progress while it runs and clears it when done, also on failure', async () => {
    const library = new LibraryManager(() => openLibraryDb(`library-compact-${++n}`), MODEL);
    const seen: (string | null)[] = [];
    const done = await library.compactVectors((onProgress) => {
      for (const p of [0, 1, 2]) {
        onProgress({ done: p, total: 3 });
        seen.push(library.compaction && `${library.compaction.done}/${library.compaction.total}`);
      }
      onProgress({ done: 3, total: 3 });
      seen.push(library.compaction && 'still shown');
      return Promise.resolve(3);
    });
    expect(done).toBe(3);
    expect(seen).toEqual(['0/3', '1/3', '2/3', null]);
    await expect(
      library.compactVectors((onProgress) => {
        onProgress({ done: 1, total: 4 });
        return Promise.reject(new Error('QuotaExceededError'));
      }),
    ).rejects.toThrow('QuotaExceededError');
    expect(library.compaction).toBeNull();
  });
});
