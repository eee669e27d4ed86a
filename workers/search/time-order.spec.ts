import { describe, expect, it } from 'vitest';
import { byTaken, timeSections } from './time-order';

const day = (m: number, d: number, y = 2021) => Date.UTC(y, m - 1, d, 10);

describe('time order', () => {
  it('newest or oldest first, photos without a time last, equal times in the order given', () => {
    const items = [
      { id: 1, t: day(3, 1) },
      { id: 2, t: Number.NaN },
      { id: 3, t: day(5, 1) },
      { id: 4, t: day(3, 1) },
    ];
    const ids = (newest: boolean) => byTaken(items, (i) => i.t, newest).map((i) => i.id);
    expect(ids(true)).toEqual([3, 1, 4, 2]);
    expect(ids(false)).toEqual([1, 4, 3, 2]);
  });

  it('a heading per day within 60 days, per month beyond; the undated under one of their own', () => {
    const near = timeSections([day(3, 2), day(3, 2), day(3, 1), day(2, 1)]);
    expect(near.map((s) => [s.unit, s.start, s.count])).toEqual([
      ['day', 0, 2],
      ['day', 2, 1],
      ['day', 3, 1],
    ]);
    expect(near[0]!.at).toBe(Date.UTC(2021, 2, 2));
    const far = timeSections([day(9, 20), day(9, 2), day(3, 1), Number.NaN, Number.NaN]);
    expect(far.map((s) => [s.unit, s.start, s.count])).toEqual([
      ['month', 0, 2],
      ['month', 2, 1],
      ['month', 3, 2],
    ]);
    expect(far[1]!.at).toBe(Date.UTC(2021, 2, 1));
    expect(Number.isNaN(far[2]!.at)).toBe(true);
  });
});
