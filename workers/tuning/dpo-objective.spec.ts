import { describe, expect, it } from 'vitest';
import { evaluate, Workspace, type Params } from './dpo-objective';
import { buildProblem } from './dpo-trainer';
import { DEFAULT_TRAIN_SETTINGS, type PreferencePair, type TrainSettings } from './protocol';
import { gaussian, mulberry32 } from './random';

// dim 6 runs the plain-JS kernel; dim 8 (a multiple of four) the WebAssembly SIMD one.
function fixture(settings: TrainSettings, dim = 6) {
  const normal = gaussian(mulberry32(21));
  // Lengths vary: the objective must not assume unit image vectors.
  const vectors = new Map(
    Array.from({ length: 8 }, (_, i) => [
      100 + i,
      Float32Array.from({ length: dim }, () => normal() * (0.6 + i / 10)),
    ]),
  );
  const queries = new Map([
    ['red', Float32Array.from({ length: dim }, normal)],
    ['calm', Float32Array.from({ length: dim }, normal)],
  ]);
  const pair = (
    queryText: string,
    winner: number,
    loser: number,
    weight: number,
  ): PreferencePair => ({
    queryText,
    winner,
    loser,
    weight,
    origin: 'auto',
  });
  const pairs = [
    pair('red', 100, 101, 1),
    pair('red', 102, 103, 2),
    pair('red', 106, 100, 0.5),
    pair('calm', 104, 105, 1),
    pair('calm', 107, 101, 1.5),
  ];
  // 'red' keeps its KL over a subset that misses photo 106; 'calm' over everything.
  const candidates = (text: string) =>
    text === 'red' ? [100, 101, 102, 103, 104] : [...vectors.keys()];
  return buildProblem(
    { dim, queries, vectors: (id) => vectors.get(id), pairs, candidates },
    settings,
  );
}

describe('DPO objective', () => {
  const settings: TrainSettings = {
    ...DEFAULT_TRAIN_SETTINGS,
    rank: 2,
    logitScale: 10,
    beta: 0.7,
    labelSmoothing: 0.1,
    semanticWeight: 0.8,
  };

  it.each([6, 8])('matches central finite differences for A and B (DPO + KL), dim %i', (dim) => {
    const { problem } = fixture(settings, dim);
    expect(problem.kernel.simd).toBe(dim === 8);
    const normal = gaussian(mulberry32(5));
    const params: Params = {
      a: Float64Array.from({ length: 2 * dim }, () => normal() * 0.5),
      b: Float64Array.from({ length: dim * 2 }, () => normal() * 0.5),
    };
    const ws = new Workspace(problem);
    const all = [0, 1, 2, 3, 4];
    const grad: Params = { a: new Float64Array(2 * dim), b: new Float64Array(2 * dim) };
    const result = evaluate(ws, params, all, grad);
    expect(result.kl).toBeGreaterThan(1e-3);
    const h = 1e-6;
    let largest = 0;
    for (const key of ['a', 'b'] as const) {
      for (let i = 0; i < params[key].length; i++) {
        const saved = params[key][i]!;
        params[key][i] = saved + h;
        const up = evaluate(ws, params, all).loss;
        params[key][i] = saved - h;
        const down = evaluate(ws, params, all).loss;
        params[key][i] = saved;
        const numeric = (up - down) / (2 * h);
        expect(Math.abs(grad[key][i]! - numeric)).toBeLessThan(
          1e-6 * Math.max(1, Math.abs(numeric)),
        );
        largest = Math.max(largest, Math.abs(numeric));
      }
    }
    expect(largest).toBeGreaterThan(1e-2);
  });

  it('checks the gradient of a sub-batch too (one query, KL of that query only)', () => {
    const { problem } = fixture({ ...settings, labelSmoothing: 0 });
    const normal = gaussian(mulberry32(6));
    const params: Params = {
      a: Float64Array.from({ length: 12 }, () => normal() * 0.4),
      b: Float64Array.from({ length: 12 }, () => normal() * 0.4),
    };
    const ws = new Workspace(problem);
    const grad: Params = { a: new Float64Array(12), b: new Float64Array(12) };
    evaluate(ws, params, [3, 4], grad);
    const h = 1e-6;
    for (let i = 0; i < 12; i++) {
      const saved = params.b[i]!;
      params.b[i] = saved + h;
      const up = evaluate(ws, params, [3, 4]).loss;
      params.b[i] = saved - h;
      const down = evaluate(ws, params, [3, 4]).loss;
      params.b[i] = saved;
      expect(grad.b[i]!).toBeCloseTo((up - down) / (2 * h), 6);
    }
  });

  it('matches finite differences with a sampled KL set, and the sample changes the KL', () => {
    const { problem } = fixture(settings);
    const normal = gaussian(mulberry32(7));
    const params: Params = {
      a: Float64Array.from({ length: 12 }, () => normal() * 0.5),
      b: Float64Array.from({ length: 12 }, () => normal() * 0.5),
    };
    const ws = new Workspace(problem);
    const all = [0, 1, 2, 3, 4];
    // Query 0 ('red') samples two of its five candidates, query 1 ('calm') three of eight.
    const subsets = (q: number) => (q === 0 ? Int32Array.of(3, 4) : Int32Array.of(1, 5, 6));
    const grad: Params = { a: new Float64Array(12), b: new Float64Array(12) };
    const sampled = evaluate(ws, params, all, grad, subsets);
    const full = evaluate(ws, params, all);
    expect(sampled.dpo).toBeCloseTo(full.dpo, 12);
    expect(Math.abs(sampled.kl - full.kl)).toBeGreaterThan(1e-4);
    const h = 1e-6;
    for (const key of ['a', 'b'] as const) {
      for (let i = 0; i < 12; i++) {
        const saved = params[key][i]!;
        params[key][i] = saved + h;
        const up = evaluate(ws, params, all, undefined, subsets).loss;
        params[key][i] = saved - h;
        const down = evaluate(ws, params, all, undefined, subsets).loss;
        params[key][i] = saved;
        const numeric = (up - down) / (2 * h);
        expect(Math.abs(grad[key][i]! - numeric)).toBeLessThan(
          1e-6 * Math.max(1, Math.abs(numeric)),
        );
      }
    }
  });

  it('starts at log 2 per pair and zero divergence when B is zero', () => {
    const { problem } = fixture(settings);
    const params: Params = {
      a: Float64Array.from({ length: 12 }, (_, i) => Math.sin(i)),
      b: new Float64Array(12),
    };
    const result = evaluate(new Workspace(problem), params, [0, 1, 2, 3, 4]);
    expect(result.dpo).toBeCloseTo(Math.LN2, 10);
    expect(result.kl).toBeCloseTo(0, 12);
  });
});
