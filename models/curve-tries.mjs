// node models/curve-tries.mjs: issue 22's tries at making automatic tuning add to its teacher,
// each read on the eval's precision–quality curve (src/core/eval/curve.ts) at matched precision,
// on VAL queries first and then on TEST, mean of seeds 1–3, over the whole library:
//   default — the manifest's recorded grid and settings (what the app trains);
//   margin  — each automatic pair weighted by its beauty margin (mean weight 1);
//   blend-B — pairs ordered by the re-ranker's own blend, (1 − B)·relevance + B·beauty;
//   wide    — the tuned model as re-ranking's first stage with 600 candidates instead of 200;
//   wide-head — the same with strictness 0.3 instead of 0.5, so more of them can move up for
//             their looks (re-ranking alone is also shown so, for a fair comparison).
//   node models/curve-tries.mjs [--variants=default,margin,blend-0.2,margin-blend-0.2]
// Pairs come from train-split queries over train/val photos; the KL term spreads over the same.
// TypeScript sources load through Vite's SSR loader, as in models/tuning-sweep.mjs.
import { tsLoader } from '../bench/ts-loader.mjs';

const SEEDS = [1, 2, 3];
const BEAUTIES = Array.from({ length: 21 }, (_, i) => i / 20);
const vite = await tsLoader();
const { load } = vite;
const { queriesOfSplit } = await load('/src/core/eval/ground-truth.ts');
const { curvePoint, meanCurve, summariseCurve } = await load('/src/core/eval/curve.ts');
const { gridOf, trainSettingsOf } = await load('/workers/tuning/manifest-settings.ts');
const { automaticPairs, idsOfSplits, trainOnWorld, Scorer } = await load(
  '/models/alignment-experiment.ts',
);
const { rerank } = await load('/workers/search/rerank.ts');
const { DEFAULT_RANK } = await load('/workers/search/protocol.ts');
const { loadTinyWorld } = await load('/models/tiny-world-harness.ts');
await vite.close();

const started = performance.now();
const world = await loadTinyWorld();
const tuning = world.profile.tuning;
const library = Array.from(world.ids);
const trainAndVal = idsOfSplits(world, ['train', 'val']);
const splitQueries = (split) =>
  queriesOfSplit(world.truth, split).filter((q) => q.kind !== 'held-out-triple');
const val = splitQueries('val');
const test = splitQueries('test');
const embedded = await world.embedQueries([...val, ...test].map((q) => q.text));
console.log(`world loaded in ${((performance.now() - started) / 1000).toFixed(0)} s`);

/** One curve (a point per beauty) for one model, re-ranking `candidates` hits per query. */
function curveOf(adapter, queries, candidates = 200, strictness = DEFAULT_RANK.strictness) {
  const scorer = new Scorer(world, adapter);
  const ranked = queries.map((q) => {
    const hits = scorer
      .scores(embedded.get(q.text), library)
      .sort((x, y) => y.score - x.score || x.id - y.id);
    const mean = hits.reduce((s, h) => s + h.score, 0) / hits.length;
    return { q, hits: hits.slice(0, candidates), mean };
  });
  return BEAUTIES.map((beauty) =>
    curvePoint(
      beauty,
      ranked.map(({ q, hits, mean }) => ({
        query: q,
        row: rerank(hits, mean, world.scoreIndex, {
          ...DEFAULT_RANK,
          order: 'fusion',
          beauty,
          strictness,
        })
          .slice(0, 10)
          .map((h) => world.truth.images[h.id - 1]),
      })),
    ),
  );
}

const beautyOf = (id) => world.scoreIndex.view(id)?.combined;

/** Pairs weighted by their beauty margin, rescaled so that the mean weight stays 1. */
function byMargin(pairs) {
  const margins = pairs.map((p) =>
    Math.abs((beautyOf(p.winner) ?? 0.5) - (beautyOf(p.loser) ?? 0.5)),
  );
  const mean = margins.reduce((s, m) => s + m, 0) / margins.length;
  return pairs.map((p, i) => ({ ...p, weight: mean > 0 ? margins[i] / mean : 1 }));
}

/** Pairs whose order is the re-ranker's blend for each query, at this beauty. */
async function blendPairs(seed, b) {
  const grid = { ...gridOf(tuning), seed };
  const out = [];
  const queryVectors = await world.embedQueries(tuning.trainingQueries);
  const scorer = new Scorer(world, undefined);
  for (const text of tuning.trainingQueries) {
    const hits = scorer.scores(queryVectors.get(text), trainAndVal);
    const mean = hits.reduce((s, h) => s + h.score, 0) / hits.length;
    const top = Math.max(...hits.map((h) => h.score));
    const relevance = new Map(hits.map((h) => [h.id, (h.score - mean) / (top - mean)]));
    const blend = (id) => {
      const beauty = beautyOf(id);
      return beauty === undefined
        ? undefined
        : (1 - b) * Math.min(1, relevance.get(id)) + b * beauty;
    };
    out.push(...(await automaticPairs(world, [text], trainAndVal, grid, false, blend)));
  }
  return out;
}

async function train(variant) {
  const adapters = [];
  for (const seed of SEEDS) {
    let pairs;
    const blend = /blend-([\d.]+)$/.exec(variant);
    if (blend) {
      pairs = await blendPairs(seed, Number(blend[1]));
      if (variant.startsWith('margin-')) pairs = byMargin(pairs);
    } else {
      pairs = await automaticPairs(world, tuning.trainingQueries, trainAndVal, {
        ...gridOf(tuning),
        seed,
      });
      if (variant === 'margin') pairs = byMargin(pairs);
    }
    const { weights } = await trainOnWorld(world, pairs, trainAndVal, {
      ...trainSettingsOf(tuning),
      seed,
    });
    adapters.push(weights);
  }
  return adapters;
}

const f3 = (x) => (x === null || x === undefined ? '  —  ' : x.toFixed(3));
function report(name, split, points, basePrecision) {
  const s = summariseCurve(points, basePrecision);
  const m = s.matched ? `${f3(s.matched.quality)} (b ${s.matched.beauty})` : 'none';
  console.log(
    `${split.padEnd(4)} ${name.padEnd(22)} alone P ${f3(points[0].precision)} Q ${f3(points[0].quality)}` +
      ` | matched ${m.padEnd(16)} interp ${f3(s.matchedInterpolated)}` +
      ` | area ${s.area.toFixed(5)} covered ${(s.covered * 100).toFixed(0)}%`,
  );
}

for (const [split, queries] of [
  ['val', val],
  ['test', test],
]) {
  const base = curveOf(undefined, queries);
  report('re-rank (base)', split, base, base[0].precision);
  report('re-rank strict 0.3', split, curveOf(undefined, queries, 600, 0.3), base[0].precision);
}
const variants = (
  process.argv.find((a) => a.startsWith('--variants='))?.slice(11) ??
  'default,margin,blend-0.2,blend-0.5'
).split(',');
for (const variant of variants) {
  const adapters = await train(variant);
  for (const [split, queries] of [
    ['val', val],
    ['test', test],
  ]) {
    const basePrecision = curveOf(undefined, queries)[0].precision;
    report(
      `tuned+re-rank ${variant}`,
      split,
      meanCurve(adapters.map((a) => curveOf(a, queries))),
      basePrecision,
    );
    if (variant === 'default') {
      report(
        'tuned+re-rank wide',
        split,
        meanCurve(adapters.map((a) => curveOf(a, queries, 600))),
        basePrecision,
      );
      report(
        'tuned+re-rank wide-head',
        split,
        meanCurve(adapters.map((a) => curveOf(a, queries, 600, 0.3))),
        basePrecision,
      );
    }
  }
}
console.log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
