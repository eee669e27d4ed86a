import { describe, expect, it } from 'vitest';
import { concatBlocks, withoutRow } from './embedding-store';

describe('vector packing', () => {
  it('concatenates blocks of one model into a single matrix in order', () => {
    const m = concatBlocks('m@1', 2, [
      {
        id: 1,
        model: 'm@1',
        dim: 2,
        ids: new Uint32Array([1, 2]),
        vectors: new Float32Array([1, 0, 0, 1]),
      },
      {
        id: 2,
        model: 'm@1',
        dim: 2,
        ids: new Uint32Array([3]),
        vectors: new Float32Array([0.5, 0.5]),
      },
    ]);
    expect(Array.from(m.ids)).toEqual([1, 2, 3]);
    expect(Array.from(m.vectors)).toEqual([1, 0, 0, 1, 0.5, 0.5]);
  });

  it('never mixes vectors of two models or sizes', () => {
    const block = {
      id: 1,
      model: 'other@1',
      dim: 2,
      ids: new Uint32Array([1]),
      vectors: new Float32Array(2),
    };
    expect(() => concatBlocks('m@1', 2, [block])).toThrow(/other@1/);
    expect(() => concatBlocks('other@1', 3, [block])).toThrow(/expected other@1\/3/);
  });

  it('removes one photo row from a block and keeps the others aligned', () => {
    const block = {
      id: 1,
      model: 'm@1',
      dim: 2,
      ids: new Uint32Array([10, 11, 12]),
      vectors: new Float32Array([1, 1, 2, 2, 3, 3]),
    };
    const out = withoutRow(block, 11);
    expect(Array.from(out.ids)).toEqual([10, 12]);
    expect(Array.from(out.vectors)).toEqual([1, 1, 3, 3]);
    expect(withoutRow(block, 99)).toBe(block);
  });
});
