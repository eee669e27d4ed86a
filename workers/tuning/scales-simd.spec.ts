import { describe, expect, it } from 'vitest';
import { tunedScales, tunedScalesScalar } from './adapter';
import { projectChunks } from './scales-simd';
import { gaussian, mulberry32 } from './random';

function adapter(dim: number, rank: number, seed: number) {
  const normal = gaussian(mulberry32(seed));
  return {
    baseModel: 'simd-test@1',
    dim,
    rank,
    a: Float32Array.from({ length: rank * dim }, () => normal() / Math.sqrt(dim)),
    b: Float32Array.from({ length: dim * rank }, () => normal() * 0.4),
  };
}

describe('tunedScales in WebAssembly SIMD', () => {
  it('runs here, and agrees with the plain-JS path over several chunks and an odd count', () => {
    const [n, dim] = [1031, 64];
    const normal = gaussian(mulberry32(3));
    const vectors = Float32Array.from({ length: n * dim }, () => normal() * 0.2);
    // Rank 3 leaves padding rows in the kernel's last group of four.
    for (const rank of [3, 8]) {
      const w = adapter(dim, rank, rank);
      expect(projectChunks(w, vectors, n, dim, () => {})).toBe(true);
      const fast = tunedScales(w, vectors, n, dim);
      const plain = tunedScalesScalar(w, vectors, n, dim);
      let worst = 0;
      for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(fast[i]! / plain[i]! - 1));
      expect(worst).toBeLessThan(1e-5);
      // The adapter moves the scales well beyond that tolerance.
      const unit = tunedScalesScalar({ ...w, b: new Float32Array(w.b.length) }, vectors, n, dim);
      expect(Math.max(...plain.map((x, i) => Math.abs(x / unit[i]! - 1)))).toBeGreaterThan(0.05);
    }
  });

  it('widens int8 codes on the copy', () => {
    const [n, dim] = [77, 32];
    const random = mulberry32(9);
    const codes = Int8Array.from({ length: n * dim }, () => Math.floor(random() * 255) - 127);
    const w = adapter(dim, 4, 5);
    const fast = tunedScales(w, codes, n, dim);
    const plain = tunedScalesScalar(w, codes, n, dim);
    fast.forEach((x, i) => expect(x / plain[i]!).toBeCloseTo(1, 5));
  });

  it('leaves a dimension that is not a multiple of four to the plain path', () => {
    const w = adapter(6, 2, 1);
    expect(projectChunks(w, new Float32Array(12), 2, 6, () => {})).toBe(false);
  });
});
