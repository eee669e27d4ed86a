import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openLibraryDb, type LumenDb, type ScoreRecord } from '../../src/core/store/db';
import {
  BLOCK_ROWS,
  repackScores,
  writeScores,
  type ScoreEntry,
} from '../../src/core/store/score-store';
import { CLIP_IQA_PAIRS } from '../aesthetics/protocol';
import { DEFAULT_RANK } from './protocol';
import { rerank } from './rerank';
import { ScoreIndex } from './score-index';

const KEY = 'm@1|h@1|iqa1';
const PAIRS = CLIP_IQA_PAIRS.map((p) => p.name);

let n = 0;
const fresh = () => openLibraryDb(`score-index-spec-${++n}`);

/** Deterministic, spread-out scores; `salt` changes them as a re-scoring would. */
function entry(id: number, salt = 0, key = KEY): ScoreEntry {
  const r = (k: number) => Math.abs(Math.sin(id * 12.9898 + k * 78.233 + salt * 3.7));
  return {
    id,
    key,
    pairs: PAIRS,
    pixelVersion: 1,
    model: { laion: 1 + 9 * r(0), clipIqa: Object.fromEntries(PAIRS.map((p, k) => [p, r(k + 1)])) },
    ...(id % 7 === 0
      ? {}
      : {
          stats: {
            sharpness: 2000 * r(20),
            meanLuminance: r(21),
            shadowClip: r(22) / 10,
            highlightClip: r(23) / 10,
            contrast: r(24) / 2,
            colourfulness: 80 * r(25),
            megapixels: 12,
            noise: 25 * r(26),
          },
        }),
  };
}

async function write(db: LumenDb, entries: ScoreEntry[]) {
  const tx = db.transaction(['scores', 'meta', 'blocks'], 'readwrite');
  await writeScores(tx, entries);
  await tx.done;
}

/** Every view and the best-first order, to compare two indexes as a person would see them. */
function seen(index: ScoreIndex, ids: number[]) {
  return { size: index.size, views: ids.map((id) => index.view(id)), best: index.bestFirst() };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('ScoreIndex.refresh', () => {
  it('reads only the new blocks and ranks exactly as a full rebuild', async () => {
    const db = await fresh();
    for (let at = 1; at <= 4 * BLOCK_ROWS; at += BLOCK_ROWS) {
      await write(
        db,
        range(at, at + BLOCK_ROWS).map((id) => entry(id)),
      );
    }
    const index = await ScoreIndex.load(db, KEY);
    expect(index.rowsRead).toBe(4 * BLOCK_ROWS);

    // A batch of new photos, and re-scored ones whose old rows sit in the oldest blocks.
    await write(db, [
      ...range(5000, 5040).map((id) => entry(id)),
      ...[3, 700, 1500].map((id) => entry(id, 1)),
    ]);
    await write(db, [entry(9, 2, 'm@1|other-head@1|iqa1')]);
    const updated = await index.refresh(db);
    expect(updated).toBe(index);
    // The newest block read before (it may have grown), the new one and the other key's:
    // never the three older blocks.
    expect(updated.rowsRead).toBe(BLOCK_ROWS + 43 + 1);

    const rebuilt = await ScoreIndex.load(db, KEY);
    const ids = [...range(1, 4 * BLOCK_ROWS + 1), ...range(5000, 5040), 9999];
    expect(seen(updated, ids)).toEqual(seen(rebuilt, ids));
    expect(updated.size).toBe(4 * BLOCK_ROWS + 40);
    // Re-scored photos show their new scores.
    expect(updated.view(700)!.laion).toBe(rebuilt.view(700)!.laion);
    expect(updated.view(700)!.laion).not.toBe(Math.fround(entry(700).model!.laion));

    const hits = range(1, 60).map((id, i) => ({ id, score: 0.9 - i / 100 }));
    const options = { ...DEFAULT_RANK, beauty: 0.7 };
    expect(rerank(hits, 0.3, updated, options)).toEqual(rerank(hits, 0.3, rebuilt, options));

    // Nothing written: nothing read.
    expect((await updated.refresh(db)).rowsRead).toBe(0);
  });

  it('follows a repack of an old library without reading the packed blocks again', async () => {
    const db = await fresh();
    const legacy = (id: number): ScoreRecord => {
      const e = entry(id);
      return {
        id,
        models: { [KEY]: e.model! },
        ...(e.stats ? { pixel: { version: 1, stats: e.stats, appeal: {} as never } } : {}),
      };
    };
    for (const id of range(1, 200)) await db.put('scores', legacy(id));
    await write(
      db,
      range(300, 300 + BLOCK_ROWS).map((id) => entry(id)),
    );
    const index = await ScoreIndex.load(db, KEY);
    const before = seen(index, range(1, 900));

    await repackScores(db, undefined, undefined, 64);
    const updated = await index.refresh(db);
    expect(updated).toBe(index);
    expect(updated.rowsRead).toBe(BLOCK_ROWS + 199);
    expect(seen(updated, range(1, 900))).toEqual(before);
    expect(seen(await ScoreIndex.load(db, KEY), range(1, 900))).toEqual(before);
  });

  it('reads everything again for another library', async () => {
    const db = await fresh();
    await write(db, [entry(1), entry(2)]);
    const index = await ScoreIndex.load(db, KEY);
    const other = await fresh();
    await write(other, [entry(5), entry(6), entry(7)]);
    const switched = await index.refresh(other);
    expect(switched).not.toBe(index);
    expect(switched.size).toBe(3);
    expect(switched.view(1)).toBeUndefined();
  });
});
