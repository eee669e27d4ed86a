import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openLibraryDb, type LumenDb, type ScoreRecord } from './db';
import type { PixelStats } from './pixel-scores';
import {
  BLOCK_ROWS,
  IQA_STEPS,
  isBlock,
  latestScores,
  legacyScoreCount,
  readScores,
  readScoresSince,
  repackScores,
  rowModel,
  rowStats,
  writeScores,
  type ScoreEntry,
  type StoredScore,
} from './score-store';

const KEY = 'clip@1|head@1|iqa1';
const PAIRS = ['quality', 'sharpness', 'beauty'];

let n = 0;
const fresh = () => openLibraryDb(`score-store-spec-${++n}`);

const stats = (i: number): PixelStats => ({
  sharpness: 100.1 + i,
  meanLuminance: 0.41 + i / 1000,
  shadowClip: 0.013,
  highlightClip: 0.002,
  contrast: 0.21,
  colourfulness: 30.3 + i,
  megapixels: 12.000768,
  noise: 1.7,
});

const entry = (id: number, key = KEY, laion = 4 + id / 7): ScoreEntry => ({
  id,
  key,
  pairs: PAIRS,
  pixelVersion: 1,
  model: { laion, clipIqa: Object.fromEntries(PAIRS.map((p, k) => [p, (id + k) / 1000])) },
  stats: stats(id),
});

async function write(db: LumenDb, entries: ScoreEntry[]) {
  const tx = db.transaction(['scores', 'meta', 'blocks'], 'readwrite');
  await writeScores(tx, entries);
  await tx.done;
}

const legacy = (id: number, keys = [KEY]): ScoreRecord => ({
  id,
  pixel: { version: 1, stats: stats(id), appeal: { overall: 0.5 } as never },
  models: Object.fromEntries(keys.map((k) => [k, entry(id, k).model!])),
});

/** Each photo's winning scores as plain values, for comparing whole libraries. */
async function plain(db: LumenDb) {
  const out: Record<number, unknown> = {};
  for (const [id, s] of latestScores((await readScores(db)).blocks)) {
    out[id] = {
      models: Object.fromEntries([...s.models].map(([k, ref]) => [k, rowModel(ref)])),
      pixel: s.pixel ? [s.pixel.block.pixelVersion, rowStats(s.pixel)] : null,
    };
  }
  return out;
}

const f32 = (x: number) => Math.fround(x);
/** CLIP-IQA probabilities are stored in 16-bit steps: within 1/131068 of the value. */
const q16 = (x: number) => Math.round(x * IQA_STEPS) / IQA_STEPS;

describe('score codec', () => {
  it('round-trips scores through packed blocks (float32, probabilities in 16-bit steps)', async () => {
    const db = await fresh();
    const pixelOnly: ScoreEntry = { id: 9, key: '', pairs: [], pixelVersion: 1, stats: stats(9) };
    const noPixel = entry(3);
    delete noPixel.stats;
    await write(db, [entry(1), entry(2), noPixel, pixelOnly]);
    const stored = (await db.getAll('scores')) as StoredScore[];
    expect(stored.every(isBlock)).toBe(true);
    const scores = latestScores((await readScores(db)).blocks);
    const one = scores.get(1)!;
    expect(rowModel(one.models.get(KEY)!)).toEqual({
      laion: f32(4 + 1 / 7),
      clipIqa: { quality: q16(0.001), sharpness: q16(0.002), beauty: q16(0.003) },
    });
    expect(rowStats(one.pixel!)).toEqual(
      Object.fromEntries(
        Object.entries(stats(1) as unknown as Record<string, number>).map(([k, v]) => [k, f32(v)]),
      ),
    );
    expect(scores.get(3)!.pixel).toBeUndefined();
    expect(scores.get(3)!.models.has(KEY)).toBe(true);
    expect(scores.get(9)!.models.size).toBe(0);
    expect(rowStats(scores.get(9)!.pixel!)!.colourfulness).toBe(f32(39.3));
  });

  it('appends batches to the newest block of the same key until it is full', async () => {
    const db = await fresh();
    const ids = Array.from({ length: BLOCK_ROWS + 10 }, (_, i) => i + 1);
    for (let at = 0; at < ids.length; at += 32) {
      await write(
        db,
        ids.slice(at, at + 32).map((id) => entry(id)),
      );
    }
    await write(db, [entry(1, 'other@1|h@1|iqa1')]);
    const blocks = ((await db.getAll('scores')) as StoredScore[]).filter(isBlock);
    expect(blocks.map((b) => [b.key, b.ids.length])).toEqual([
      ['other@1|h@1|iqa1', 1],
      [KEY, 10],
      [KEY, BLOCK_ROWS],
    ]);
    expect(latestScores((await readScores(db)).blocks).size).toBe(ids.length);
  });

  it('lets a newer row win, and a scorer row win over a repacked old record', async () => {
    const db = await fresh();
    await db.put('scores', legacy(1));
    await write(db, [entry(1, KEY, 9)]);
    await write(db, [entry(1, KEY, 8)]);
    const laion = async () =>
      rowModel(
        latestScores((await readScores(db)).blocks)
          .get(1)!
          .models.get(KEY)!,
      )!.laion;
    expect(await laion()).toBe(8);
    // Repacking the old record makes the newest block, yet it is older than the scorer's rows.
    expect(await repackScores(db)).toBe(1);
    expect(await legacyScoreCount(db)).toBe(0);
    expect(await laion()).toBe(8);
  });

  it('reads an old library exactly as it reads after repacking, both formats mixed meanwhile', async () => {
    const db = await fresh();
    const keys = [KEY, 'clip@1|other-head@1|iqa1'];
    for (let id = 1; id <= 25; id++) await db.put('scores', legacy(id, id % 5 ? [KEY] : keys));
    await db.put('scores', { id: 26, models: {}, pixel: legacy(26).pixel });
    await write(db, [entry(30)]);
    const before = await plain(db);
    expect(Object.keys(before)).toHaveLength(27);

    // A tab closed mid-way: the first chunk committed, the second never did.
    const stop = new AbortController();
    await expect(
      repackScores(db, (p) => p.done > 0 && stop.abort(), stop.signal, 10),
    ).rejects.toThrow();
    expect(await legacyScoreCount(db)).toBe(16);
    expect(await plain(db)).toEqual(before);

    // The next start carries on and finishes; nothing is lost or changed.
    const progress: number[] = [];
    expect(await repackScores(db, (p) => progress.push(p.done), undefined, 10)).toBe(16);
    expect(progress).toEqual([0, 10, 16]);
    expect(await legacyScoreCount(db)).toBe(0);
    expect(await plain(db)).toEqual(before);
    expect(await repackScores(db)).toBe(0);
  });

  it('hands a reader only the blocks written since it last read', async () => {
    const db = await fresh();
    for (let i = 0; i < 3; i++) {
      await write(
        db,
        Array.from({ length: BLOCK_ROWS }, (_, k) => entry(i * BLOCK_ROWS + k + 1)),
      );
    }
    const first = await readScores(db);
    expect(first.blocks).toHaveLength(3);
    const none = await readScoresSince(db, first.cursor);
    expect(none!.blocks).toHaveLength(0);
    await write(db, [entry(5000), entry(5001)]);
    const since = await readScoresSince(db, first.cursor);
    // The newest block read before (which may have grown) and the new one; not the others.
    expect(since!.blocks.map((b) => b.ids.length)).toEqual([BLOCK_ROWS, 2]);
    await write(db, [entry(5002)]);
    const grown = await readScoresSince(db, since!.cursor);
    expect(grown!.blocks.map((b) => b.ids.length)).toEqual([3]);
  });

  it('asks for a full read when old records may have been deleted by indexing', async () => {
    const db = await fresh();
    await db.put('scores', legacy(1));
    const { cursor } = await readScores(db);
    await db.put('meta', 7, 'libraryVersion');
    expect(await readScoresSince(db, cursor)).toBeNull();
    // Records gone and nothing written (a library deleted and made again): read it all again.
    await db.put('scores', legacy(2));
    const two = (await readScores(db)).cursor;
    await db.delete('scores', 2);
    expect(await readScoresSince(db, two)).toBeNull();
    expect(await repackScores(db)).toBe(1);
    const after = await readScores(db);
    await db.put('meta', 8, 'libraryVersion');
    // Once everything is packed, a library change leaves the scores alone.
    expect((await readScoresSince(db, after.cursor))!.blocks).toHaveLength(0);
  });
});
