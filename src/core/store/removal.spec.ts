import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { getLibraryVersion, openLibraryDb, type LumenDb, type ScoreRecord } from './db';
import { compactBlock, concatBlocks } from './embedding-store';
import { goneFromFolders, listFolders, LOOSE_PHOTOS } from './folder-store';
import { readLibraryMetadata, writeMetadata } from './metadata-store';
import {
  pendingRemoval,
  planFolderRemoval,
  planPhotoRemoval,
  runRemoval,
  startRemoval,
} from './removal';
import { latestScores, readScores, rowLaion, writeScores } from './score-store';
import { photoRecord } from './test-photos';

const M1 = 'clip@1';
const M2 = 'other@2';
const KEY = `${M1}|head@1|iqa1`;

let n = 0;
const fresh = () => openLibraryDb(`removal-spec-${++n}`);

/** A unit vector that tells photos apart: photo i points mostly along axis i. */
const vectorOf = (id: number) => {
  const v = new Float32Array(4).fill(0.1);
  v[id % 4] = 1;
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
};

const skip = (path: string) => ({
  path,
  name: path,
  reason: 'corrupt' as const,
  message: '',
  size: 1,
  at: 0,
});

/**
 * Folder `a`: originals 1, 2, 3, 5 and photo 4, a copy of 6. Folder `b`: original 6, its copy
 * 7, and 8, a copy of 2 (so 8 takes 2's place when `a` goes). Photos 1–3 and 5–6 have vectors
 * of two models, scores (3's as a per-photo record of an older library) and thumbnails.
 */
async function library(db: LumenDb) {
  const originals = [1, 2, 3, 5, 6];
  const block = (id: number, model: string, ids: number[]) =>
    compactBlock({
      id,
      model,
      dim: 4,
      ids: Uint32Array.from(ids),
      vectors: Float32Array.from(ids.flatMap((i) => [...vectorOf(i)])),
    });
  await db.put('blocks', block(1, M1, [1, 2, 3]));
  await db.put('blocks', block(2, M1, [5, 6]));
  await db.put('blocks', block(3, M2, originals));
  const vectors = (id: number) => ({ [M1]: id <= 3 ? 1 : 2, [M2]: 3 });
  for (const id of originals) {
    const path = id === 6 ? 'b/6.jpg' : `a/${id}.jpg`;
    await db.put('photos', photoRecord(id, { path, vectors: vectors(id) }));
    await db.put('thumbnails', new Blob([`thumb ${id}`]), id);
  }
  await db.put('photos', photoRecord(4, { path: 'a/4.jpg', hash: '6', duplicateOf: 6 }));
  await db.put('photos', photoRecord(7, { path: 'b/7.jpg', hash: '6', duplicateOf: 6 }));
  await db.put('photos', photoRecord(8, { path: 'b/sub/8.jpg', hash: '2', duplicateOf: 2 }));
  const tx = db.transaction(['scores', 'meta', 'blocks'], 'readwrite');
  const entry = (id: number) => ({
    id,
    key: KEY,
    pairs: ['good'],
    pixelVersion: 0,
    model: { laion: id, clipIqa: { good: id / 10 } },
  });
  await writeScores(tx, [1, 2, 5, 6].map(entry));
  const legacy: ScoreRecord = { id: 3, models: { [KEY]: { laion: 3, clipIqa: { good: 0.3 } } } };
  await tx.objectStore('scores').put(legacy);
  await tx.done;
  const pair = (winner: number, loser: number) => ({
    model: M1,
    queryText: 'q',
    winner,
    loser,
    weight: 1,
    origin: 'liked' as const,
    at: 0,
    taste: 'default',
  });
  await db.add('preferences', pair(1, 6));
  await db.add('preferences', pair(2, 6));
  await db.add('preferences', pair(6, 7));
  await db.put('skipped', skip('a/broken.jpg'));
  await db.put('skipped', skip('b/broken.jpg'));
  await db.put('skipped', skip('ab/broken.jpg'));
  await writeMetadata(
    db,
    [1, 2, 6].map((id) => ({ id, metadata: { takenAt: id * 1000, camera: `camera ${id}` } })),
  );
  await db.put('folders', { name: 'a', addedAt: 10 });
  await db.put('folders', { name: 'b', addedAt: 20 });
}

/** The library as plain values, to compare what survived with what was there before. */
async function snapshot(db: LumenDb) {
  const scores = latestScores((await readScores(db)).blocks);
  const vectors = (model: string) =>
    db
      .getAllFromIndex('blocks', 'model', model)
      .then((blocks) => concatBlocks(model, 4, blocks))
      .then(
        (m) => new Map([...m.ids].map((id, i) => [id, [...m.vectors.slice(i * 4, i * 4 + 4)]])),
      );
  return {
    photos: await db.getAll('photos'),
    thumbnails: new Map(
      await Promise.all(
        (await db.getAllKeys('thumbnails')).map(
          async (k) => [k, await (await db.get('thumbnails', k))!.text()] as const,
        ),
      ),
    ),
    m1: await vectors(M1),
    m2: await vectors(M2),
    laion: new Map([...scores].map(([id, s]) => [id, rowLaion(s.models.get(KEY)!)])),
    pairs: (await db.getAll('preferences')).map((p) => [p.winner, p.loser]),
    skipped: await db.getAllKeys('skipped'),
    folders: (await db.getAll('folders')).map((f) => f.name),
    metadata: await readLibraryMetadata(db),
  };
}

describe('removal', () => {
  it('says what removing a folder takes away before it does', async () => {
    const db = await fresh();
    await library(db);
    const plan = await planFolderRemoval(db, ['a']);
    expect(plan.ids).toHaveLength(5);
    // The copy goes before any original, so no copy is ever left pointing at nothing.
    expect(plan.ids[0]).toBe(4);
    expect(plan).toMatchObject({ duplicates: 1, promoted: 1, pairs: 1, skipped: 1 });
    expect(plan.folders).toEqual(['a']);
    // Planning changes nothing.
    expect(await db.count('photos')).toBe(8);
    expect(await pendingRemoval(db)).toBeUndefined();
  });

  it('cut off half-way, resumes and leaves nothing of the folder and everything else as it was', async () => {
    const db = await fresh();
    await library(db);
    const before = await snapshot(db);
    const version = await getLibraryVersion(db);
    await startRemoval(db, await planFolderRemoval(db, ['a']));

    // The tab closes after the first chunk of two photos.
    const abort = new AbortController();
    await expect(
      runRemoval(db, { chunk: 2, signal: abort.signal, onProgress: () => abort.abort() }),
    ).rejects.toThrow();
    const half = await snapshot(db);
    expect(half.photos).toHaveLength(6);
    expect((await pendingRemoval(db))?.ids).toHaveLength(3);
    // Every photo still there is whole: a record with its vectors or a live original.
    for (const p of half.photos) {
      if (p.duplicateOf === undefined) expect(half.m1.has(p.id)).toBe(true);
      else expect(half.photos.some((o) => o.id === p.duplicateOf)).toBe(true);
    }

    // The next visit carries on.
    const progress: number[] = [];
    const done = await runRemoval(db, { chunk: 2, onProgress: (p) => progress.push(p.removed) });
    expect(done).toEqual({ removed: 5, total: 5 });
    expect(progress).toEqual([4, 5]);
    expect(await pendingRemoval(db)).toBeUndefined();
    expect(await getLibraryVersion(db)).toBeGreaterThan(version);

    const after = await snapshot(db);
    expect(after.photos.map((p) => p.id)).toEqual([6, 7, 8]);
    const heir = after.photos.find((p) => p.id === 8)!;
    // 8, a copy of the removed 2, now stands on its own with 2's vectors, scores and thumbnail.
    expect(heir.duplicateOf).toBeUndefined();
    expect(heir.path).toBe('b/sub/8.jpg');
    expect(after.m1.get(8)).toEqual(before.m1.get(2));
    expect(after.m2.get(8)).toEqual(before.m2.get(2));
    expect(after.laion.get(8)).toBe(before.laion.get(2));
    expect(after.thumbnails.get(8)).toBe('thumb 2');
    expect(after.metadata.get(8)).toEqual(before.metadata.get(2));
    expect(after.pairs).toEqual([
      [8, 6],
      [6, 7],
    ]);
    // Nothing else of folder a remains, in any store.
    expect([...after.m1.keys()].sort()).toEqual([6, 8]);
    expect([...after.m2.keys()].sort()).toEqual([6, 8]);
    expect([...after.laion.keys()].sort()).toEqual([6, 8]);
    expect([...after.thumbnails.keys()].sort()).toEqual([6, 8]);
    expect([...after.metadata.keys()].sort()).toEqual([6, 8]);
    expect(await db.count('scores', 3)).toBe(0);
    expect(after.skipped).toEqual(['ab/broken.jpg', 'b/broken.jpg']);
    expect(after.folders).toEqual(['b']);
    // And folder b's own photos are exactly as they were.
    for (const id of [6, 7]) {
      expect(after.photos.find((p) => p.id === id)).toEqual(before.photos.find((p) => p.id === id));
    }
    expect(after.m1.get(6)).toEqual(before.m1.get(6));
    expect(after.laion.get(6)).toBe(before.laion.get(6));
    expect(after.metadata.get(6)).toEqual(before.metadata.get(6));
  });

  it('removes selected photos; a copy that stays takes over, and other copies follow it', async () => {
    const db = await fresh();
    await library(db);
    const before = await snapshot(db);
    const plan = await planPhotoRemoval(db, [6, 1]);
    expect(plan).toMatchObject({ duplicates: 0, promoted: 1, pairs: 1, folders: [] });
    await startRemoval(db, plan);
    await runRemoval(db);
    const after = await snapshot(db);
    expect(after.photos.map((p) => p.id)).toEqual([2, 3, 4, 5, 7, 8]);
    // 4 (in a) takes 6's place, and 7, the other copy of 6, now points at it.
    expect(after.photos.find((p) => p.id === 4)?.duplicateOf).toBeUndefined();
    expect(after.photos.find((p) => p.id === 7)?.duplicateOf).toBe(4);
    expect(after.m1.get(4)).toEqual(before.m1.get(6));
    expect(after.pairs).toEqual([
      [2, 4],
      [4, 7],
    ]);
    // Removing photos, not folders, keeps every folder and skip report.
    expect(after.folders).toEqual(['a', 'b']);
    expect(after.skipped).toHaveLength(3);
  });

  it('refuses a second removal while one is under way', async () => {
    const db = await fresh();
    await library(db);
    await startRemoval(db, await planPhotoRemoval(db, [1]));
    await expect(startRemoval(db, await planPhotoRemoval(db, [2]))).rejects.toThrow(/still/);
  });
});

describe('folders', () => {
  it('lists folders with counts and dates, from paths where no record says more', async () => {
    const db = await fresh();
    for (const [id, path] of [
      [1, 'beach/1.jpg'],
      [2, 'beach/deep/2.jpg'],
      [3, 'beach-trip/3.jpg'],
      [4, 'beach0/4.jpg'],
      [5, 'loose.jpg'],
    ] as const)
      await db.put('photos', photoRecord(id, { path }));
    await db.put('folders', { name: 'beach', addedAt: 5 });
    await db.put('folders', { name: 'empty', addedAt: 6 });
    expect(await listFolders(db)).toEqual([
      { name: LOOSE_PHOTOS, photos: 1, addedAt: null },
      { name: 'beach', photos: 2, addedAt: 5 },
      { name: 'beach-trip', photos: 1, addedAt: null },
      { name: 'beach0', photos: 1, addedAt: null },
      { name: 'empty', photos: 0, addedAt: 6 },
    ]);
  });

  it('names the photos that are no longer in a folder added again', async () => {
    const db = await fresh();
    for (const [id, path] of [
      [1, 'beach/1.jpg'],
      [2, 'beach/deep/2.jpg'],
      [3, 'beach-trip/3.jpg'],
      [4, 'loose.jpg'],
    ] as const)
      await db.put('photos', photoRecord(id, { path }));
    const gone = await goneFromFolders(db, ['beach/1.jpg', 'beach/new.jpg', 'other.jpg']);
    expect([...gone]).toEqual([['beach/deep/2.jpg', 2]]);
  });
});
