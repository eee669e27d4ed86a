// Int8 WASM SIMD scan vs float32 JS, in Node: recall@10 on a CLIP-like synthetic set and
// scan time at 10k/100k (and 1M with --1m, ~3 GB of RAM) × 512.
//   node bench/scan-bench.mjs [--1m] [--queries=200] [--runs=15]
// Writes bench/results/scan.json and merges it into bench/results/latest.json as `scanNode`
// (`scan` is bench/run.mjs's, the same scan in Chromium).
// TypeScript sources load through Vite's SSR loader.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mergeIntoLatest } from './latest.mjs';
import { root, tsLoader } from './ts-loader.mjs';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  }),
);
const withMillion = args.has('1m');
const queryCount = Number(args.get('queries') ?? 200);
const runs = Number(args.get('runs') ?? 15);
const DIM = 512;
const K = 10;
// the kernel returns this many candidates for re-scoring in float32
const OVERSAMPLE = 4;
const CLUSTERS = 1000;
// Two members of a cluster meet at cosine 1/(1 + σ²·dim) ≈ 0.8; a query sits a little
// closer to its centre than a member does (cosine ≈ 0.93 to it).
const MEMBER_SIGMA = Math.sqrt(0.25 / DIM);
const QUERY_SIGMA = Math.sqrt(0.15 / DIM);

const vite = await tsLoader();
const { load } = vite;
const { Int8Scan } = await load('/workers/search/scan/int8-scan.ts');
const { quantize } = await load('/src/core/int8-codec.ts');
const { mulberry32, gaussian } = await load('/workers/tuning/random.ts');
const { rescore } = await load('/workers/search/scan/rescore.ts');
const { topK } = await load('/workers/search/top-k.ts');
await vite.close();

const normalRandom = gaussian(mulberry32(42));

function unit(v) {
  let s = 0;
  for (let j = 0; j < v.length; j++) s += v[j] * v[j];
  const inv = 1 / Math.sqrt(s);
  for (let j = 0; j < v.length; j++) v[j] *= inv;
  return v;
}

const centres = Array.from({ length: CLUSTERS }, () =>
  unit(Float32Array.from({ length: DIM }, normalRandom)),
);

function near(centre, sigma, out = new Float32Array(DIM)) {
  for (let j = 0; j < DIM; j++) out[j] = centre[j] + sigma * normalRandom();
  return unit(out);
}

/** n vectors: float32 (unless skipped: 2 GB at 1M) and int8 codes + scales. */
function dataset(n, keepFloat) {
  const floats = keepFloat ? new Float32Array(n * DIM) : undefined;
  const codes = new Int8Array(n * DIM);
  const scales = new Float32Array(n);
  const row = new Float32Array(DIM);
  for (let i = 0; i < n; i++) {
    near(centres[Math.floor((i * 7919) % CLUSTERS)], MEMBER_SIGMA, row);
    floats?.set(row, i * DIM);
    const q = quantize(row);
    codes.set(q.codes, i * DIM);
    scales[i] = q.scale;
  }
  return { n, floats, codes, scales };
}

/** Plain float32 JS scan: one dot product per row into a score array, no selection. */
function plainScan(floats, n, query) {
  const scores = new Float32Array(n);
  for (let i = 0, o = 0; i < n; i++, o += DIM) {
    let s = 0;
    for (let j = 0; j < DIM; j++) s += floats[o + j] * query[j];
    scores[i] = s;
  }
  return scores;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn, count) {
  for (let i = 0; i < 3; i++) fn(i); // warm-up
  const ms = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    fn(i);
    ms.push(performance.now() - t0);
  }
  return { median: median(ms), min: Math.min(...ms), max: Math.max(...ms) };
}

const queries = Array.from({ length: Math.max(queryCount, runs) }, (_, i) =>
  near(centres[(i * 37) % CLUSTERS], QUERY_SIGMA),
);

const results = {
  date: new Date().toISOString(),
  node: process.version,
  machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length },
  dim: DIM,
  k: K,
  clusters: CLUSTERS,
  sizes: {},
};
const fmt = (t) => `${t.median.toFixed(2)} ms`;

for (const n of [10_000, 100_000, ...(withMillion ? [1_000_000] : [])]) {
  const t0 = performance.now();
  const data = dataset(n, true);
  const buildMs = performance.now() - t0;

  const cold = new Int8Scan(DIM, { capacity: n, warmUp: false });
  cold.load(data.codes, data.scales);
  const c0 = performance.now();
  cold.search(queries[0], K);
  const coldFirstMs = performance.now() - c0;

  const w0 = performance.now();
  const scan = new Int8Scan(DIM, { capacity: n });
  const warmUpMs = performance.now() - w0;
  scan.load(data.codes, data.scales);
  const f0 = performance.now();
  scan.search(queries[1], K);
  const warmFirstMs = performance.now() - f0;

  const ids = Uint32Array.from({ length: n }, (_, i) => i);
  const int8 = time((i) => scan.search(queries[i % queries.length], K), runs);
  const fp32Plain = time((i) => plainScan(data.floats, n, queries[i % queries.length]), runs);
  const fp32TopK = time((i) => topK(data.floats, DIM, ids, queries[i % queries.length], K), runs);

  // recall@10 of the int8 scan against the exact float32 top-10 (the existing topK)
  const recallQueries = n >= 1_000_000 ? Math.min(queryCount, 30) : queryCount;
  let hits = 0;
  let rescoredHits = 0;
  let meanError = 0;
  for (let q = 0; q < recallQueries; q++) {
    const stats = { sum: 0, count: 0 };
    const exact = topK(data.floats, DIM, ids, queries[q], K, undefined, stats);
    const got = scan.search(queries[q], K);
    const found = new Set(got.indices);
    hits += exact.filter((h) => found.has(h.id)).length;
    const fixed = rescore(scan.search(queries[q], OVERSAMPLE * K), data.floats, DIM, queries[q], K);
    const fixedSet = new Set(fixed.indices);
    rescoredHits += exact.filter((h) => fixedSet.has(h.id)).length;
    meanError = Math.max(meanError, Math.abs(got.mean - stats.sum / stats.count));
  }
  const recall = hits / (recallQueries * K);
  const recallRescored = rescoredHits / (recallQueries * K);
  const rescored = time((i) => {
    const q = queries[i % queries.length];
    return rescore(scan.search(q, OVERSAMPLE * K), data.floats, DIM, q, K);
  }, runs);

  results.sizes[n] = {
    buildMs,
    int8,
    fp32Plain,
    fp32TopK,
    speedupVsTopK: fp32TopK.median / int8.median,
    speedupVsPlain: fp32Plain.median / int8.median,
    gbPerSecond: (n * DIM) / 1e6 / int8.median,
    firstSearchMs: { withoutWarmUp: coldFirstMs, afterWarmUp: warmFirstMs, warmUpMs },
    recallAt10: recall,
    rescored: { oversample: OVERSAMPLE, recallAt10: recallRescored, time: rescored },
    recallQueries,
    maxMeanError: meanError,
  };
  console.log(
    `${n.toLocaleString('en')} × ${DIM}: int8 wasm ${fmt(int8)} (${(
      (n * DIM) /
      1e6 /
      int8.median
    ).toFixed(1)} GB/s) | fp32 plain JS ${fmt(fp32Plain)} | fp32 topK ${fmt(fp32TopK)} | ` +
      `${(fp32TopK.median / int8.median).toFixed(1)}× topK | recall@10 ${recall.toFixed(4)}, ` +
      `${recallRescored.toFixed(4)} with ${OVERSAMPLE}×${K} re-scored in fp32 (${fmt(rescored)}) ` +
      `(${recallQueries} q) | first search ${coldFirstMs.toFixed(1)} ms cold, ` +
      `${warmFirstMs.toFixed(1)} ms after a ${warmUpMs.toFixed(1)} ms warm-up`,
  );
}

mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
writeFileSync(path.join(root, 'bench', 'results', 'scan.json'), JSON.stringify(results, null, 2));
mergeIntoLatest({ scanNode: results });
console.log('Written to bench/results/scan.json and, as `scanNode`, bench/results/latest.json');
