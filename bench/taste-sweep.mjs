// Chooses the few-pick training settings of the taste table on VAL (never test): each simulated
// person gives 50 random-chooser picks on train/val photos, a taste is trained with each
// candidate, and its lift on val queries is read as a share of the val ceiling.
//   node bench/taste-sweep.mjs [--seeds=1,2]
import { PICK_SETTINGS } from './eval-tastes.mjs';
import { tsLoader } from './ts-loader.mjs';

const seeds = (process.argv.find((a) => a.startsWith('--seeds='))?.slice(8) ?? '1,2')
  .split(',')
  .map(Number);
const ONLY_EXTRA = process.argv.some((a) => a.startsWith('--extra='));
const CANDIDATES = ONLY_EXTRA
  ? JSON.parse(process.argv.find((a) => a.startsWith('--extra='))?.slice(8) ?? '[]')
  : [
      {},
      { learningRate: 0.005 },
      { learningRate: 0.01 },
      { maxEpochs: 60, patience: 60 },
      { semanticWeight: 0.05 },
      { beta: 2 },
      { semanticWeight: 1 },
      { semanticWeight: 1, learningRate: 0.005 },
      { semanticWeight: 0.5, learningRate: 0.005 },
      { semanticWeight: 2, learningRate: 0.01 },
    ];

const vite = await tsLoader();
const { PEOPLE, tasteQueries } = await vite.load('/src/core/eval/people.ts');
const { queriesOfSplit } = await vite.load('/src/core/eval/ground-truth.ts');
const { trainSettingsOf } = await vite.load('/workers/tuning/manifest-settings.ts');
const exp = await vite.load('/models/taste-experiment.ts');
const { loadTinyWorld } = await vite.load('/models/tiny-world-harness.ts');
await vite.close();
const world = await loadTinyWorld();
const library = Array.from(world.ids);
const base = { ...trainSettingsOf(world.profile.tuning), ...PICK_SETTINGS };
const people = await Promise.all(
  PEOPLE.map(async (person) => {
    const val = tasteQueries(person, queriesOfSplit(world.truth, 'val'));
    return { person, val, ceiling: await exp.tasteCeiling(world, person, val, library) };
  }),
);
for (const change of CANDIDATES) {
  const settings = { ...base, ...change };
  const shares = [];
  let loss = 0;
  for (const { person, val, ceiling } of people) {
    for (const seed of seeds) {
      const picks = await exp.givePicks(world, person, {
        strategy: 'random',
        seed,
        total: 50,
        train: exp.pickTrainer(world, { ...settings, seed }),
      });
      const m = await exp.measureTaste(world, person, val, library, picks.adapters.get(50));
      shares.push((m.taste / ceiling.base.taste - 1) / ceiling.lift);
      loss += (ceiling.base.precision - m.precision) / (people.length * seeds.length);
    }
  }
  const mean = shares.reduce((a, b) => a + b, 0) / shares.length;
  console.log(
    `${JSON.stringify(change).padEnd(48)} mean share of val ceiling ${(100 * mean).toFixed(0)}% ` +
      `[${shares.map((s) => (100 * s).toFixed(0)).join(' ')}], P@10 −${(100 * loss).toFixed(1)} pts`,
  );
}
