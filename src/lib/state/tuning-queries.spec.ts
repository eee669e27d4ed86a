import { describe, expect, it, vi } from 'vitest';
import {
  embedQueries,
  pairQueryTexts,
  trainingQueryTexts,
  type TrainingRephraser,
} from './tuning-queries';

/** A fake text tower: each text becomes a distinct unit vector along one axis. */
function tower() {
  const axes = new Map<string, number>();
  return vi.fn((texts: string[]) =>
    Promise.resolve(
      texts.map((t) => {
        if (!axes.has(t)) axes.set(t, axes.size);
        const v = new Float32Array(8);
        v[axes.get(t)!] = 1;
        return v;
      }),
    ),
  );
}

const plain: TrainingRephraser = { ready: false, blend: 0.5, lookup: () => Promise.resolve('x') };

describe('training queries', () => {
  it('are recent searches first, then the built-in list, each once after normalising', async () => {
    const { texts, fromHistory } = await trainingQueryTexts({
      recent: () => Promise.resolve(['A Red  Circle', 'a blue star', '  ']),
      builtIn: ['a blue star', 'A green square'],
    });
    expect(texts).toEqual(['a red circle', 'a blue star', 'a green square']);
    expect(fromHistory).toBe(2);
  });

  it('pair texts are listed once each', () => {
    expect(pairQueryTexts([{ queryText: 'a' }, { queryText: 'b' }, { queryText: 'a' }])).toEqual([
      'a',
      'b',
    ]);
  });

  it('without a ready model, plain words are embedded and no rephrasing is looked up', async () => {
    const embedTexts = tower();
    const lookup = vi.fn((q: string) => plain.lookup(q));
    const out = await embedQueries(['a', 'b'], { embedTexts, rephraser: { ...plain, lookup } });
    expect(out.rephrased).toBe(0);
    expect(lookup).not.toHaveBeenCalled();
    expect(Array.from(out.queries[1]!.embedding)).toEqual([0, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('blends a stored rephrasing in as search does, and reuses cached embeddings', async () => {
    const embedTexts = tower();
    const rephraser: TrainingRephraser = {
      ready: true,
      blend: 0.5,
      lookup: (q) => Promise.resolve(q === 'a' ? 'a, rephrased' : null),
    };
    const cache = new Map<string, Float32Array>();
    const out = await embedQueries(['a', 'b'], { embedTexts, rephraser }, cache);
    expect(out.rephrased).toBe(1);
    const [a, b] = out.queries.map((q) => Array.from(q.embedding));
    // Equal weights of two orthogonal unit vectors, normalised: 1/√2 on each axis.
    expect(a![0]).toBeCloseTo(Math.SQRT1_2);
    expect(a![2]).toBeCloseTo(Math.SQRT1_2);
    expect(b).toEqual([0, 1, 0, 0, 0, 0, 0, 0]);
    await embedQueries(['b', 'c'], { embedTexts, rephraser }, cache);
    expect(embedTexts).toHaveBeenLastCalledWith(['c']);
  });
});
