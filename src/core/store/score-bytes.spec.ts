import 'fake-indexeddb/auto';
import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { openLibraryDb, type LumenDb, type ScoreRecord } from './db';
import { commitBatch } from './photo-store';
import type { PixelStats } from './pixel-scores';
import {
  legacyEntries,
  packScores,
  storedBytes,
  writeScores,
  type ScoreEntry,
  type StoredScore,
} from './score-store';

// What a library of the real model stores per photo, measured as IndexedDB would hold it:
// v8.serialize is V8's structured clone, which Chromium's IndexedDB stores. Thumbnails excluded.
const MODEL = 'Xenova/clip-vit-base-patch32@main';
const KEY = `${MODEL}|LAION-AI/aesthetic-predictor@main|iqa1`;
const PAIRS = [
  'quality',
  'sharpness',
  'brightness',
  'colourfulness',
  'contrast',
  'noise',
  'beauty',
];
const DIM = 512;
const PHOTOS = 2048;
/** The indexer's and the scorer's batch sizes. */
const INDEX_BATCH = 16;
const SCORE_BATCH = 32;

function random(seed: number) {
  let s = seed;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

function stats(r: () => number): PixelStats {
  return {
    sharpness: 500 + 400 * r(),
    meanLuminance: 0.45 + 0.2 * r(),
    shadowClip: 0.01 + 0.01 * r(),
    highlightClip: 0.01 + 0.01 * r(),
    contrast: 0.2 + 0.05 * r(),
    colourfulness: 35 + 20 * r(),
    megapixels: 12.000768,
    noise: 3 + 2 * r(),
  };
}

function entry(id: number, r: () => number): ScoreEntry {
  return {
    id,
    key: KEY,
    pairs: PAIRS,
    pixelVersion: 1,
    model: {
      laion: 5.5 + 1.5 * r(),
      clipIqa: Object.fromEntries(PAIRS.map((p) => [p, 0.5 + 0.45 * r()])),
    },
    stats: stats(r),
  };
}

async function storeBytes(db: LumenDb, store: 'photos' | 'blocks' | 'scores'): Promise<number> {
  const values: unknown[] = await db.getAll(store);
  return values.reduce<number>((sum, v) => sum + serialize(v).length, 0);
}

/** A library indexed and scored the way the app does it: batches of each, interleaved. */
async function library() {
  const db = await openLibraryDb(`score-bytes-${Math.random()}`);
  const r = random(7);
  const scored: ScoreEntry[] = [];
  for (let at = 0; at < PHOTOS; at += 2 * INDEX_BATCH) {
    for (const from of [at, at + INDEX_BATCH]) {
      const ids = await commitBatch(db, {
        model: MODEL,
        dim: DIM,
        touched: [],
        skipped: [],
        writes: Array.from({ length: INDEX_BATCH }, (_, i) => {
          const n = from + i;
          const v = Float32Array.from({ length: DIM }, r);
          const norm = Math.hypot(...v);
          return {
            fields: {
              path: `Pictures/2024/Summer in Lisbon/IMG_2024${String(n).padStart(5, '0')}.jpg`,
              name: `IMG_2024${String(n).padStart(5, '0')}.jpg`,
              size: 4_000_000 + Math.round(1_000_000 * r()),
              lastModified: 1_720_000_000_000 + n * 61_000,
              width: 4032,
              height: 3024,
              hash: Array.from({ length: 32 }, () =>
                Math.floor((r() + 1) * 128)
                  .toString(16)
                  .padStart(2, '0'),
              ).join(''),
              mime: 'image/jpeg',
            },
            vector: v.map((x) => x / norm),
          };
        }),
      });
      scored.push(...ids.map((id) => entry(id, r)));
    }
    const tx = db.transaction(['scores', 'meta', 'blocks'], 'readwrite');
    await writeScores(tx, scored.slice(-SCORE_BATCH));
    await tx.done;
  }
  return { db, scored };
}

describe('bytes per photo at 512 dimensions', () => {
  it('fit in 1 KB with packed scores (photo record + vector share + scores)', async () => {
    const { db, scored } = await library();
    const photo = (await storeBytes(db, 'photos')) / PHOTOS;
    const vector = (await storeBytes(db, 'blocks')) / PHOTOS;
    const packed = (await storeBytes(db, 'scores')) / PHOTOS;
    // The same scores as the per-photo records libraries were stored with before.
    const records: ScoreRecord[] = scored.map((e) => ({
      id: e.id,
      models: { [KEY]: e.model! },
      pixel: { version: 1, stats: e.stats!, appeal: appealLike(e.stats!) },
    }));
    const old = records.reduce((sum, rec) => sum + serialize(rec).length, 0) / PHOTOS;
    const round = (x: number) => Math.round(x * 10) / 10;
    console.log(
      `bytes/photo at ${DIM} dims: photo record ${round(photo)}, vector share ${round(vector)}, ` +
        `scores ${round(packed)} packed (was ${round(old)} per-photo): ` +
        `total ${round(photo + vector + packed)} (was ${round(photo + vector + old)})`,
    );
    expect(photo + vector + packed).toBeLessThanOrEqual(1024);
    expect(photo + vector + old).toBeGreaterThan(1024);
    expect(packed).toBeLessThan(60);

    // The estimate the browser bench reports agrees with the structured clone.
    const stored = (await db.getAll('scores')) as StoredScore[];
    const blocks = packScores(records.flatMap(legacyEntries));
    for (const b of blocks) {
      const real = serialize(b).length;
      expect(Math.abs(storedBytes(b) - real) / real).toBeLessThan(0.02);
    }
    console.log(
      `a full block: ${round(serialize(blocks[0]!).length / blocks[0]!.ids.length)} B/photo ` +
        `(storedBytes estimate ${round(storedBytes(blocks[0]!) / blocks[0]!.ids.length)})`,
    );
    expect(stored.length).toBeLessThan(PHOTOS / 256);
  }, 120_000);
});

/** Appeal-shaped numbers (the old records stored seven of them; their values do not matter). */
function appealLike(s: PixelStats) {
  const f = (x: number) => Math.min(1, Math.abs(x) / 100);
  return {
    sharpness: f(s.sharpness),
    exposure: f(s.meanLuminance * 100),
    contrast: f(s.contrast * 300),
    colourfulness: f(s.colourfulness),
    resolution: 0.9999999999622486,
    noise: f(s.noise * 10),
    overall: f(s.sharpness / 9),
  };
}
