// `-word` on the tiny world (issue 21): λ was chosen by models/negation-sweep.mjs over the
// train and val photos only, on the train/val queries and one-value queries ("a circle -red").
// Here it is read on what the sweep never saw: the test photos and the test queries.
import { beforeAll, describe, expect, it } from 'vitest';
import { negationWeightOf, subtractConcepts } from '../src/core/query/concept-arithmetic';
import { idsOfSplits } from './alignment-experiment';
import {
  measureNegation,
  negationQueries,
  singleNegationQueries,
  sweepNegation,
  topTen,
  type NegationMetrics,
} from './negation-experiment';
import { loadTinyWorld, type TinyWorld } from './tiny-world-harness';

const SHAPES = ['circle', 'square', 'triangle', 'star', 'cross', 'heart'];
const COLOURS = ['red', 'green', 'blue', 'yellow', 'purple', 'orange'];

let world: TinyWorld;
let lambda: number;
let testPhotos: number[];

const line = (name: string, m: NegationMetrics) =>
  `${name.padEnd(34)} ${m.negatedRecall.toFixed(3)}      ${m.keptRecall.toFixed(3)}       ${m.negatedShare.toFixed(3)}`;

beforeAll(async () => {
  world = await loadTinyWorld();
  lambda = negationWeightOf(world.profile);
  testPhotos = idsOfSplits(world, ['test']);
}, 600_000);

describe('tiny world: -word subtracts a concept', () => {
  it('records the λ that wins on train/val', async () => {
    const { chosen } = await sweepNegation(world);
    expect(world.profile.negationWeight).toBe(chosen.lambda);
  });

  it('"a circle -red" lowers red circles in the top 10, while circles stay', async () => {
    const e = await world.embedQueries(['a circle', 'red']);
    const plain = e.get('a circle')!;
    const minusRed = subtractConcepts(plain, [e.get('red')!], lambda);
    for (const [name, pool] of [
      ['test photos', testPhotos],
      ['whole library', Array.from(world.ids)],
    ] as const) {
      const before = topTen(world, plain, pool);
      const after = topTen(world, minusRed, pool);
      const red = (top: typeof before) =>
        top.filter((t) => t.shape === 'circle' && t.colour === 'red');
      const circles = (top: typeof before) => top.filter((t) => t.shape === 'circle');
      console.log(
        `${name}: "a circle" top 10 has ${circles(before).length} circles (${red(before).length} red); "a circle -red" ${circles(after).length} (${red(after).length} red)`,
      );
      expect(red(before).length).toBeGreaterThanOrEqual(3);
      expect(red(after).length).toBeLessThanOrEqual(1);
      // The circles that are not red gain the places the red ones leave.
      expect(circles(after).length - red(after).length).toBeGreaterThan(
        circles(before).length - red(before).length,
      );
      expect(circles(after).length).toBeGreaterThanOrEqual(5);
    }
  });

  it('"a <shape> -<colour>" lowers that colour for every shape and colour (test photos)', async () => {
    const e = await world.embedQueries([...SHAPES.map((s) => `a ${s}`), ...COLOURS]);
    let lowered = 0;
    let present = 0;
    for (const shape of SHAPES)
      for (const colour of COLOURS) {
        const q = e.get(`a ${shape}`)!;
        const count = (v: Float32Array) =>
          topTen(world, v, testPhotos).filter((t) => t.shape === shape && t.colour === colour)
            .length;
        const before = count(q);
        if (before === 0) continue;
        present++;
        if (count(subtractConcepts(q, [e.get(colour)!], lambda)) < before) lowered++;
      }
    console.log(`${lowered} of ${present} shape/colour pairs in a plain top 10 are lowered`);
    expect(present).toBeGreaterThanOrEqual(12);
    expect(lowered).toBe(present);
  });

  it('on the test queries, the taken-away value leaves the top 10 and most of the rest stays', async () => {
    const test = negationQueries(world.truth, ['test']);
    const singles = singleNegationQueries(world.truth);
    const base = await measureNegation(world, test, testPhotos, 0);
    const minus = await measureNegation(world, test, testPhotos, lambda);
    const singleBase = await measureNegation(world, singles, testPhotos, 0);
    const singleMinus = await measureNegation(world, singles, testPhotos, lambda);
    console.log(`test photos, λ = ${lambda}            negRecall  keptRecall  negShare@10`);
    console.log(line(`${test.length} test queries, λ = 0`, base));
    console.log(line(`${test.length} test queries, λ = ${lambda}`, minus));
    console.log(line(`${singles.length} one-value queries, λ = 0`, singleBase));
    console.log(line(`${singles.length} one-value queries, λ = ${lambda}`, singleMinus));
    expect(minus.negatedRecall).toBeLessThan(base.negatedRecall / 4);
    // Subtracting pushes the query a little off the rest too: λ = 0.8 keeps 0.559 of the 0.625
    // (89%) on test, the price the sweep paid on train/val for taking the value away (the bar
    // sits below what is measured, as the alignment spec's do).
    expect(minus.keptRecall).toBeGreaterThanOrEqual(0.85 * base.keptRecall);
    expect(singleMinus.keptRecall).toBeGreaterThanOrEqual(singleBase.keptRecall);
    expect(singleMinus.negatedShare).toBeLessThan(singleBase.negatedShare / 4);
  });
});
