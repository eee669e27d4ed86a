// The taste table of `npm run eval` (issue 22): simulated people (src/core/eval/people.ts) give
// picks on train/val photos for train/val queries, a taste is trained from scratch at each
// checkpoint, and the taste metric is measured on the test queries over the whole library.
// Runs in Node (models/taste-experiment.ts: the page's chooser, pair rules, weights and
// trainer), since the full matrix in the browser would take hours on this machine; the page's
// own paths are driven end to end by e2e/taste.spec.ts.
//   node bench/eval-tastes.mjs [--quick]   (prints the table; eval.mjs imports runTasteEval)
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { root, tsLoader } from './ts-loader.mjs';

export const CHECKPOINTS = [10, 20, 30, 50];
const QUICK_CHECKPOINTS = [10, 20];
const SEEDS = [1, 2, 3];
/** The beauties re-ranking is measured at: near base precision, and the eval's "beauty 0.7". */
const RERANK_BEAUTIES = [0.2, 0.7];
/**
 * Few-pick training: with 10–50 picks (tens of pairs) the manifest's batch of 128 would give
 * one step an epoch, so smaller batches and more epochs; no pairs are held back (too few).
 */
export const PICK_SETTINGS = {
  batchSize: 8,
  maxEpochs: 30,
  validationShare: 0,
  patience: 30,
  // Chosen on val by bench/taste-sweep.mjs: the largest share of the val ceiling within 2
  // points of P@10 (the manifest's weight of 0.2 let 50 picks cost 4 points).
  semanticWeight: 2,
  learningRate: 0.01,
};

/**
 * The taste head (src/core/tuning/taste-head.ts), chosen on val by bench/taste-head-sweep.mjs;
 * the page's own constants (workers/tuning/protocol.ts TASTE_HEAD), read from there.
 */
export const HEAD_SOURCE = '/workers/tuning/protocol.ts';

const pct = (x) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : 'n/a');
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

export async function runTasteEval({ quick = false, log = console.log } = {}) {
  const vite = await tsLoader();
  const { PEOPLE, tasteQueries } = await vite.load('/src/core/eval/people.ts');
  const { queriesOfSplit } = await vite.load('/src/core/eval/ground-truth.ts');
  const { trainSettingsOf } = await vite.load('/workers/tuning/manifest-settings.ts');
  const { TASTE_HEAD } = await vite.load(HEAD_SOURCE);
  const exp = await vite.load('/models/taste-experiment.ts');
  const { loadTinyWorld } = await vite.load('/models/tiny-world-harness.ts');
  await vite.close();
  const started = performance.now();
  const world = await loadTinyWorld();
  const settings = { ...trainSettingsOf(world.profile.tuning), ...PICK_SETTINGS };
  const people = quick ? PEOPLE.slice(0, 1) : PEOPLE;
  const seeds = quick ? SEEDS.slice(0, 1) : SEEDS;
  const checkpoints = quick ? QUICK_CHECKPOINTS : CHECKPOINTS;
  const library = Array.from(world.ids);
  const out = {
    source:
      'Node harness (models/taste-experiment.ts): the page chooser, pair rules, origin weights ' +
      'and trainer on the tiny world, not the browser; e2e/taste.spec.ts drives the page',
    settings: { ...settings, seeds, checkpoints, rerankBeauties: RERANK_BEAUTIES },
    head: TASTE_HEAD,
    people: {},
  };
  for (const person of people) {
    const test = exp.testTasteQueries(world, person);
    const val = tasteQueries(person, queriesOfSplit(world.truth, 'val'));
    const ceiling = await exp.tasteCeiling(world, person, val, library);
    const testCeiling = await exp.tasteCeiling(world, person, test, library);
    const base = await exp.measureTaste(world, person, test, library, undefined);
    const rerank = {};
    for (const beauty of RERANK_BEAUTIES) {
      const m = await exp.measureTaste(world, person, test, library, undefined, beauty);
      rerank[beauty] = { ...m, lift: m.taste / base.taste - 1 };
    }
    const row = {
      likes: person.likes,
      testQueries: test.length,
      valQueries: val.length,
      ceiling: { val: ceiling, test: testCeiling },
      base,
      rerank,
      runs: [],
      headRuns: [],
    };
    const headTrain = exp.headTrainer(world, TASTE_HEAD.lambda, { l2: TASTE_HEAD.l2 });
    const lift = (m) => ({ ...m, lift: m.taste / base.taste - 1 });
    for (const strategy of ['active', 'random']) {
      for (const seed of seeds) {
        const t0 = performance.now();
        const train = exp.pickTrainer(world, { ...settings, seed });
        const picks = await exp.givePicks(world, person, {
          strategy,
          seed,
          total: Math.max(...checkpoints),
          train,
        });
        const at = {};
        for (const n of checkpoints) {
          const adapter = picks.adapters.get(n);
          if (!adapter) continue;
          const tuned = await exp.measureTaste(world, person, test, library, adapter);
          const both = await exp.measureTaste(world, person, test, library, adapter, 0.2);
          // The head on the very same picks, alone and on top of the adapter (matched).
          const same = await headTrain(picks.pairs.slice(0, picks.pairsAfter[n - 1]));
          const headSame = await exp.measureTaste(world, person, test, library, same);
          const adapterHead = await exp.measureTaste(world, person, test, library, {
            ...same,
            adapter: adapter.adapter,
          });
          at[n] = {
            pairs: picks.pairsAfter[n - 1],
            tuned: { ...tuned, lift: tuned.taste / base.taste - 1 },
            tunedRerank: { ...both, lift: both.taste / base.taste - 1 },
            headSamePicks: lift(headSame),
            adapterHead: lift(adapterHead),
          };
          at[n].share = at[n].tuned.lift / ceiling.lift;
          at[n].shareOfTestCeiling = at[n].tuned.lift / testCeiling.lift;
        }
        const reached = checkpoints.find((n) => at[n] && at[n].share >= 0.5) ?? null;
        const reachedTest =
          checkpoints.find((n) => at[n] && at[n].shareOfTestCeiling >= 0.5) ?? null;
        row.runs.push({
          strategy,
          seed,
          picks: picks.picks,
          kinds: picks.kinds,
          skipped: picks.skipped,
          checkpoints: at,
          picksToHalfCeiling: reached,
          picksToHalfTestCeiling: reachedTest,
          seconds: (performance.now() - t0) / 1000,
        });
        log(
          `taste ${person.id} ${strategy} seed ${seed}: ` +
            checkpoints
              .map((n) =>
                at[n]
                  ? `${n} picks ${pct(at[n].tuned.lift)} (${pct(at[n].share)} of ceiling)`
                  : `${n}: —`,
              )
              .join(', ') +
            ` [${((performance.now() - t0) / 1000).toFixed(0)} s]`,
        );
        // The head's own run: its chooser sees the head (active asks what it is least sure of).
        const h0 = performance.now();
        const headPicks = await exp.givePicks(world, person, {
          strategy,
          seed,
          total: Math.max(...checkpoints),
          train: headTrain,
          chooser: headTrain,
          doubt: TASTE_HEAD.doubt,
          relevanceLogit: TASTE_HEAD.relevanceLogit,
        });
        const hat = {};
        for (const n of checkpoints) {
          const model = headPicks.adapters.get(n);
          if (!model) continue;
          const m = await exp.measureTaste(world, person, test, library, model);
          const both = await exp.measureTaste(world, person, test, library, model, 0.2);
          hat[n] = {
            pairs: headPicks.pairsAfter[n - 1],
            tuned: lift(m),
            tunedRerank: lift(both),
            share: (m.taste / base.taste - 1) / ceiling.lift,
            shareOfTestCeiling: (m.taste / base.taste - 1) / testCeiling.lift,
          };
        }
        row.headRuns.push({
          strategy,
          seed,
          picks: headPicks.picks,
          kinds: headPicks.kinds,
          skipped: headPicks.skipped,
          checkpoints: hat,
          picksToHalfCeiling: checkpoints.find((n) => hat[n] && hat[n].share >= 0.5) ?? null,
          picksToHalfTestCeiling:
            checkpoints.find((n) => hat[n] && hat[n].shareOfTestCeiling >= 0.5) ?? null,
          seconds: (performance.now() - h0) / 1000,
        });
        log(
          `taste head ${person.id} ${strategy} seed ${seed}: ` +
            checkpoints
              .map((n) =>
                hat[n]
                  ? `${n} picks ${pct(hat[n].tuned.lift)} (${pct(hat[n].share)}, P@10 ${hat[n].tuned.precision.toFixed(3)})`
                  : `${n}: —`,
              )
              .join(', ') +
            ` [${((performance.now() - h0) / 1000).toFixed(0)} s]`,
        );
      }
    }
    out.people[person.id] = row;
  }
  out.summary = summarise(out, checkpoints, 'runs');
  out.summary.head = summarise(out, checkpoints, 'headRuns');
  out.seconds = Math.round((performance.now() - started) / 1000);
  return out;
}

/**
 * Means over seeds per person, strategy and checkpoint, and the goals read from them, for the
 * adapter's runs (`runs`) or the taste head's own runs (`headRuns`).
 */
function summarise(out, checkpoints, key) {
  const last = Math.max(...checkpoints);
  const table = [];
  const goals = { people: {}, picksToHalf: {} };
  for (const [id, row] of Object.entries(out.people)) {
    for (const strategy of ['active', 'random']) {
      const runs = row[key].filter((r) => r.strategy === strategy);
      for (const n of checkpoints) {
        const at = runs.map((r) => r.checkpoints[n]).filter(Boolean);
        if (!at.length) continue;
        table.push({
          person: id,
          strategy,
          picks: n,
          base: row.base.taste,
          basePrecision: row.base.precision,
          tuned: mean(at.map((a) => a.tuned.taste)),
          tunedLift: mean(at.map((a) => a.tuned.lift)),
          tunedPrecision: mean(at.map((a) => a.tuned.precision)),
          share: mean(at.map((a) => a.share)),
          shareOfTestCeiling: mean(at.map((a) => a.shareOfTestCeiling)),
          rerank: row.rerank[0.2].taste,
          rerankLift: row.rerank[0.2].lift,
          tunedRerank: mean(at.map((a) => a.tunedRerank.taste)),
          tunedRerankLift: mean(at.map((a) => a.tunedRerank.lift)),
          tunedRerankPrecision: mean(at.map((a) => a.tunedRerank.precision)),
          ...(at[0].headSamePicks
            ? {
                headSamePicksLift: mean(at.map((a) => a.headSamePicks.lift)),
                headSamePicksPrecision: mean(at.map((a) => a.headSamePicks.precision)),
                adapterHeadLift: mean(at.map((a) => a.adapterHead.lift)),
                adapterHeadPrecision: mean(at.map((a) => a.adapterHead.precision)),
              }
            : {}),
        });
      }
      // Runs that never get there within the last checkpoint count as twice it (censored).
      const need = runs.map((r) => r.picksToHalfCeiling ?? 2 * last);
      goals.picksToHalf[`${id}/${strategy}`] = {
        mean: mean(need),
        reached: runs.filter((r) => r.picksToHalfCeiling !== null).length,
        // The same against the test ceiling: the val ceiling is coarse for the background people.
        meanTestCeiling: mean(runs.map((r) => r.picksToHalfTestCeiling ?? 2 * last)),
        reachedTestCeiling: runs.filter((r) => r.picksToHalfTestCeiling !== null).length,
        runs: runs.length,
      };
    }
    const best = table.find((t) => t.person === id && t.strategy === 'active' && t.picks === last);
    const dark = /dark|soft/.test(id);
    goals.people[id] = best && {
      share: best.share,
      relativeLift: best.tunedLift,
      precisionLoss: best.basePrecision - best.tunedPrecision,
      met:
        best.share >= 0.5 &&
        best.tunedLift >= 0.15 &&
        best.basePrecision - best.tunedPrecision <= 0.02,
      rerankLift: { 0.2: row.rerank[0.2].lift, 0.7: row.rerank[0.7].lift },
      rerankGoal: dark ? 'lowers the metric' : 'gains < 5%',
      rerankMet: dark
        ? row.rerank[0.2].lift < 0 && row.rerank[0.7].lift < 0
        : row.rerank[0.2].lift < 0.05 && row.rerank[0.7].lift < 0.05,
    };
  }
  const over = (strategy, field = 'mean') =>
    mean(
      Object.entries(goals.picksToHalf)
        .filter(([k]) => k.endsWith(`/${strategy}`))
        .map(([, v]) => v[field]),
    );
  goals.activeVsRandom = {
    active: over('active'),
    random: over('random'),
    activeTestCeiling: over('active', 'meanTestCeiling'),
    randomTestCeiling: over('random', 'meanTestCeiling'),
    censoredAt: 2 * last,
    met: over('active') <= over('random') / 2,
  };
  return { table, goals };
}

/** The table as text, one row per person × strategy × checkpoint. */
export function formatTasteTable(tastes) {
  return [
    'Adapter (DPO on the picks); head = the taste head on the same picks, alone and on the adapter:',
    formatOne(tastes.summary, tastes),
    '',
    `Taste head, its own runs (λ ${tastes.head?.lambda}, chooser ${tastes.head?.doubt ?? 'margin'}):`,
    tastes.summary.head ? formatOne(tastes.summary.head, tastes) : '(not run)',
  ].join('\n');
}

function formatOne(summary, tastes) {
  const head =
    'person                    strategy picks  base   tuned (lift, share of val / test ceiling, P@10)  re-rank 0.2   tuned+re-rank';
  const lines = summary.table.map(
    (t) =>
      `${t.person.padEnd(25)} ${t.strategy.padEnd(8)} ${String(t.picks).padStart(5)}  ${t.base.toFixed(3)}  ` +
      `${t.tuned.toFixed(3)} (${pct(t.tunedLift)}, ${pct(t.share)} / ${pct(t.shareOfTestCeiling)}, ${t.tunedPrecision.toFixed(3)} vs ${t.basePrecision.toFixed(3)})  ` +
      `${t.rerank.toFixed(3)} (${pct(t.rerankLift)})  ${t.tunedRerank.toFixed(3)} (${pct(t.tunedRerankLift)})` +
      (t.headSamePicksLift !== undefined
        ? `  head ${pct(t.headSamePicksLift)} P@10 ${t.headSamePicksPrecision.toFixed(3)}, adapter+head ${pct(t.adapterHeadLift)} P@10 ${t.adapterHeadPrecision.toFixed(3)}`
        : ''),
  );
  const ceilings = Object.entries(tastes.people).map(
    ([id, r]) =>
      `${id}: val ceiling +${pct(r.ceiling.val.lift)} (λ ${r.ceiling.val.lambda}), test ceiling +${pct(r.ceiling.test.lift)}; ` +
      `re-rank 0.2 ${pct(r.rerank[0.2].lift)}, 0.7 ${pct(r.rerank[0.7].lift)}`,
  );
  const g = summary.goals;
  return [
    head,
    ...lines,
    '',
    ...ceilings,
    '',
    `picks to half the ceiling lift (mean over people and seeds; never = ${g.activeVsRandom.censoredAt}): ` +
      `active ${g.activeVsRandom.active.toFixed(1)}, random ${g.activeVsRandom.random.toFixed(1)}; ` +
      `of the test ceiling: active ${g.activeVsRandom.activeTestCeiling.toFixed(1)}, ` +
      `random ${g.activeVsRandom.randomTestCeiling.toFixed(1)}`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const tastes = await runTasteEval({ quick: process.argv.includes('--quick') });
  console.log(formatTasteTable(tastes));
  // npm run eval records the table in eval.json; this standalone run keeps its own file.
  const file = path.join(root, 'bench', 'results', 'eval-tastes.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), ...tastes }, null, 2));
  console.log(JSON.stringify(tastes.summary.goals, null, 2));
  console.log(JSON.stringify(tastes.summary.head.goals, null, 2));
}
