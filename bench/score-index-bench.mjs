// The search worker's score index at library scale, in Node over fake-indexeddb (its structured
// clone stands in for IndexedDB's): what a change of scores cost before (a rebuild from every
// stored score) against what it costs now (a refresh that reads the blocks written since), after
// one scorer batch of 32 photos, both measured in this run on the same library. Also the full
// load of packed blocks against the same scores stored as per-photo records.
//   node bench/score-index-bench.mjs [--photos=100000] [--runs=5]
// Prints JSON; writes nothing.
import 'fake-indexeddb/auto';
import { tsLoader } from './ts-loader.mjs';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  }),
);
const PHOTOS = Number(args.get('photos') ?? 100_000);
const RUNS = Number(args.get('runs') ?? 5);
const BATCH = 32;
const KEY = 'Xenova/clip-vit-base-patch32@main|LAION-AI/aesthetic-predictor@main|iqa1';
const PAIRS = [
  'quality',
  'sharpness',
  'brightness',
  'colourfulness',
  'contrast',
  'noise',
  'beauty',
];

const loader = await tsLoader();
const { openLibraryDb } = await loader.load('/src/core/store/db.ts');
const { writeScores } = await loader.load('/src/core/store/score-store.ts');
const { ScoreIndex } = await loader.load('/workers/search/score-index.ts');

let seed = 1;
const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
const entry = (id) => ({
  id,
  key: KEY,
  pairs: PAIRS,
  pixelVersion: 1,
  model: { laion: 4 + 3 * random(), clipIqa: Object.fromEntries(PAIRS.map((p) => [p, random()])) },
  stats: {
    sharpness: 900 * random(),
    meanLuminance: random(),
    shadowClip: random() / 50,
    highlightClip: random() / 50,
    contrast: random() / 3,
    colourfulness: 60 * random(),
    megapixels: 12,
    noise: 8 * random(),
  },
});

async function write(db, entries) {
  const tx = db.transaction(['scores', 'meta', 'blocks'], 'readwrite');
  await writeScores(tx, entries);
  await tx.done;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function time(fn) {
  const ms = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn(i);
    ms.push(performance.now() - t);
  }
  return median(ms);
}

// Packed, as the scorer writes them (batches of 32 appended to blocks of 512).
const packed = await openLibraryDb('score-bench-packed');
for (let at = 1; at <= PHOTOS; at += 4096) {
  await write(
    packed,
    Array.from({ length: Math.min(4096, PHOTOS - at + 1) }, (_, i) => entry(at + i)),
  );
}
// The same scores as per-photo records, as libraries stored them before.
const legacy = await openLibraryDb('score-bench-legacy');
seed = 1;
for (let at = 1; at <= PHOTOS; at += 4096) {
  const tx = legacy.transaction('scores', 'readwrite');
  for (let id = at; id < Math.min(at + 4096, PHOTOS + 1); id++) {
    const e = entry(id);
    await tx.store.put({
      id,
      models: { [KEY]: e.model },
      pixel: { version: 1, stats: e.stats, appeal: {} },
    });
  }
  await tx.done;
}

const loadPacked = await time(() => ScoreIndex.load(packed, KEY));
const loadLegacy = await time(() => ScoreIndex.load(legacy, KEY));
let index = await ScoreIndex.load(packed, KEY);
let next = PHOTOS + 1;
const rebuildMs = [];
const refreshMs = [];
let rowsRead = 0;
for (let i = 0; i < RUNS; i++) {
  await write(
    packed,
    Array.from({ length: BATCH }, () => entry(next++)),
  );
  let t = performance.now();
  index = await index.refresh(packed);
  refreshMs.push(performance.now() - t);
  rowsRead = index.rowsRead;
  t = performance.now();
  const rebuilt = await ScoreIndex.load(packed, KEY);
  rebuildMs.push(performance.now() - t);
  if (rebuilt.size !== index.size) throw new Error('refresh and rebuild disagree');
}
await loader.close();
const result = {
  photos: PHOTOS,
  runs: RUNS,
  afterOneBatchOf: BATCH,
  rebuildMs: median(rebuildMs),
  refreshMs: median(refreshMs),
  refreshSpeedup: median(rebuildMs) / median(refreshMs),
  refreshRowsRead: rowsRead,
  loadPackedMs: loadPacked,
  loadPerPhotoRecordsMs: loadLegacy,
  packedLoadSpeedup: loadLegacy / loadPacked,
};
console.log(JSON.stringify(result, null, 2));
