import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { openLibraryDb, type LumenDb } from '../../src/core/store/db';
import { loadMatrix } from '../../src/core/store/embedding-store';
import { sha256Hex } from './decode-image';
import { IndexingJob, type IndexingDeps } from './indexer';
import type { FileSource, ImagePixels, IndexingProgress } from './protocol';

const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];

/** A PNG-shaped file whose one payload byte identifies it (the fake decoder reads it back). */
function pngBytes(seed: number): Uint8Array {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  const ihdr = [...u32(13), 0x49, 0x48, 0x44, 0x52, ...u32(8), ...u32(8), 8, 6, 0, 0, 0, ...u32(0)];
  const iend = [...u32(0), 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];
  return new Uint8Array([...sig, ...ihdr, seed, ...iend]);
}
const SEED_OFFSET = 33;

function source(path: string, content: Uint8Array | string, lastModified = 1000): FileSource {
  const file = new File([content as BlobPart], path.split('/').pop()!, { lastModified });
  return { file, path };
}

const MODEL = 'test-model@1';
const DIM = 4;

function fakeDeps(db: LumenDb, overrides: Partial<IndexingDeps> = {}) {
  const embedded: number[] = [];
  const deps: IndexingDeps = {
    db,
    model: MODEL,
    dim: DIM,
    batchSize: 3,
    hash: sha256Hex,
    async decode(blob) {
      const b = new Uint8Array(await blob.arrayBuffer());
      const seed = b[SEED_OFFSET]!;
      if (seed === 255) throw new Error('bad IDAT');
      return {
        width: 8,
        height: 8,
        thumbnail: new Blob([`thumb-${seed}`]),
        pixels: { data: new Uint8ClampedArray([seed, 0, 0, 255]), width: 1, height: 1 },
      };
    },
    embed(images: ImagePixels[]) {
      return Promise.resolve(
        images.map((img) => {
          embedded.push(img.data[0]!);
          // The seed is readable back from the stored (int8) vector: 100 · v[1] / v[0].
          const v = new Float32Array([1, img.data[0]! / 100, 0, 0]);
          const n = Math.hypot(...v);
          return v.map((x) => x / n);
        }),
      );
    },
    ...overrides,
  };
  return { deps, embedded };
}

async function run(job: IndexingJob, sources: FileSource[]) {
  const events: IndexingProgress[] = [];
  const result = await job.run(sources, (p) => events.push(p));
  return { result, events };
}

let db: LumenDb;
let dbCount = 0;
beforeEach(async () => {
  db = await openLibraryDb(`indexer-spec-${++dbCount}`);
});

const photos = (n: number, from = 1) =>
  Array.from({ length: n }, (_, i) => source(`trip/img-${from + i}.png`, pngBytes(from + i)));

describe('IndexingJob', () => {
  it('stores each photo with its thumbnail and a vector tagged with the model', async () => {
    const { deps, embedded } = fakeDeps(db);
    const { result, events } = await run(new IndexingJob(deps), photos(7));
    expect(result).toMatchObject({ state: 'done', total: 7, processed: 7, indexed: 7, skipped: 0 });
    expect(embedded.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const processed = events.map((e) => e.processed);
    expect(processed).toEqual([...processed].sort((a, b) => a - b));

    const matrix = await loadMatrix(db, MODEL, DIM);
    expect(matrix.ids.length).toBe(7);
    // Each stored vector belongs to the photo it was computed from.
    for (let row = 0; row < matrix.ids.length; row++) {
      const photo = (await db.get('photos', matrix.ids[row]!))!;
      const seed = Number(/img-(\d+)/.exec(photo.path)![1]);
      const v = matrix.vectors.subarray(row * DIM, row * DIM + 2);
      expect((100 * v[1]!) / v[0]!).toBeCloseTo(seed, 0);
      expect(await (await db.get('thumbnails', photo.id))!.text()).toBe(`thumb-${seed}`);
    }
    // Vectors are packed into blocks, never one record per vector.
    expect(await db.count('blocks')).toBe(3);
  });

  it('indexes nothing again when the same folder is added twice', async () => {
    await run(new IndexingJob(fakeDeps(db).deps), photos(5));
    const { deps, embedded } = fakeDeps(db);
    const { result } = await run(new IndexingJob(deps), photos(5));
    expect(embedded).toEqual([]);
    expect(result).toMatchObject({ indexed: 0, unchanged: 5 });
    expect(await db.count('photos')).toBe(5);
  });

  it('recognises identical bytes under another name as a duplicate', async () => {
    await run(new IndexingJob(fakeDeps(db).deps), photos(3));
    const { deps, embedded } = fakeDeps(db);
    const copy = source('backup/copy-of-2.png', pngBytes(2));
    const { result } = await run(new IndexingJob(deps), [copy]);
    expect(result).toMatchObject({ duplicates: 1, indexed: 0 });
    expect(embedded).toEqual([]);
    const dup = (await db.getFromIndex('photos', 'path', 'backup/copy-of-2.png'))!;
    const original = (await db.getFromIndex('photos', 'path', 'trip/img-2.png'))!;
    expect(dup.duplicateOf).toBe(original.id);
    expect((await loadMatrix(db, MODEL, DIM)).ids.length).toBe(3);
  });

  it('treats two identical new files in one batch as one photo and one duplicate', async () => {
    const { deps, embedded } = fakeDeps(db);
    const { result } = await run(new IndexingJob(deps), [
      source('a/x.png', pngBytes(9)),
      source('b/x.png', pngBytes(9)),
    ]);
    expect(result).toMatchObject({ indexed: 1, duplicates: 1 });
    expect(embedded).toEqual([9]);
    const b = (await db.getFromIndex('photos', 'path', 'b/x.png'))!;
    const a = (await db.getFromIndex('photos', 'path', 'a/x.png'))!;
    expect(b.duplicateOf).toBe(a.id);
  });

  it('recognises a copy of a file from an earlier batch that is still being stored', async () => {
    const { deps, embedded } = fakeDeps(db);
    const { result } = await run(new IndexingJob(deps), [
      source('a/x.png', pngBytes(9)),
      ...photos(2),
      source('b/x.png', pngBytes(9)),
      ...photos(2, 3),
    ]);
    expect(result).toMatchObject({ indexed: 5, duplicates: 1, skipped: 0 });
    expect(embedded.filter((seed) => seed === 9)).toEqual([9]);
    const b = (await db.getFromIndex('photos', 'path', 'b/x.png'))!;
    const a = (await db.getFromIndex('photos', 'path', 'a/x.png'))!;
    expect(b.duplicateOf).toBe(a.id);
    expect((await loadMatrix(db, MODEL, DIM)).ids.length).toBe(5);
  });

  it('decodes the next batches while the model works on this one', async () => {
    let modelStarted!: () => void;
    const started = new Promise<void>((r) => (modelStarted = r));
    let decoded = 0;
    let decodedWhenModelStarted = -1;
    let decodedWhileModelBusy = -1;
    const base = fakeDeps(db).deps;
    const { deps } = fakeDeps(db, {
      decode: async (blob, info) => {
        // Only the first photo (seed 1) decodes before the model starts. By photo, not by
        // count: decodes may begin in any order, and the model waits for the first photo.
        const seed = new Uint8Array(await blob.arrayBuffer())[SEED_OFFSET];
        if (seed !== 1) await started;
        const out = await base.decode(blob, info);
        decoded++;
        return out;
      },
      embed: async (images) => {
        if (decodedWhenModelStarted < 0) {
          decodedWhenModelStarted = decoded;
          modelStarted();
          // The model is busy until the decoders have run ahead (or 2 s have passed).
          for (let t = 0; t < 400 && decoded < 6; t++) await new Promise((r) => setTimeout(r, 5));
          decodedWhileModelBusy = decoded;
        }
        return base.embed(images);
      },
    });
    const { result } = await run(new IndexingJob(deps), photos(9));
    expect(result).toMatchObject({ state: 'done', indexed: 9 });
    // The model did not wait for the whole first batch (of 3) to decode...
    expect(decodedWhenModelStarted).toBe(1);
    // ...and while it worked, the decoders went on into the next batches.
    expect(decodedWhileModelBusy).toBeGreaterThanOrEqual(6);
  });

  it('re-indexes a changed file and drops its stale vector', async () => {
    await run(new IndexingJob(fakeDeps(db).deps), photos(3));
    const before = (await db.getFromIndex('photos', 'path', 'trip/img-2.png'))!;
    const { deps, embedded } = fakeDeps(db);
    const edited = source('trip/img-2.png', pngBytes(42), 2000);
    const { result } = await run(
      new IndexingJob(deps),
      [...photos(3)].map((s) => (s.path === edited.path ? edited : s)),
    );
    expect(result).toMatchObject({ indexed: 1, unchanged: 2 });
    expect(embedded).toEqual([42]);
    const matrix = await loadMatrix(db, MODEL, DIM);
    expect(matrix.ids.length).toBe(3);
    const row = Array.from(matrix.ids).indexOf(before.id);
    expect((100 * matrix.vectors[row * DIM + 1]!) / matrix.vectors[row * DIM]!).toBeCloseTo(42, 0);
  });

  it('only updates the timestamp when a file was touched but not changed', async () => {
    await run(new IndexingJob(fakeDeps(db).deps), photos(1));
    const { deps, embedded } = fakeDeps(db);
    const { result } = await run(new IndexingJob(deps), [
      source('trip/img-1.png', pngBytes(1), 5000),
    ]);
    expect(embedded).toEqual([]);
    expect(result.unchanged).toBe(1);
    expect((await db.getFromIndex('photos', 'path', 'trip/img-1.png'))!.lastModified).toBe(5000);
  });

  it('lists each bad file with its reason and still indexes the good ones', async () => {
    const truncated = pngBytes(5).slice(0, 30);
    const { result } = await run(new IndexingJob(fakeDeps(db).deps), [
      source('f/empty.png', new Uint8Array()),
      source('f/notes.jpg', 'not a photo at all'),
      source('f/cut.png', truncated),
      source('f/broken.png', pngBytes(255)),
      ...photos(2),
    ]);
    expect(result).toMatchObject({ indexed: 2, skipped: 4, state: 'done' });
    const reasons = Object.fromEntries((await db.getAll('skipped')).map((s) => [s.name, s.reason]));
    expect(reasons).toEqual({
      'empty.png': 'empty',
      'notes.jpg': 'not-an-image',
      'cut.png': 'truncated',
      'broken.png': 'corrupt',
    });
  });

  it('keeps every finished batch when cancelled, and a second run does only the rest', async () => {
    const first = fakeDeps(db);
    const job = new IndexingJob(first.deps);
    const result = await job.run(photos(9), (p) => {
      if (p.processed === 3) job.cancel();
    });
    expect(result.state).toBe('cancelled');
    expect(await db.count('photos')).toBe(3);
    const second = fakeDeps(db);
    const { result: rest } = await run(new IndexingJob(second.deps), photos(9));
    expect(rest).toMatchObject({ indexed: 6, unchanged: 3 });
    expect(second.embedded.sort((a, b) => a - b)).toEqual([4, 5, 6, 7, 8, 9]);
  });

  it('pauses between batches and continues where it stopped', async () => {
    const { deps } = fakeDeps(db);
    const job = new IndexingJob(deps);
    const states: string[] = [];
    let pausedAt = -1;
    const done = job.run(photos(6), (p) => {
      states.push(p.state);
      if (p.processed === 3 && p.state === 'running' && pausedAt < 0) {
        pausedAt = p.processed;
        job.pause();
      }
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(states.at(-1)).toBe('paused');
    expect(await db.count('photos')).toBe(3);
    job.resume();
    expect((await done).state).toBe('done');
    expect(await db.count('photos')).toBe(6);
  });

  it('stops cleanly with a message when storage is full and loses nothing stored', async () => {
    const { deps } = fakeDeps(db);
    let writes = 0;
    const original = db.transaction.bind(db);
    // The third batch's transaction fails as a full disk makes IndexedDB fail.
    (db as { transaction: unknown }).transaction = (...args: Parameters<typeof original>) => {
      if (args[1] === 'readwrite' && ++writes === 3)
        throw new DOMException('Quota exceeded', 'QuotaExceededError');
      return original(...args);
    };
    const { result } = await run(new IndexingJob(deps), photos(9));
    expect(result.state).toBe('failed');
    expect(result.message).toMatch(/Storage is full/);
    expect(result.message).toMatch(/kept/);
    (db as { transaction: unknown }).transaction = original;
    expect(await db.count('photos')).toBe(6);
    expect((await loadMatrix(db, MODEL, DIM)).ids.length).toBe(6);
  });

  it('embeds the library again for a new model without touching the old vectors', async () => {
    await run(new IndexingJob(fakeDeps(db).deps), photos(4));
    const other = fakeDeps(db, { model: 'other@2' });
    const { result } = await run(new IndexingJob(other.deps), photos(4));
    expect(result.indexed).toBe(4);
    expect((await loadMatrix(db, MODEL, DIM)).ids.length).toBe(4);
    expect((await loadMatrix(db, 'other@2', DIM)).ids.length).toBe(4);
    expect(await db.count('photos')).toBe(4);
  });

  it('reports a file that can no longer be read instead of failing the job', async () => {
    const vanished = source('f/gone.png', pngBytes(3));
    vanished.file.arrayBuffer = () => Promise.reject(new DOMException('gone', 'NotFoundError'));
    const { result } = await run(new IndexingJob(fakeDeps(db).deps), [vanished, ...photos(1)]);
    expect(result).toMatchObject({ indexed: 1, skipped: 1, state: 'done' });
    expect((await db.get('skipped', 'f/gone.png'))?.reason).toBe('unreadable');
  });
});
