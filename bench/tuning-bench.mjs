// Fine-tuning timings (issue 9), in Node: training the rank-8 adapter on 1k and 10k D_po pairs
// of 512-d vectors (until early stop or 20 epochs), and applying an adapter to 100k stored
// vectors (tunedScales). Each is timed on the WebAssembly SIMD kernels and, as the baseline
// measured in the same run, on the plain-JS paths the code falls back to without SIMD.
//   node bench/tuning-bench.mjs [--runs=5] [--train-runs=1]
// Writes bench/results/tuning.json and merges it into bench/results/latest.json as `tuning`.
// TypeScript sources load through Vite's SSR loader, as in bench/scan-bench.mjs.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mergeIntoLatest } from './latest.mjs';
import { root, tsLoader, watPlugin } from './ts-loader.mjs';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  }),
);
const runs = Number(args.get('runs') ?? 5);
// --taste-only: only the taste line (retrain a 50-pick taste, re-apply it at 100k photos).
const tasteOnly = args.has('taste-only');
const trainRuns = Number(args.get('train-runs') ?? 1);
const DIM = 512;
const RANK = 8;
const IMAGES = 2000;
const APPLY_N = 100_000;
// The default 5×5 grid gives 200 pairs per query.
const PAIRS_PER_QUERY = 200;

// The baseline's module graph gets an empty kernel: WebAssembly.validate rejects it, so every
// kernel takes the plain-JS fallback it takes on an engine without SIMD.
const noKernel = {
  name: 'no-wasm-kernel',
  enforce: 'pre',
  load: (id) => (id.includes('.wat?wasm-bytes') ? 'export default new Uint8Array(0);\n' : null),
};

async function loadGraph(plugin) {
  const vite = await tsLoader(plugin);
  const { load } = vite;
  const graph = {
    ...(await load('/workers/tuning/adapter.ts')),
    ...(await load('/workers/tuning/dpo-pairs.ts')),
    ...(await load('/workers/tuning/dpo-trainer.ts')),
    ...(await load('/workers/tuning/projection.ts')),
    ...(await load('/workers/tuning/random.ts')),
    ...(await load('/workers/tuning/kl-candidates.ts')),
    ...(await load('/workers/tuning/protocol.ts')),
    ...(await load('/src/core/tuning/taste-head.ts')),
  };
  await vite.close();
  return graph;
}
const simd = await loadGraph(await watPlugin());
const plain = await loadGraph(noKernel);
const simdActive = simd.createProjection(DIM, RANK, 2).simd;
if (plain.createProjection(DIM, RANK, 2).simd) throw new Error('baseline still uses SIMD');
if (!simdActive) console.warn('WebAssembly SIMD is unavailable: both paths are plain JS');

function unitRows(n, dim, seed) {
  const random = simd.mulberry32(seed);
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    let norm2 = 0;
    for (let j = 0; j < dim; j++) {
      const x = random() - 0.5;
      out[i * dim + j] = x;
      norm2 += x * x;
    }
    const inv = 1 / Math.sqrt(norm2);
    for (let j = 0; j < dim; j++) out[i * dim + j] *= inv;
  }
  return out;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Wall and CPU time of one call: on a loaded machine the CPU time is the fairer figure. */
async function timed(fn) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { value, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function repeat(fn, count) {
  const all = [];
  for (let i = 0; i < count; i++) all.push(await timed(fn));
  return {
    wallMs: median(all.map((t) => t.wallMs)),
    cpuMs: median(all.map((t) => t.cpuMs)),
    value: all[0].value,
  };
}

// ---- applying an adapter: tunedScales over 100k stored vectors ----
const vectors = unitRows(APPLY_N, DIM, 1);
const codes = Int8Array.from(vectors, (x) => Math.round(x * 127 * 8));
const weightRandom = simd.mulberry32(2);
const adapter = {
  baseModel: 'bench',
  dim: DIM,
  rank: RANK,
  a: Float32Array.from({ length: RANK * DIM }, () => weightRandom() - 0.5),
  b: Float32Array.from({ length: DIM * RANK }, () => weightRandom() - 0.5),
};
const apply = {};
for (const [name, block] of [
  ['float32', vectors],
  ['int8', codes],
]) {
  const out = new Float32Array(APPLY_N);
  for (const g of [simd, plain]) g.tunedScales(adapter, block.subarray(0, 1000 * DIM), 1000, DIM);
  const ours = await repeat(() => simd.tunedScales(adapter, block, APPLY_N, DIM, out), runs);
  const base = await repeat(() => plain.tunedScales(adapter, block, APPLY_N, DIM, out), runs);
  apply[name] = { n: APPLY_N, dim: DIM, rank: RANK, ours, baseline: base };
  delete ours.value;
  delete base.value;
}

// ---- a taste: retraining on 50 picks over a 100k library, then re-applying it ----
// As the tuning worker does it (handler.train): the semantic term's candidates are a fixed
// sample of the library plus each query's top 100 (klCandidates, timed too: it scans all
// 100k vectors per query), the few-pair settings, and then tunedScales over every photo.
const TASTE_PICKS = 50;
const TASTE_QUERIES = 10;
const tasteLibrary = { ids: Uint32Array.from({ length: APPLY_N }, (_, i) => i), vectors, dim: DIM };
const tasteQueryVectors = unitRows(TASTE_QUERIES, DIM, 6);
const tasteQueries = new Map(
  Array.from({ length: TASTE_QUERIES }, (_, q) => [
    `taste q${q}`,
    tasteQueryVectors.subarray(q * DIM, (q + 1) * DIM),
  ]),
);
// Picks as "Which of these two?" gives them: two of a query's top 12 (klCandidates puts the
// query's top 100 first, best first).
const pickRandom = simd.mulberry32(7);
const heads = simd.klCandidates(tasteLibrary, tasteQueries);
const picks = Array.from({ length: TASTE_PICKS }, (_, i) => {
  const text = [...tasteQueries.keys()][i % TASTE_QUERIES];
  const top = heads.get(text).slice(0, 12);
  const a = Math.floor(pickRandom() * top.length);
  const b = (a + 1 + Math.floor(pickRandom() * (top.length - 1))) % top.length;
  return { queryText: text, winner: top[a], loser: top[b], weight: 3, origin: 'chosen' };
});
async function retrainTaste(g) {
  const candidates = g.klCandidates(tasteLibrary, tasteQueries);
  const { weights, summary } = await g.trainAdapter({
    baseModel: 'bench',
    dim: DIM,
    queries: tasteQueries,
    vectors: (id) => (id < APPLY_N ? vectors.subarray(id * DIM, (id + 1) * DIM) : undefined),
    pairs: picks,
    candidates: (text) => candidates.get(text) ?? [],
    settings: { rank: RANK, ...g.FEW_PAIR_SETTINGS },
  });
  const scales = g.tunedScales(weights, vectors, APPLY_N, DIM, new Float32Array(APPLY_N));
  return { summary, scales };
}
const tasteOurs = await repeat(() => retrainTaste(simd), Math.max(1, trainRuns));
const tasteBase = await repeat(() => retrainTaste(plain), Math.max(1, trainRuns));
// What the page trains for a taste now (issue 22): the taste head on the same picks, then its
// z over every photo from the int8 codes as the search worker computes it; the DPO retrain
// above, measured in the same run, is the baseline.
const tasteScales = new Float32Array(APPLY_N).fill(1 / (127 * 8));
function retrainHead() {
  const head = simd.trainTasteHead(
    picks.map((p) => ({
      winner: vectors.subarray(p.winner * DIM, (p.winner + 1) * DIM),
      loser: vectors.subarray(p.loser * DIM, (p.loser + 1) * DIM),
      weight: p.weight,
    })),
    DIM,
    { l2: simd.TASTE_HEAD.l2 },
  );
  return simd.headZInt8(head.w, codes, tasteScales, APPLY_N, DIM);
}
const headRun = await repeat(() => retrainHead(), Math.max(1, runs));
const taste = {
  picks: TASTE_PICKS,
  queries: TASTE_QUERIES,
  photos: APPLY_N,
  dim: DIM,
  rank: RANK,
  settings: simd.FEW_PAIR_SETTINGS,
  epochs: tasteOurs.value.summary.epochs,
  steps: tasteOurs.value.summary.steps,
  ours: { wallMs: tasteOurs.wallMs, cpuMs: tasteOurs.cpuMs },
  baseline: { wallMs: tasteBase.wallMs, cpuMs: tasteBase.cpuMs },
  head: { wallMs: headRun.wallMs, cpuMs: headRun.cpuMs },
};

// ---- training: 1k and 10k pairs, until early stop or 20 epochs ----
const images = unitRows(IMAGES, DIM, 3);
const row = (i) => images.subarray(i * DIM, (i + 1) * DIM);
const beautyRandom = simd.mulberry32(5);
const beauty = Float64Array.from({ length: IMAGES }, beautyRandom);
const library = Array.from({ length: IMAGES }, (_, i) => i);

function problemOf(pairCount) {
  const queryCount = pairCount / PAIRS_PER_QUERY;
  const queryVectors = unitRows(queryCount, DIM, 4);
  const queries = new Map();
  const rankings = [];
  for (let q = 0; q < queryCount; q++) {
    const qv = queryVectors.subarray(q * DIM, (q + 1) * DIM);
    queries.set(`q${q}`, qv);
    const cos = library.map((i) => row(i).reduce((s, x, j) => s + x * qv[j], 0));
    rankings.push({ queryText: `q${q}`, ranking: [...library].sort((x, y) => cos[y] - cos[x]) });
  }
  const { pairs } = simd.buildPreferenceSet(rankings, (id) => beauty[id]);
  if (pairs.length !== pairCount)
    throw new Error(`expected ${pairCount} pairs, built ${pairs.length}`);
  return { queries, pairs };
}

const train = {};
for (const pairCount of tasteOnly ? [] : [1_000, 10_000]) {
  const { queries, pairs } = problemOf(pairCount);
  const input = {
    baseModel: 'bench',
    dim: DIM,
    queries,
    vectors: (id) => (id < IMAGES ? row(id) : undefined),
    pairs,
    candidates: () => library,
    settings: { rank: RANK, maxEpochs: 20 },
  };
  const ours = await repeat(() => simd.trainAdapter(input), trainRuns);
  const base = await repeat(() => plain.trainAdapter(input), trainRuns);
  const { summary } = ours.value;
  train[pairCount] = {
    pairs: pairCount,
    dim: DIM,
    rank: RANK,
    images: IMAGES,
    klSample: summary.settings.klSample,
    epochs: summary.epochs,
    baselineEpochs: base.value.summary.epochs,
    stoppedEarly: summary.stoppedEarly,
    steps: summary.steps,
    ours: { wallMs: ours.wallMs, cpuMs: ours.cpuMs },
    baseline: { wallMs: base.wallMs, cpuMs: base.cpuMs },
  };
}

const results = {
  date: new Date().toISOString(),
  node: process.version,
  machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, loadAverage: os.loadavg() },
  simd: simdActive,
  goals: { train10kMs: 5000, apply100kMs: 1000 },
  apply,
  train,
  taste,
};

const rows = [];
const ms = (t) => `${t.wallMs.toFixed(0)} ms (${t.cpuMs.toFixed(0)} ms CPU)`;
// The ratio is taken on CPU time: on a shared machine wall time also measures the neighbours.
const ratio = (ours, base) => `${(base.cpuMs / ours.cpuMs).toFixed(2)}× faster`;
for (const [name, r] of Object.entries(apply)) {
  r.ratio = r.baseline.cpuMs / r.ours.cpuMs;
  rows.push([
    `apply adapter (tunedScales), ${APPLY_N.toLocaleString('en')} × ${DIM} ${name}, rank ${RANK}`,
    ms(r.ours),
    `${ms(r.baseline)} plain JS`,
    ratio(r.ours, r.baseline),
    `≤ 1 s: ${(r.ours.wallMs / 1000).toFixed(2)} s`,
  ]);
}
for (const r of Object.values(train)) {
  r.ratio = r.baseline.cpuMs / r.ours.cpuMs;
  rows.push([
    `train, ${r.pairs.toLocaleString('en')} pairs × ${DIM}, rank ${RANK}, ${r.epochs} epochs${r.stoppedEarly ? ' (early stop)' : ''}`,
    ms(r.ours),
    `${ms(r.baseline)} plain-JS projection`,
    ratio(r.ours, r.baseline),
    r.pairs === 10_000 ? `≤ 5 s: ${(r.ours.wallMs / 1000).toFixed(2)} s` : '—',
  ]);
}
taste.ratio = taste.baseline.cpuMs / taste.ours.cpuMs;
rows.push([
  `retrain a ${TASTE_PICKS}-pick taste (${taste.epochs} epochs, ${taste.steps} steps) and re-apply it, ${APPLY_N.toLocaleString('en')} photos`,
  ms(taste.ours),
  `${ms(taste.baseline)} plain JS`,
  ratio(taste.ours, taste.baseline),
  `~1 s: ${(taste.ours.wallMs / 1000).toFixed(2)} s`,
]);
taste.headRatio = taste.ours.cpuMs / taste.head.cpuMs;
rows.push([
  `retrain a ${TASTE_PICKS}-pick taste head and re-apply it (z over ${APPLY_N.toLocaleString('en')} int8 photos)`,
  ms(taste.head),
  `${ms(taste.ours)} DPO adapter (SIMD), same run`,
  ratio(taste.head, taste.ours),
  `~1 s: ${(taste.head.wallMs / 1000).toFixed(2)} s`,
]);
console.log(
  `\nLumen tuning benchmarks — ${results.machine.cpu}, ${results.machine.cores} cores, Node ${process.version}, load ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}, SIMD: ${simdActive}\n`,
);
const header = ['what', 'Lumen (SIMD)', 'baseline', 'ratio (CPU time)', 'goal'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
console.log(header.map((h, i) => h.padEnd(widths[i])).join(' | '));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join(' | '));

const dir = path.join(root, 'bench', 'results');
mkdirSync(dir, { recursive: true });
if (tasteOnly) {
  // A partial run must not replace the full results.
  writeFileSync(path.join(dir, 'tuning-taste.json'), JSON.stringify(results, null, 2));
  console.log('\nWritten to bench/results/tuning-taste.json');
  process.exit(0);
}
writeFileSync(path.join(dir, 'tuning.json'), JSON.stringify(results, null, 2));
mergeIntoLatest({ tuning: results });
console.log('\nWritten to bench/results/tuning.json and, as `tuning`, bench/results/latest.json');
