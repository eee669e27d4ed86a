// Diagnoses a taste head's picks (issue 22) on TRAIN/VAL picks, reading the test split only to
// explain (never to choose): what the picks contrast, how well the head separates the person's
// liked photos from the rest, and how much room the test queries leave past the cutoff.
//   node bench/taste-diagnose.mjs [--people=snow] [--seeds=1,2] [--strategy=active,random] [--doubt=laplace]
import { tsLoader } from './ts-loader.mjs';

const arg = (name, fallback) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const seeds = arg('seeds', '1,2').split(',').map(Number);
const strategies = arg('strategy', 'active,random').split(',');
const only = arg('people', '');
const doubt = arg('doubt', 'laplace');
const relevanceLogit = Number(arg('relevance-logit', '0'));
const PICKS = Number(arg('picks', '50'));

const vite = await tsLoader();
const { PEOPLE } = await vite.load('/src/core/eval/people.ts');
const { queriesOfSplit, isRelevant } = await vite.load('/src/core/eval/ground-truth.ts');
const exp = await vite.load('/models/taste-experiment.ts');
const { TASTE_HEAD } = await vite.load('/workers/tuning/protocol.ts');
const { loadTinyWorld } = await vite.load('/models/tiny-world-harness.ts');
const { headValues } = await vite.load('/src/core/tuning/taste-head.ts');
await vite.close();
const world = await loadTinyWorld();
const img = (id) => world.truth.images[id - 1];
const library = Array.from(world.ids);
const testIds = library.filter((id) => img(id).split === 'test');
const trainVal = [...queriesOfSplit(world.truth, 'train'), ...queriesOfSplit(world.truth, 'val')];

/** AUC of v·x between photos the person scores above and below `cut` (among `ids`). */
function auc(values, ids, person) {
  const s = ids.map((id) => person.score(img(id)));
  let num = 0;
  let den = 0;
  for (let i = 0; i < ids.length; i++)
    for (let j = 0; j < ids.length; j++)
      if (s[i] > s[j]) {
        den++;
        num += values[i] > values[j] ? 1 : values[i] === values[j] ? 0.5 : 0;
      }
  return den ? num / den : NaN;
}

for (const person of PEOPLE.filter((p) => !only || p.id.includes(only))) {
  const test = exp.testTasteQueries(world, person);
  // Room: liked photos among the relevant test photos vs in the base top 10.
  const embedded = await world.embedQueries(test.map((q) => q.text));
  let room = 0;
  let inTop = 0;
  for (const q of test) {
    const rel = library.filter((id) => isRelevant(img(id), q));
    const liked = rel.filter((id) => person.score(img(id)) === 1).length;
    room += liked / test.length;
    const t = embedded.get(q.text);
    const top = library
      .map((id) => {
        const e = world.vectorOf(id);
        let s = 0;
        for (let j = 0; j < world.dim; j++) s += t[j] * e[j];
        return { id, s };
      })
      .sort((a, b) => b.s - a.s)
      .slice(0, 10);
    inTop += top.filter((h) => person.score(img(h.id)) === 1).length / test.length;
  }
  // Past the cutoff: photos search's re-ranking may move (relevance ≥ strictness over the library).
  const relevance = await exp.relevanceOver(
    world,
    library,
    test.map((q) => q.text),
  );
  const levels = new Map();
  for (const q of test) {
    for (const id of library) {
      if (relevance(q.text, id) < 0.5) continue;
      const k = person.score(img(id)).toFixed(2);
      levels.set(k, (levels.get(k) ?? 0) + 1 / test.length);
    }
  }
  console.log(
    `  past the cutoff per test query, by the person's score: ${[...levels]
      .sort()
      .map(([k, n]) => `${k}: ${n.toFixed(1)}`)
      .join(', ')}`,
  );
  console.log(
    `${person.id}: ${test.length} test queries; relevant photos the person scores 1: ${room.toFixed(1)}/query; in base top 10: ${inTop.toFixed(2)}/query`,
  );
  for (const strategy of strategies) {
    for (const seed of seeds) {
      const train = exp.headTrainer(world, TASTE_HEAD.lambda, { l2: TASTE_HEAD.l2 });
      const picks = await exp.givePicks(world, person, {
        strategy,
        seed,
        total: PICKS,
        train,
        chooser: train,
        doubt,
        relevanceLogit,
      });
      // What the chosen pairs contrast.
      let byRelevance = 0;
      let byTaste = 0;
      const contrasts = new Map();
      for (const p of picks.pairs) {
        const q = trainVal.find((x) => x.text === p.queryText);
        const w = img(p.winner);
        const l = img(p.loser);
        if (isRelevant(w, q) !== isRelevant(l, q)) byRelevance++;
        else {
          byTaste++;
          const k = `${person.score(w)}>${person.score(l)}`;
          contrasts.set(k, (contrasts.get(k) ?? 0) + 1);
        }
      }
      const model = picks.adapters.get(PICKS);
      const vectors = new Float32Array(testIds.length * world.dim);
      testIds.forEach((id, i) => vectors.set(world.vectorOf(id), i * world.dim));
      const values = headValues(model.head, vectors, testIds.length, world.dim);
      // λ beyond the chosen one, to see whether the nudge saturates (diagnosis on test photos
      // and queries: nothing is chosen from it).
      const lambdas = JSON.parse(arg('lambdas', '[]'));
      const base = lambdas.length
        ? await exp.measureTaste(world, person, test, library, undefined)
        : undefined;
      for (const lambda of lambdas) {
        const m = await exp.measureTaste(world, person, test, library, { ...model, lambda });
        console.log(
          `    λ ${lambda}: lift ${(100 * (m.taste / base.taste - 1)).toFixed(1)}%, P@10 ${m.precision.toFixed(3)} (base ${base.precision.toFixed(3)})`,
        );
      }
      console.log(
        `  ${strategy} seed ${seed}: ${picks.pairs.length} pairs (${picks.kinds.chosen} chosen, ${picks.kinds.like} likes, ${picks.kinds.dislike} dislikes, ${picks.skipped} similar); ` +
          `decided by relevance ${byRelevance}, by taste ${byTaste} [${[...contrasts].map(([k, n]) => `${k}: ${n}`).join(', ')}]; head AUC on test photos ${auc(values, testIds, person).toFixed(3)}`,
      );
    }
  }
}
