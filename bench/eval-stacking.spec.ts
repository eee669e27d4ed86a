import { describe, expect, it } from 'vitest';
import type { TruthImage, TruthQuery } from '../src/core/eval/ground-truth';
import { stackingFigures } from './eval-stacking';

const img = (shape: string, quality: number): TruthImage => ({
  path: `${shape}.jpg`,
  shape,
  colour: 'red',
  background: 'beach',
  degradation: null,
  strength: 0,
  quality,
  caption: '',
  heldOut: false,
  split: 'test',
});

describe('eval with stacking off and on', () => {
  it('counts a stack once in the top n, making room for the next photo', () => {
    // Photos 1–3 are one burst of circles; 4 is a square.
    const truth = new Map([
      [1, img('circle', 0.9)],
      [2, img('circle', 0.5)],
      [3, img('circle', 0.4)],
      [4, img('square', 0.8)],
    ]);
    const query: Pick<TruthQuery, 'relevant'> = { relevant: { shape: 'circle' } };
    const hits = [2, 1, 3, 4].map((id) => ({ id }));
    const figures = stackingFigures(
      [query],
      [hits],
      truth,
      [{ id: 'moment-1', members: [1, 2, 3], best: 1 }],
      2,
    );
    expect(figures.off).toEqual({ precision: 1, quality: 0.7, distinct: 1 });
    // On: the burst's best (1) then the square.
    expect([figures.on.precision, figures.on.distinct]).toEqual([0.5, 2]);
    expect(figures.on.quality).toBeCloseTo(0.85);
    expect([figures.groups, figures.grouped]).toEqual([1, 3]);
  });
});
