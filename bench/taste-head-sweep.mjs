// Chooses the taste head's settings (issue 22) on VAL, never test. Each simulated person gives
// 50 picks on train/val photos (the head retrains every 5 picks and the chooser sees it); then
// the 50-pick head is applied at each λ of a grid, and its lift on the val queries is read as
// a share of the val ceiling, with its P@10 loss. Prints, per variant, the common λ with the
// best mean share whose mean loss (over people and seeds) is within 2 points.
//   node bench/taste-head-sweep.mjs [--seeds=1,2] [--strategy=random,active] [--variants=JSON]
import { tsLoader } from './ts-loader.mjs';

const arg = (name, fallback) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const seeds = arg('seeds', '1,2').split(',').map(Number);
const strategies = arg('strategy', 'random,active').split(',');
const VARIANTS = JSON.parse(arg('variants', JSON.stringify([{ l2: 1, units: 'zcos' }])));
const LAMBDAS = JSON.parse(arg('lambdas', '[0.004,0.006,0.008,0.01,0.012,0.015]'));
const PICK_LAMBDA = Number(arg('pick-lambda', '0.01'));
// --picks=20 --chosen-only: the e2e's scenario (20 "Which of these two?" answers, no likes).
const PICKS = Number(arg('picks', '50'));
const CHOSEN_ONLY = process.argv.includes('--chosen-only') || process.argv.includes('--e2e');
// --e2e: e2e/taste.spec.ts's protocol: its 4 searches and the profile's training queries (the
// train split), pairs of queries naming a background skipped, 20 chosen picks.
const E2E = process.argv.includes('--e2e');
const BUDGET = 0.02;
const CHECKPOINTS = JSON.parse(arg('checkpoints', '[]'));
/** Picks to half the val ceiling, per strategy, over every variant's people and seeds. */
const halves = new Map([
  ['active', []],
  ['random', []],
]);

const vite = await tsLoader();
const { PEOPLE, tasteQueries, leavesTasteFree } = await vite.load('/src/core/eval/people.ts');
const { queriesOfSplit } = await vite.load('/src/core/eval/ground-truth.ts');
const exp = await vite.load('/models/taste-experiment.ts');
const { loadTinyWorld } = await vite.load('/models/tiny-world-harness.ts');
const { PICK_SETTINGS } = await import('./eval-tastes.mjs');
const { trainSettingsOf } = await vite.load('/workers/tuning/manifest-settings.ts');
await vite.close();
const world = await loadTinyWorld();
const library = Array.from(world.ids);
const people = [];
for (const person of PEOPLE) {
  const val = tasteQueries(person, queriesOfSplit(world.truth, 'val'));
  const ceiling = await exp.tasteCeiling(world, person, val, library);
  people.push({ person, val, ceiling });
  console.log(
    `${person.id}: val ceiling +${(100 * ceiling.lift).toFixed(0)}% at λ ${ceiling.lambda}`,
  );
}
function e2eProtocol(person) {
  const trainVal = [...queriesOfSplit(world.truth, 'train'), ...queriesOfSplit(world.truth, 'val')];
  return {
    queries: [
      ...tasteQueries(person, trainVal).slice(0, 4),
      ...queriesOfSplit(world.truth, 'train'),
    ],
    skips: (q) => !leavesTasteFree(person, q),
  };
}
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (x) => (100 * x).toFixed(0);
for (const v of VARIANTS) {
  const { l2, adapter, ...extra } = v;
  for (const strategy of strategies) {
    // results[λ] = rows of { person, share, loss }
    const results = new Map(LAMBDAS.map((l) => [l, []]));
    for (const { person, val, ceiling } of people) {
      for (const seed of seeds) {
        const headOnly = exp.headTrainer(world, PICK_LAMBDA, { l2 }, extra);
        const picks = await exp.givePicks(world, person, {
          strategy,
          seed,
          total: E2E ? 20 : PICKS,
          chosenOnly: CHOSEN_ONLY,
          ...(E2E ? e2eProtocol(person) : {}),
          doubt: v.doubt,
          relevanceLogit: v.relevanceLogit,
          cutoffPairs: v.cutoffPairs,
          chooserTop: v.chooserTop,
          // { adapter: true }: the DPO adapter on the same picks, with the head on top.
          train: adapter
            ? exp.adapterHeadTrainer(
                world,
                { ...trainSettingsOf(world.profile.tuning), ...PICK_SETTINGS, seed },
                PICK_LAMBDA,
                { l2 },
              )
            : headOnly,
          // As the page: the chooser refits the head before every question.
          ...(adapter ? {} : { chooser: headOnly }),
        });
        // --checkpoints: the share of the val ceiling at each pick count (λ = --pick-lambda),
        // and the first count reaching half of it (never = 2 × the last), as the eval counts.
        if (CHECKPOINTS.length) {
          const shares = [];
          for (const n of CHECKPOINTS) {
            const m = await exp.measureTaste(world, person, val, library, {
              ...picks.adapters.get(n),
              lambda: PICK_LAMBDA,
            });
            shares.push((m.taste / ceiling.base.taste - 1) / ceiling.lift);
          }
          const reached = CHECKPOINTS.find((n, i) => shares[i] >= 0.5) ?? 2 * PICKS;
          halves.get(strategy).push(reached);
          console.log(
            `  ${person.id} ${strategy} seed ${seed}: ${CHECKPOINTS.map((n, i) => `${n}: ${fmt(shares[i])}%`).join(', ')}; half at ${reached}`,
          );
        }
        const model = picks.adapters.get(E2E ? 20 : PICKS);
        for (const lambda of LAMBDAS) {
          const m = await exp.measureTaste(world, person, val, library, { ...model, lambda });
          results.get(lambda).push({
            person: person.id,
            share: (m.taste / ceiling.base.taste - 1) / ceiling.lift,
            loss: ceiling.base.precision - m.precision,
          });
        }
      }
    }
    const lines = [];
    let best;
    for (const [lambda, rows] of results) {
      const share = mean(rows.map((r) => r.share));
      const loss = mean(rows.map((r) => r.loss));
      const per = people
        .map(({ person }) => {
          const r = rows.filter((x) => x.person === person.id);
          return `${person.id.slice(0, 5)} ${fmt(mean(r.map((x) => x.share)))}%/${(100 * mean(r.map((x) => x.loss))).toFixed(1)}${process.argv.includes('--per-seed') ? ` [${r.map((x) => fmt(x.share)).join(' ')}]` : ''}`;
        })
        .join(' ');
      lines.push(`  λ ${lambda}: share ${fmt(share)}% loss ${(100 * loss).toFixed(1)} | ${per}`);
      if (loss <= BUDGET + 1e-9 && (!best || share > best.share)) best = { lambda, share };
    }
    console.log(
      `${JSON.stringify(v)} ${strategy}: best λ ${best?.lambda} (${best ? fmt(best.share) : '—'}%)`,
    );
    console.log(lines.join('\n'));
  }
}
if (CHECKPOINTS.length) {
  for (const [strategy, xs] of halves) {
    if (xs.length)
      console.log(
        `picks to half the val ceiling, ${strategy}: mean ${mean(xs).toFixed(1)} [${xs.join(' ')}]`,
      );
  }
}
