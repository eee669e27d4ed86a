import { describe, expect, it } from 'vitest';
import { createProjection } from './projection';
import { gaussian, mulberry32 } from './random';

describe('projection kernels', () => {
  it('WebAssembly SIMD and plain JS agree on M·e and on the accumulated gradient', () => {
    const [dim, rank, images] = [20, 3, 5];
    const simd = createProjection(dim, rank, images);
    const plain = createProjection(dim + 1, rank, images);
    expect(simd.simd).toBe(true);
    expect(plain.simd).toBe(false);
    // The plain kernel gets the same data padded by one zero column, which changes nothing.
    const normal = gaussian(mulberry32(4));
    const a = Float64Array.from({ length: rank * dim }, normal);
    const b = Float64Array.from({ length: dim * rank }, normal);
    const pad = (m: Float64Array, rows: number) =>
      Float64Array.from({ length: rows * (dim + 1) }, (_, i) =>
        i % (dim + 1) === dim ? 0 : m[Math.floor(i / (dim + 1)) * dim + (i % (dim + 1))]!,
      );
    for (let i = 0; i < images * dim; i++) {
      const x = Math.fround(normal());
      simd.vectors[i] = x;
      plain.vectors[Math.floor(i / dim) * (dim + 1) + (i % dim)] = x;
    }
    simd.load(a, b);
    const bPadded = new Float64Array((dim + 1) * rank);
    bPadded.set(b);
    plain.load(pad(a, rank), bPadded);
    const outS = new Float64Array(4 * rank);
    const outP = new Float64Array(4 * rank);
    simd.project(1 * dim, 4 * dim, outS, 0, 2 * rank);
    plain.project(1 * (dim + 1), 4 * (dim + 1), outP, 0, 2 * rank);
    outS.forEach((x, i) => expect(x).toBeCloseTo(outP[i]!, 12));
    expect(Math.max(...outS.map(Math.abs))).toBeGreaterThan(0.5);

    const coef = Float64Array.from({ length: 4 * rank }, normal);
    for (const kernel of [simd, plain]) kernel.clearGradient();
    simd.accumulate(coef, 0, 2 * dim);
    simd.accumulate(coef, 3 * dim, 3 * dim);
    plain.accumulate(coef, 0, 2 * (dim + 1));
    plain.accumulate(coef, 3 * (dim + 1), 3 * (dim + 1));
    const [gaS, gbS] = [new Float64Array(rank * dim), new Float64Array(rank * dim)];
    const [gaP, gbP] = [new Float64Array(rank * (dim + 1)), new Float64Array(rank * (dim + 1))];
    simd.readGradient(gaS, gbS);
    plain.readGradient(gaP, gbP);
    for (let k = 0; k < rank; k++) {
      for (let j = 0; j < dim; j++) {
        expect(gaS[k * dim + j]!).toBeCloseTo(gaP[k * (dim + 1) + j]!, 12);
        expect(gbS[k * dim + j]!).toBeCloseTo(gbP[k * (dim + 1) + j]!, 12);
      }
    }
  });
});
