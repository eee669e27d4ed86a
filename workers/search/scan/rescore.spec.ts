import { describe, expect, it } from 'vitest';
import { quantizeBatch } from '../../../src/core/int8-codec';
import { Int8Scan } from './int8-scan';
import { rescore } from './rescore';
import { gaussian, mulberry32 } from '../../tuning/random';

describe('rescore', () => {
  it('turns oversampled int8 candidates into the exact float top-k on near-duplicates', () => {
    const normal = gaussian(mulberry32(17));
    const dim = 128;
    const n = 600;
    // one tight cluster: scores differ by less than the int8 error, so int8 alone misorders
    const centre = Float32Array.from({ length: dim }, normal);
    const floats = Float32Array.from(
      { length: n * dim },
      (_, i) => centre[i % dim]! + 0.02 * normal(),
    );
    const query = Float32Array.from(centre, (c) => c + 0.02 * normal());
    const { codes, scales } = quantizeBatch(floats, dim);
    const scan = new Int8Scan(dim, { warmUp: false });
    scan.load(codes, scales);

    const exact = Array.from({ length: n }, (_, row) => {
      let s = 0;
      for (let j = 0; j < dim; j++) s += floats[row * dim + j]! * query[j]!;
      return { row, s };
    }).sort((a, b) => b.s - a.s || a.row - b.row);
    const want = exact.slice(0, 10).map((e) => e.row);

    const plain = scan.search(query, 10);
    const fixed = rescore(scan.search(query, 80), floats, dim, query, 10);
    expect([...fixed.indices]).toEqual(want);
    expect(fixed.scores[0]).toBeCloseTo(exact[0]!.s, 4);
    expect(fixed.mean).toBe(plain.mean);
    // the case is hard enough that int8 alone gets the order wrong
    expect([...plain.indices]).not.toEqual(want);
  });
});
