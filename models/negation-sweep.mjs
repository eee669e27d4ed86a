// Chooses λ, the weight of `-word` (q − λ·t(word), renormalised), for the tiny world on the
// TRAIN and VAL queries over the train and val photos only (never test), and prints the table
// behind the choice. The chosen value is recorded by hand as `negationWeight` of the tiny-world
// profile in models/manifest.json; models/negation.spec.ts then reads it on the test split.
//   node models/negation-sweep.mjs [--lambdas=0,0.25,0.5,...]
// Two families of queries: each train/val query (two of shape, colour and background) with
// every value of the third taken away in turn ("a circle in the sky -red"), and one named value
// with every value of another field taken away ("a circle -red"). Each family is scored by
// keptRecall − negatedRecall in the top 10: the share of relevant photos without the value
// that stay, less the share of those with it that stay (0 when `-word` does nothing, 1 when it
// does exactly its job). The highest mean of the two families' scores wins.
import { tsLoader } from '../bench/ts-loader.mjs';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, ...v] = a.replace(/^--/, '').split('=');
    return [k, v.length ? v.join('=') : 'true'];
  }),
);
const lambdas = args.has('lambdas') ? args.get('lambdas').split(',').map(Number) : undefined;

const vite = await tsLoader();
const { load } = vite;
const { sweepNegation } = await load('/models/negation-experiment.ts');
const { loadTinyWorld } = await load('/models/tiny-world-harness.ts');
await vite.close();

const world = await loadTinyWorld();
const { rows, chosen, queries, photos } = await sweepNegation(world, lambdas);
console.log(`${queries} queries with a value taken away, over ${photos} train/val photos`);
const f = (x) => x.toFixed(3);
console.log('        two values (train/val queries)     one value ("a circle -red")');
console.log('   λ   negRecall keptRecall negShare   negRecall keptRecall negShare   score');
for (const { lambda, pairs: p, singles: s, score } of rows) {
  console.log(
    `${lambda.toFixed(2).padStart(5)}   ${f(p.negatedRecall)}     ${f(p.keptRecall)}      ${f(p.negatedShare)}      ${f(s.negatedRecall)}     ${f(s.keptRecall)}      ${f(s.negatedShare)}   ${f(score)}`,
  );
}
const recorded = world.profile.negationWeight;
console.log(
  `chosen λ = ${chosen.lambda} (score ${chosen.score.toFixed(3)}); models/manifest.json records ${recorded ?? 'none'} for the tiny world`,
);
process.exit(0);
