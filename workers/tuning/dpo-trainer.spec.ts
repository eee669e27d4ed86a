import { describe, expect, it } from 'vitest';
import { transformQuery, tunedScales } from './adapter';
import { buildPreferenceSet, type QueryRanking } from './dpo-pairs';
import { trainAdapter, type TrainInput } from './dpo-trainer';
import type { AdapterWeights, TrainProgress } from './protocol';
import { gaussian, mulberry32 } from './random';

const unit = (v: Float32Array) => {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
};

/** Photos with a hidden "beauty" direction; pairs prefer the photo further along it. */
function world(seed: number, reversed = false) {
  const dim = 24;
  const random = mulberry32(seed);
  const normal = gaussian(random);
  const beautyAxis = unit(Float32Array.from({ length: dim }, normal));
  const vectors = new Map<number, Float32Array>();
  for (let id = 0; id < 150; id++)
    vectors.set(id, unit(Float32Array.from({ length: dim }, normal)));
  const beauty = (id: number) => {
    const e = vectors.get(id)!;
    return e.reduce((s, x, j) => s + x * beautyAxis[j]!, 0);
  };
  const queries = new Map<string, Float32Array>();
  const rankings: QueryRanking[] = [];
  for (let q = 0; q < 8; q++) {
    const queryText = `query ${q}`;
    const query = unit(Float32Array.from({ length: dim }, normal));
    queries.set(queryText, query);
    const cos = (id: number) => query.reduce((s, x, j) => s + x * vectors.get(id)![j]!, 0);
    const ranking = [...vectors.keys()].sort((x, y) => cos(y) - cos(x));
    rankings.push({ queryText, ranking });
  }
  const grid = { k: 40, u: 4, v: 5, s: 2, seed: 1 };
  const pairs = buildPreferenceSet(rankings, beauty, grid).pairs.map((p) =>
    reversed ? { ...p, winner: p.loser, loser: p.winner } : p,
  );
  const input: TrainInput = {
    baseModel: 'synthetic@1',
    dim,
    queries,
    vectors: (id) => vectors.get(id),
    pairs,
    candidates: () => [...vectors.keys()],
    settings: {
      rank: 4,
      logitScale: 20,
      beta: 1,
      labelSmoothing: 0.05,
      semanticWeight: 0.1,
      learningRate: 0.01,
      batchSize: 32,
      maxEpochs: 15,
      patience: 3,
      seed: 3,
    },
  };
  return { input, vectors, queries, beauty };
}

/** Share of the world's own (unreversed) pairs that the adapter orders winner first. */
function accuracy(
  w: AdapterWeights,
  { vectors, queries, input }: ReturnType<typeof world>,
): number {
  let right = 0;
  for (const pair of input.pairs) {
    const q = transformQuery(w, queries.get(pair.queryText)!);
    const score = (id: number) => {
      const e = vectors.get(id)!;
      return q.reduce((s, x, j) => s + x * e[j]!, 0) * tunedScales(w, e, 1, w.dim)[0]!;
    };
    if (score(pair.winner) > score(pair.loser)) right++;
  }
  return right / input.pairs.length;
}

describe('trainAdapter', () => {
  it('learns consistent preferences, and reversed ones the other way', async () => {
    const consistent = world(1);
    const progress: TrainProgress[] = [];
    const { weights, summary } = await trainAdapter({
      ...consistent.input,
      onProgress: (p) => progress.push(p),
    });
    const zero = { ...weights, b: new Float32Array(weights.b.length) };
    const before = accuracy(zero, consistent);
    const after = accuracy(weights, consistent);
    expect(after).toBeGreaterThan(before + 0.05);
    expect(summary.validationAccuracy).toBeGreaterThan(summary.baseValidationAccuracy + 0.05);
    expect(summary.validationPairs).toBe(Math.round(0.1 * consistent.input.pairs.length));
    expect(progress.length).toBe(summary.epochs);
    // The kept weights are those of the epoch with the lowest validation loss.
    const bestLoss = Math.min(...progress.map((p) => p.validationLoss));
    expect(progress[summary.bestEpoch - 1]!.validationLoss).toBe(bestLoss);
    expect(summary.validationLoss).toBe(bestLoss);

    const reversed = world(1, true);
    const flipped = await trainAdapter(reversed.input);
    expect(accuracy(flipped.weights, consistent)).toBeLessThan(before - 0.05);
  });

  it('is deterministic for a seed', async () => {
    const { input } = world(2);
    const settings = { ...input.settings, maxEpochs: 2 };
    const first = await trainAdapter({ ...input, settings });
    const again = await trainAdapter({ ...input, settings });
    const other = await trainAdapter({ ...input, settings: { ...settings, seed: 4 } });
    expect(again.weights).toEqual(first.weights);
    expect(other.weights.b).not.toEqual(first.weights.b);
  });

  it('cancels with an AbortError', async () => {
    const { input } = world(3);
    const controller = new AbortController();
    const epochs: number[] = [];
    const run = trainAdapter({
      ...input,
      signal: controller.signal,
      onProgress: (p) => {
        epochs.push(p.epoch);
        controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(epochs).toEqual([1]);
    await expect(trainAdapter({ ...input, signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('drops pairs without embeddings and refuses when none are left', async () => {
    const { input } = world(4);
    const pairs = [
      ...input.pairs,
      { ...input.pairs[0]!, winner: 9999 },
      { ...input.pairs[0]!, queryText: 'unknown' },
    ];
    const { summary } = await trainAdapter({
      ...input,
      pairs,
      settings: { ...input.settings, maxEpochs: 1 },
    });
    expect(summary.droppedPairs).toBe(2);
    expect(summary.trainPairs + summary.validationPairs).toBe(input.pairs.length);
    await expect(trainAdapter({ ...input, pairs: pairs.slice(-2) })).rejects.toThrow(/No usable/);
    await expect(trainAdapter({ ...input, settings: { labelSmoothing: 0.5 } })).rejects.toThrow(
      /labelSmoothing/,
    );
  });
});
