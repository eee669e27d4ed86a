import { describe, expect, it } from 'vitest';
import { groupIndex, stackHits, withoutRejected } from './moments-stacks';

const sunsets = { id: 'moment-1', members: [4, 1, 2, 3], best: 4 };
const copies = { id: 'copy-7', members: [7, 8], best: 7 };
const byPhoto = groupIndex([sunsets, copies]);
const hits = (...ids: number[]) => ids.map((id) => ({ id }));

describe('stacks in a result list', () => {
  it('shows each group once, where its first member ranked, by its best member in the list', () => {
    const stacked = stackHits(hits(2, 9, 1, 4, 8, 3, 7), byPhoto);
    expect(stacked.map((s) => [s.hit.id, s.stack])).toEqual([
      [4, 4],
      [9, 1],
      [7, 2],
    ]);
  });

  it('never brings back a best shot that the cutoff left out', () => {
    const stacked = stackHits(hits(3, 2, 5), byPhoto);
    expect(stacked.map((s) => [s.hit.id, s.stack])).toEqual([
      [2, 2],
      [5, 1],
    ]);
  });

  it('hides rejected photos unless asked', () => {
    expect(withoutRejected(hits(1, 2, 3), { 2: 'reject', 3: 'keep' }).map((h) => h.id)).toEqual([
      1, 3,
    ]);
  });
});
