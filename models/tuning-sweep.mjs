// npm run sweep: chooses the tiny world's tuning settings on the VAL split (never test) and
// prints the winner; with --write it records them in models/manifest.json's tiny-world
// `tuning.settings` and `tuning.grid`, which models/alignment.spec.ts then reads on test.
//   node models/tuning-sweep.mjs [--write] [--rounds=6] [--seeds=11,12,13,14] [--budget-min=10]
//                                [--extra='[{"beta":3},{"grid":{"k":30,"u":1,"v":15,"s":2}}]']
// Greedy coordinate search: each round tries one change at a time from the current settings
// and keeps the best one (the largest gain within the precision budget; from a start over the
// budget, the smallest precision loss); the next round starts from there. Two diagnoses follow
// the winner: the same training on pairs ordered by ground truth, and the val ceiling of a plain
// quality shift (printCeiling).
// TypeScript sources load through Vite's SSR loader, as in bench/scan-bench.mjs.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { format } from 'prettier';
import { root, tsLoader } from '../bench/ts-loader.mjs';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, ...v] = a.replace(/^--/, '').split('=');
    return [k, v.length ? v.join('=') : 'true'];
  }),
);
const write = args.has('write');
const rounds = Number(args.get('rounds') ?? 6);
const seeds = (args.get('seeds') ?? '11,12,13,14').split(',').map(Number);
const budgetMs = Number(args.get('budget-min') ?? 10) * 60_000;
// The alignment spec allows test a 2-point fall of P@10; val has fewer queries, and a choice
// that only just fits there would not fit on test, so val gets a stricter budget.
const MAX_PRECISION_LOSS = 0.015;

// Changes relative to the current settings; the recorded values are listed too, so that a later
// round can step back to them. Several grid shapes, since the world's queries
// have few relevant photos each: a single beauty-sorted row over the top results (u = 1) pairs
// only photos of similar relevance, a two-axis grid also pairs across relevance bands.
const CANDIDATES = [
  { beta: 0.5 },
  { beta: 1 },
  { beta: 2 },
  { beta: 3 },
  { beta: 4 },
  { beta: 8 },
  { labelSmoothing: 0.005 },
  { labelSmoothing: 0.02 },
  { labelSmoothing: 0.05 },
  { labelSmoothing: 0.1 },
  { semanticWeight: 0.2 },
  { semanticWeight: 0.3 },
  { semanticWeight: 0.5 },
  { semanticWeight: 0.7 },
  { semanticWeight: 1 },
  { semanticWeight: 2 },
  { learningRate: 0.001 },
  { learningRate: 0.002 },
  { learningRate: 0.004 },
  { learningRate: 0.008 },
  { maxEpochs: 10 },
  { maxEpochs: 20 },
  { maxEpochs: 40 },
  { klSample: 0 },
  { klSample: 32 },
  { klSample: 64 },
  { rank: 4 },
  { rank: 8 },
  { rank: 16 },
  { grid: { k: 10, u: 1, v: 10, s: 1 } },
  { grid: { k: 20, u: 1, v: 10, s: 2 } },
  { grid: { k: 20, u: 1, v: 20, s: 1 } },
  { grid: { k: 30, u: 1, v: 10, s: 3 } },
  { grid: { k: 30, u: 1, v: 15, s: 2 } },
  { grid: { k: 40, u: 1, v: 20, s: 2 } },
  { grid: { k: 60, u: 1, v: 20, s: 3 } },
  { grid: { k: 20, u: 2, v: 5, s: 2 } },
  { grid: { k: 60, u: 2, v: 15, s: 2 } },
  { grid: { k: 40, u: 4, v: 5, s: 2 } },
  { grid: { k: 100, u: 5, v: 5, s: 4 } },
  ...JSON.parse(args.get('extra') ?? '[]'),
];

const vite = await tsLoader();
const { load } = vite;
const { queriesOfSplit } = await load('/src/core/eval/ground-truth.ts');
const { meanQuality, precisionAt } = await load('/src/core/eval/metrics.ts');
const { gridOf, trainSettingsOf } = await load('/workers/tuning/manifest-settings.ts');
const { idsOfSplits, measure, meanOver, trainSeeds } = await load(
  '/models/alignment-experiment.ts',
);
const { loadTinyWorld } = await load('/models/tiny-world-harness.ts');
await vite.close();

const started = performance.now();
const world = await loadTinyWorld();
const tuning = world.profile.tuning;
if (!tuning) throw new Error('The tiny-world profile has no tuning section');
const val = queriesOfSplit(world.truth, 'val');
const trainAndVal = idsOfSplits(world, ['train', 'val']);
const library = Array.from(world.ids);
const base = await measure(world, val, library, undefined);
console.log(
  `val: ${val.length} queries; base P@10 ${base.precision.toFixed(3)}, quality ${base.quality.toFixed(3)}; seeds ${seeds.join(', ')}`,
);

async function score(settings, grid, beautyOverride) {
  const runs = await trainSeeds(world, {
    trainingQueries: tuning.trainingQueries,
    pairPool: trainAndVal,
    klPool: trainAndVal,
    grid,
    settings,
    seeds,
    beautyOverride,
  });
  const tuned = await meanOver(
    world,
    val,
    library,
    runs.map((r) => r.adapter),
  );
  return {
    gain: tuned.quality / base.quality - 1,
    loss: base.precision - tuned.precision,
    ms: runs.reduce((s, r) => s + r.durationMs, 0) / runs.length,
    epochs: runs.map((r) => r.epochs).join('/'),
    pairs: runs[0].pairs,
  };
}

const points = (loss) => `${loss > 0 ? '−' : '+'}${Math.abs(100 * loss).toFixed(1)} pts`;
const line = (label, r) =>
  `${label.padEnd(48)} quality ${(100 * r.gain).toFixed(1).padStart(5)}%, P@10 ${points(r.loss)}${r.loss > MAX_PRECISION_LOSS ? ' (over budget)' : ''} [${r.pairs} pairs, ${r.ms.toFixed(0)} ms/run, ${r.epochs} epochs]`;

let current = { settings: trainSettingsOf(tuning), grid: gridOf(tuning) };
let currentResult = await score(current.settings, current.grid);
console.log(line('recorded settings', currentResult));
const fits = (r) => r.loss <= MAX_PRECISION_LOSS;
// Within the budget the larger gain wins; a result over it loses to any within, and among
// those over it the smaller precision loss wins, so a start over budget can walk back into it.
const better = (a, b) =>
  fits(a) !== fits(b) ? fits(a) : fits(a) ? a.gain > b.gain : a.loss < b.loss;

outer: for (let round = 1; round <= rounds; round++) {
  console.log(`— round ${round}, from ${JSON.stringify(current)}`);
  let best;
  for (const { grid: gridChange, ...change } of CANDIDATES) {
    if (performance.now() - started > budgetMs) {
      console.log('time budget spent; stopping the search');
      if (best && better(best.result, currentResult))
        ({ next: current, result: currentResult } = best);
      break outer;
    }
    const next = {
      settings: { ...current.settings, ...change },
      grid: { ...current.grid, ...gridChange },
    };
    if (JSON.stringify(next) === JSON.stringify(current)) continue;
    const result = await score(next.settings, next.grid);
    const label = JSON.stringify({ ...change, ...(gridChange ? { grid: gridChange } : {}) });
    console.log(line(label, result));
    if (!best || better(result, best.result)) best = { next, result };
  }
  if (!best || !better(best.result, currentResult)) break;
  ({ next: current, result: currentResult } = best);
}

console.log(
  `\nwinner (val): quality ${(100 * currentResult.gain).toFixed(1)}%, P@10 ${points(currentResult.loss)}\n  settings ${JSON.stringify(current.settings)}\n  grid ${JSON.stringify(current.grid)}`,
);
// Diagnosis: the same training on pairs ordered by ground-truth quality. A large gap to the
// winner means the scorers, not the trainer, limit the gain.
const oracle = await score(
  current.settings,
  current.grid,
  (id) => world.truth.images[id - 1]?.quality,
);
console.log(line('oracle pairs (ground-truth quality)', oracle));
await printCeiling();
console.log(`sweep took ${((performance.now() - started) / 1000).toFixed(0)} s`);

/**
 * How far val lets a quality shift go, with no training at all: every photo ranked by base
 * cosine + λ·z(value), z the value standardised over the library, and the largest val gain
 * within the precision budget over λ. From automatic pairs the adapter learns mostly such a
 * query-independent shift, and only what is linear in the embedding (the read-out row). When
 * the winner already matches these rows, more gain on val needs a better scorer or a world
 * whose relevant and irrelevant photos part further, not a different trainer.
 */
async function printCeiling() {
  const embedded = await world.embedQueries(val.map((q) => q.text));
  const cosines = val.map((q) => {
    const t = embedded.get(q.text);
    return library.map((id) => {
      const e = world.vectorOf(id);
      let s = 0;
      for (let j = 0; j < world.dim; j++) s += t[j] * e[j];
      return s;
    });
  });
  const truth = library.map((id) => world.truth.images[id - 1].quality);
  const rows = {
    'beauty percentile (the pairs order)': library.map((id) => world.scoreIndex.view(id).combined),
    'linear read-out of true quality': linearReadout(truth),
    'true quality': truth,
  };
  console.log('ceiling on val: cosine + λ·z(value), largest quality gain within the budget');
  for (const [name, values] of Object.entries(rows)) {
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    let best = { gain: 0, loss: 0, lambda: 0 };
    for (let step = 1; step <= 100; step++) {
      const lambda = step * 0.0025;
      let precision = 0;
      let quality = 0;
      val.forEach((query, n) => {
        const top = library
          .map((id, i) => ({ id, s: cosines[n][i] + (lambda * (values[i] - mean)) / sd }))
          .sort((x, y) => y.s - x.s || x.id - y.id)
          .slice(0, 10)
          .map((h) => world.truth.images[h.id - 1]);
        precision += precisionAt(10, top, query) / val.length;
        quality += meanQuality(top, 10) / val.length;
      });
      const r = { gain: quality / base.quality - 1, loss: base.precision - precision, lambda };
      if (fits(r) && r.gain > best.gain) best = r;
    }
    console.log(
      `  ${name.padEnd(40)} quality ${(100 * best.gain).toFixed(1).padStart(5)}%, P@10 ${points(best.loss)} (λ ${best.lambda})`,
    );
  }
}

/** Ridge fit (λ = 0.01) of `values` on the base embedding over train/val photos, read out for all. */
function linearReadout(values) {
  const d = world.dim + 1;
  const gram = Array.from({ length: d }, (_, i) =>
    Float64Array.from({ length: d + 1 }, (_, j) => (i === j ? 0.01 : 0)),
  );
  const row = (id) => [...world.vectorOf(id), 1];
  for (const id of trainAndVal) {
    const x = row(id);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) gram[i][j] += x[i] * x[j];
      gram[i][d] += x[i] * values[id - 1];
    }
  }
  // Gauss–Jordan with partial pivoting on [XᵀX + λI | Xᵀy].
  for (let c = 0; c < d; c++) {
    let pivot = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(gram[r][c]) > Math.abs(gram[pivot][c])) pivot = r;
    [gram[c], gram[pivot]] = [gram[pivot], gram[c]];
    for (let r = 0; r < d; r++) {
      if (r === c) continue;
      const f = gram[r][c] / gram[c][c];
      for (let j = c; j <= d; j++) gram[r][j] -= f * gram[c][j];
    }
  }
  const w = gram.map((g, i) => g[d] / g[i]);
  const out = library.map((id) => row(id).reduce((s, x, i) => s + x * w[i], 0));
  return out;
}

if (write) {
  if (!fits(currentResult))
    throw new Error('No setting fits the precision budget; nothing written');
  const file = path.join(root, 'models/manifest.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  const profile = manifest.profiles['tiny-world'];
  profile.tuning.grid = current.grid;
  profile.tuning.settings = current.settings;
  const text = await format(JSON.stringify(manifest, null, 2), { filepath: file });
  writeFileSync(file, text);
  console.log('Written to models/manifest.json (profiles.tiny-world.tuning)');
}
