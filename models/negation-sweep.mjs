// Chooses λ, the weight of `-word` (q − λ·t(word), renormalised), for the tiny world on the
// TRAIN and VAL queries over the train and val photos only (never test), and prints the table
// behind the choice. The chosen value is recorded by hand as `negationWeight` of the tiny-world
// profile in models/manifest.json; models/negation.spec.ts then reads it on the test split.
//   node models/negation-sweep.mjs [--lambdas=0,0.25,0.5,...]
// Each query of train/val names two of shape, colour and background; every value of the third
// is taken away in turn ("a circle in the sky -red"). λ is scored by keptRecall − negatedRecall
// in the top 10: the share of relevant photos without the value that stay, less the share of
// those with it that stay (0 when `-word` does nothing, 1 when it does exactly its job). The
// highest mean wins.
import { tsLoader } from '../bench/ts-loader.mjs';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, ...v] = a.replace(/^--/, '').split('=');
    return [k, v.length ? v.join('=') : 'true'];
  }),
);
const lambdas = args.has('lambdas')
  ? args.get('lambdas').split(',').map(Number)
  : [...Array.from({ length: 31 }, (_, i) => (i * 5) / 100), 1.75, 2, 2.5, 3];

const vite = await tsLoader();
const { load } = vite;
const { negationQueries, measureNegation } = await load('/models/negation-experiment.ts');
const { idsOfSplits } = await load('/models/alignment-experiment.ts');
const { loadTinyWorld } = await load('/models/tiny-world-harness.ts');
await vite.close();

const world = await loadTinyWorld();
const queries = negationQueries(world.truth, ['train', 'val']);
const pool = idsOfSplits(world, ['train', 'val']);
console.log(
  `${queries.length} train/val queries with a value taken away, over ${pool.length} train/val photos`,
);
console.log('   λ   queries  negatedRecall  keptRecall  negatedShare@10  score');
const rows = [];
for (const lambda of lambdas) {
  const m = await measureNegation(world, queries, pool, lambda);
  rows.push({ lambda, ...m });
  console.log(
    `${lambda.toFixed(2).padStart(5)}  ${String(m.queries).padStart(7)}  ${m.negatedRecall.toFixed(3).padStart(13)}  ${m.keptRecall.toFixed(3).padStart(10)}  ${m.negatedShare.toFixed(3).padStart(15)}  ${m.score.toFixed(3)}`,
  );
}
const best = Math.max(...rows.map((r) => r.score));
const chosen = rows.find((r) => r.score === best);
console.log(
  `chosen λ = ${chosen.lambda} (score ${chosen.score.toFixed(3)}; best ${best.toFixed(3)}; λ = 0 scores ${rows.find((r) => r.lambda === 0)?.score.toFixed(3) ?? 'n/a'})`,
);
process.exit(0);
