import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import type { FileSource } from '../../../workers/embedding/protocol';
import { openLibraryDb, type LumenDb } from '../../core/store/db';
import { startRemoval, planFolderRemoval } from '../../core/store/removal';
import { photoRecord } from '../../core/store/test-photos';
import { FoldersManager } from './folders.svelte';

let n = 0;

async function setup(paths: string[], blocked: string | null = null) {
  const db = await openLibraryDb(`folders-spec-${++n}`);
  for (const [i, path] of paths.entries()) await db.put('photos', photoRecord(i + 1, { path }));
  const onRemoved = vi.fn(() => Promise.resolve());
  const notify = vi.fn();
  const folders = new FoldersManager({
    db: () => Promise.resolve(db),
    blocked: () => blocked,
    onRemoved,
    notify,
  });
  return { db, folders, onRemoved, notify };
}

const collected = (...paths: string[]): FileSource[] =>
  paths.map((path) => ({ path, file: new File(['x'], path.split('/').pop()!) }));

const paths = async (db: LumenDb) => (await db.getAll('photos')).map((p) => p.path);

describe('folders manager', () => {
  it('lists a folder once indexed, with the time it was added', async () => {
    const { folders } = await setup(['beach/1.jpg', 'garden/2.jpg']);
    await folders.refresh();
    expect(folders.folders.map((f) => [f.name, f.photos, f.addedAt])).toEqual([
      ['beach', 1, null],
      ['garden', 1, null],
    ]);
    const before = Date.now();
    await folders.folderIndexed(collected('beach/1.jpg', 'beach/new.jpg'));
    const beach = folders.folders.find((f) => f.name === 'beach');
    expect(beach?.addedAt).toBeGreaterThanOrEqual(before);
    expect(folders.folders.find((f) => f.name === 'garden')?.addedAt).toBeNull();
  });

  it('asks before removing a folder, and removes it only when confirmed', async () => {
    const { db, folders, onRemoved } = await setup(['beach/1.jpg', 'beach/2.jpg', 'garden/3.jpg']);
    await folders.askRemoveFolder('beach');
    expect(folders.question?.what).toBe('the folder “beach”');
    expect(folders.question?.plan.ids).toHaveLength(2);
    folders.cancel();
    expect(folders.question).toBeNull();
    expect(await db.count('photos')).toBe(3);

    await folders.askRemoveFolder('beach');
    await folders.confirm();
    expect(await paths(db)).toEqual(['garden/3.jpg']);
    expect(onRemoved).toHaveBeenCalledTimes(1);
    expect(folders.removing).toBe(false);
    expect(folders.folders.map((f) => f.name)).toEqual(['garden']);
  });

  it('removes only once the library-write lock is granted, which indexing in any tab also takes', async () => {
    const db = await openLibraryDb(`folders-spec-${++n}`);
    for (const [i, path] of ['beach/1.jpg', 'garden/2.jpg'].entries())
      await db.put('photos', photoRecord(i + 1, { path }));
    let grant: () => void = () => {};
    const granted = new Promise<void>((resolve) => (grant = resolve));
    const folders = new FoldersManager({
      db: () => Promise.resolve(db),
      blocked: () => null,
      onRemoved: () => Promise.resolve(),
      notify: vi.fn(),
      exclusive: async (task) => {
        await granted;
        await task();
      },
    });
    await folders.askRemoveFolder('beach');
    const done = folders.confirm();
    await new Promise((r) => setTimeout(r, 20));
    expect(await db.count('photos')).toBe(2);
    grant();
    await done;
    expect(await paths(db)).toEqual(['garden/2.jpg']);
  });

  it('reports files gone from a folder added again, and removes them in one step', async () => {
    const { db, folders } = await setup(['beach/1.jpg', 'beach/2.jpg', 'beach/3.jpg', 'x/4.jpg']);
    await folders.folderCollected(collected('beach/1.jpg', 'beach/5.jpg'));
    expect(folders.gone).toEqual({ folders: ['beach'], ids: [2, 3] });
    await folders.askRemoveGone();
    expect(folders.question?.plan.ids).toEqual([2, 3]);
    await folders.confirm();
    expect(await paths(db)).toEqual(['beach/1.jpg', 'x/4.jpg']);
    expect(folders.gone).toBeNull();

    // A folder added again with every file still there reports nothing.
    await folders.folderCollected(collected('beach/1.jpg'));
    expect(folders.gone).toBeNull();
  });

  it('removes nothing while indexing runs, and says why', async () => {
    const { db, folders, notify } = await setup(['beach/1.jpg'], 'Wait for indexing.');
    await folders.askRemovePhotos([1]);
    expect(folders.question).toBeNull();
    expect(notify).toHaveBeenCalledWith('Wait for indexing.');
    expect(await db.count('photos')).toBe(1);
  });

  it('carries on a removal a closed tab left half-done', async () => {
    const { db, folders, onRemoved } = await setup(['beach/1.jpg', 'garden/2.jpg']);
    await startRemoval(db, await planFolderRemoval(db, ['garden']));
    expect(await folders.resumePending()).toBe(true);
    expect(await paths(db)).toEqual(['beach/1.jpg']);
    expect(onRemoved).toHaveBeenCalledTimes(1);
    expect(await folders.resumePending()).toBe(false);
  });
});
