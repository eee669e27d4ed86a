import { describe, expect, it } from 'vitest';
import type { MomentThresholds } from '../../src/core/manifest';
import { LAYOUT_BYTES } from '../../src/core/colour-layout';
import { quantizeBatch } from '../../src/core/int8-codec';
import { MomentIndex } from './moment-index';

const DIM = 64;
const T: MomentThresholds = {
  copy: 0.99,
  moment: 0.9,
  momentWithoutTime: 0.95,
  windowSeconds: 60,
  measured: 'test',
};

let seed = 3;
const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
function unit(v: number[]): number[] {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}
const randomUnit = () => unit(Array.from({ length: DIM }, gauss));
/** A unit vector at exactly cosine `c` to unit `a`, in a fresh direction. */
function atCosine(a: number[], c: number): number[] {
  const r = randomUnit();
  const along = r.reduce((s, x, j) => s + x * a[j]!, 0);
  const ortho = unit(r.map((x, j) => x - along * a[j]!));
  return a.map((x, j) => c * x + Math.sqrt(1 - c * c) * ortho[j]!);
}

/** `layouts[i]`: photo i's colour layout, or null for none (indexed before layouts). */
function add(
  index: MomentIndex,
  ids: number[],
  vectors: number[][],
  times?: number[],
  layouts?: (Uint8Array | null)[],
): void {
  const q = quantizeBatch(Float32Array.from(vectors.flat()), DIM);
  const t = Float64Array.from(times ?? ids.map(() => NaN));
  if (!layouts) return index.add(Uint32Array.from(ids), q.codes, q.scales, t);
  const bytes = new Uint8Array(ids.length * LAYOUT_BYTES);
  layouts.forEach((l, i) => l && bytes.set(l, i * LAYOUT_BYTES));
  const has = Uint8Array.from(layouts, (l) => (l ? 1 : 0));
  index.add(Uint32Array.from(ids), q.codes, q.scales, t, { bytes, has });
}

/** A colour layout: an 8 × 8 grid of grey levels from `cell(x, y)`, scaled by `light`. */
function layoutOf(cell: (x: number, y: number) => number, light = 1): Uint8Array {
  const out = new Uint8Array(LAYOUT_BYTES);
  for (let y = 0; y < 8; y++)
    for (let x = 0; x < 8; x++)
      out.fill(Math.round(cell(x, y) * light), (y * 8 + x) * 3, (y * 8 + x + 1) * 3);
  return out;
}
const sceneA = (x: number, y: number) => 40 + 20 * x + (x > 2 && x < 6 && y > 2 ? 100 : 0);
const sceneB = (x: number, y: number) => 200 - 15 * y + (x < 3 ? 30 : 0);
/** Layout rules as the tiny world's manifest sets them (values of that order). */
const TL: MomentThresholds = {
  ...T,
  copyLayout: { colour: 2, structure: 0.96 },
  structureWeight: 0.5,
  moment: 0.75,
};

const groupsOf = (index: MomentIndex) => index.clusters().map((c) => c.members);

describe('MomentIndex', () => {
  it('groups copies without times, keeps an unlike photo out, and marks the copy set', () => {
    const index = new MomentIndex(DIM, T);
    const a = randomUnit();
    add(index, [1, 2, 3], [a, atCosine(a, 0.995), randomUnit()]);
    expect(index.clusters()).toEqual([{ members: [1, 2], copySets: [[1, 2]] }]);
  });

  it('groups a moment by time, but not the same scene shot an hour later', () => {
    const index = new MomentIndex(DIM, T);
    const a = randomUnit();
    const minute = 60_000;
    add(index, [1, 2, 3], [a, atCosine(a, 0.93), atCosine(a, 0.93)], [0, 10_000, 60 * minute]);
    expect(groupsOf(index)).toEqual([[1, 2]]);
  });

  it('without times, needs the stricter similarity', () => {
    const index = new MomentIndex(DIM, T);
    const a = randomUnit();
    const b = randomUnit();
    add(index, [1, 2, 3, 4], [a, atCosine(a, 0.93), b, atCosine(b, 0.97)]);
    expect(groupsOf(index)).toEqual([[3, 4]]);
  });

  it('does not merge the ends of a chain of similar photos', () => {
    // Each link is cosine 0.96, but the ends are far apart: single linkage would join all five.
    const index = new MomentIndex(DIM, T);
    const chain = [randomUnit()];
    for (let k = 1; k < 5; k++) chain.push(atCosine(chain[k - 1]!, 0.96));
    add(index, [1, 2, 3, 4, 5], chain);
    const groups = groupsOf(index);
    for (const g of groups) {
      for (const x of g)
        for (const y of g)
          expect(index.similarity(x - 1, y - 1)).toBeGreaterThanOrEqual(0.95 - 0.01);
    }
    expect(groups.every((g) => g.length < 5)).toBe(true);
    expect(groups.length).toBeGreaterThan(0);
  });

  it('adds photos incrementally with the same groups as from scratch', () => {
    const centres = Array.from({ length: 20 }, randomUnit);
    const vectors = centres.flatMap((c) => [c, atCosine(c, 0.995), atCosine(c, 0.97)]);
    const ids = vectors.map((_, i) => i + 1);
    const scratch = new MomentIndex(DIM, T);
    add(scratch, ids, vectors);
    const step = new MomentIndex(DIM, T);
    for (let k = 0; k < ids.length; k += 7) add(step, ids.slice(k, k + 7), vectors.slice(k, k + 7));
    // The first 1000 came in while every pair was still compared, so batch by batch finds at
    // least what the bands alone find from scratch: each group of one lies within a group of the other.
    for (const g of groupsOf(scratch)) {
      expect(groupsOf(step).some((h) => g.every((id) => h.includes(id)))).toBe(true);
    }
    expect(groupsOf(scratch)).toHaveLength(20);
  });

  it('splits a burst in two when the shot that bridged its time gap is removed', () => {
    const index = new MomentIndex(DIM, T);
    const a = randomUnit();
    const shots = [a, atCosine(a, 0.97), atCosine(a, 0.97), atCosine(a, 0.97), atCosine(a, 0.97)];
    add(index, [1, 2, 3, 4, 5], shots, [0, 40_000, 80_000, 120_000, 160_000]);
    expect(groupsOf(index)).toEqual([[1, 2, 3, 4, 5]]);
    index.remove([3]);
    expect(groupsOf(index)).toEqual([
      [1, 2],
      [4, 5],
    ]);
    index.remove([1]);
    expect(groupsOf(index)).toEqual([[4, 5]]);
  });

  it('finds planted groups through the sign-bit bands, from scratch and batch by batch', () => {
    // 1300 photos: past the point where every pair is compared, so the bands find the pairs.
    const shared = randomUnit();
    const scene = () => unit(randomUnit().map((x, j) => 0.7 * x + 0.7 * shared[j]!));
    const vectors: number[][] = [];
    for (let g = 0; g < 100; g++) {
      const c = scene();
      vectors.push(c, atCosine(c, 0.995), atCosine(c, 0.975));
    }
    while (vectors.length < 1300) vectors.push(scene());
    const ids = vectors.map((_, i) => i + 1);
    const scratch = new MomentIndex(DIM, T);
    add(scratch, ids, vectors);
    const step = new MomentIndex(DIM, T);
    for (let k = 0; k < ids.length; k += 500)
      add(step, ids.slice(k, k + 500), vectors.slice(k, k + 500));
    const planted = Array.from({ length: 100 }, (_, g) => [3 * g + 1, 3 * g + 2, 3 * g + 3]);
    const found = groupsOf(scratch).filter((g) => g.length === 3 && g[0]! % 3 === 1);
    expect(found.length).toBeGreaterThanOrEqual(97);
    // The first 1000 came in while every pair was still compared, so batch by batch finds at
    // least what the bands alone find from scratch: each group of one lies within a group of the other.
    for (const g of groupsOf(scratch)) {
      expect(groupsOf(step).some((h) => g.every((id) => h.includes(id)))).toBe(true);
    }
    expect(
      groupsOf(scratch).every((g) => planted.some((p) => g.every((id) => p.includes(id)))),
    ).toBe(true);
  });

  it('finds a copy by its colour layout where the cosine alone misses it', () => {
    const index = new MomentIndex(DIM, TL);
    const a = randomUnit();
    const same = layoutOf(sceneA);
    add(index, [1, 2], [a, atCosine(a, 0.95)], undefined, [same, layoutOf(sceneA, 1.005)]);
    expect(index.clusters()).toEqual([{ members: [1, 2], copySets: [[1, 2]] }]);
    // Without layouts (a library indexed before them), the cosine alone decides: not a copy.
    const old = new MomentIndex(DIM, TL);
    add(old, [1, 2], [a, atCosine(a, 0.95)], undefined, [null, null]);
    expect(old.clusters()).toEqual([]);
    expect([index.hasLayout(1), old.hasLayout(1)]).toEqual([true, false]);
    // Once the old library's photo gains a layout (measured from its thumbnail), it is a copy.
    add(old, [1, 2], [a, atCosine(a, 0.95)], undefined, [same, layoutOf(sceneA, 1.005)]);
    expect(old.clusters()).toEqual([{ members: [1, 2], copySets: [[1, 2]] }]);
  });

  it('never calls two shots taken at different times copies, however alike', () => {
    const index = new MomentIndex(DIM, TL);
    const a = randomUnit();
    const same = layoutOf(sceneA);
    // Two frames of a burst, 2 s apart: identical by cosine and layout, but a moment.
    add(index, [1, 2], [a, atCosine(a, 0.999)], [0, 2000], [same, same]);
    expect(index.clusters()).toEqual([{ members: [1, 2], copySets: [] }]);
    // The same frame's copy keeps its time (or has none): a copy.
    add(index, [3], [atCosine(a, 0.999)], [0], [same]);
    expect(index.clusters()[0]!.copySets).toEqual([[1, 3]]);
  });

  it('links a moment by structure where the cosine is low, but not a lookalike', () => {
    const index = new MomentIndex(DIM, TL);
    const a = randomUnit();
    // A darker frame of the same scene 3 s later (cosine 0.6: the model sees the spoiling), and
    // the same subject on another background 3 s after that (cosine 0.85).
    add(
      index,
      [1, 2, 3],
      [a, atCosine(a, 0.6), atCosine(a, 0.85)],
      [0, 3000, 6000],
      [layoutOf(sceneA), layoutOf(sceneA, 0.6), layoutOf(sceneB)],
    );
    expect(groupsOf(index)).toEqual([[1, 2]]);
  });
});
