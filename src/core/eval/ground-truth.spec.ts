import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  SPLITS,
  hasSplits,
  imagesOfSplit,
  isRelevant,
  kindOf,
  parseGroundTruth,
  queriesOfSplit,
  type GroundTruth,
} from './ground-truth';

const file = path.resolve(
  import.meta.dirname,
  '../../../e2e/fixtures/tiny-world/ground-truth.json',
);
const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
const truth = parseGroundTruth(raw);

const image = {
  path: 'a.jpg',
  shape: 'star',
  colour: 'red',
  background: 'sky',
  degradation: null,
  strength: 0,
  quality: 1,
  caption: 'a red star',
  heldOut: false,
};
const query = { text: 'a red star', relevant: { shape: 'star', colour: 'red' } };
const world = (over: { images?: unknown[]; queries?: unknown[] } = {}) => ({
  images: [image],
  queries: [query],
  ...over,
});

describe('parseGroundTruth on a world without splits', () => {
  it('leaves split and kind undefined and finds no split members', () => {
    const old = parseGroundTruth(world());
    expect(hasSplits(old)).toBe(false);
    expect(old.queries.every((q) => q.split === undefined && q.kind === undefined)).toBe(true);
    expect(queriesOfSplit(old, 'test')).toEqual([]);
  });
});

describe('parseGroundTruth on the committed tiny world', () => {
  it('reads every photo and query with their labels', () => {
    const expected = JSON.parse(readFileSync(file, 'utf8')) as {
      images: { path: string; quality: number }[];
      queries: { text: string }[];
    };
    expect(truth.images.map((i) => i.path)).toEqual(expected.images.map((i) => i.path));
    expect(truth.images.map((i) => i.quality)).toEqual(expected.images.map((i) => i.quality));
    expect(truth.queries.map((q) => q.text)).toEqual(expected.queries.map((q) => q.text));
  });

  it('gives every query at least one relevant photo', () => {
    for (const q of truth.queries) {
      expect(
        truth.images.some((img) => isRelevant(img, q)),
        q.text,
      ).toBe(true);
    }
  });

  it('puts every query and photo in a split, each query kind in test', () => {
    expect(hasSplits(truth)).toBe(true);
    expect(truth.queries.every((q) => q.split !== undefined && q.kind !== undefined)).toBe(true);
    expect(truth.images.every((img) => img.split !== undefined)).toBe(true);
    const testImages = imagesOfSplit(truth, 'test');
    for (const q of queriesOfSplit(truth, 'test')) {
      expect(
        testImages.some((img) => isRelevant(img, q)),
        q.text,
      ).toBe(true);
    }
  });
});

describe('parseGroundTruth on crafted files', () => {
  it('reads split and kind when present', () => {
    const t = parseGroundTruth(
      world({
        images: [{ ...image, split: 'val' }],
        queries: [{ ...query, split: 'test', kind: 'shape+colour' }],
      }),
    );
    expect(t.images[0]!.split).toBe('val');
    expect(t.queries[0]!.split).toBe('test');
    expect(t.queries[0]!.kind).toBe('shape+colour');
  });

  it.each([
    ['an unknown split', world({ queries: [{ ...query, split: 'holdout' }] }), /split/],
    ['an unknown label', world({ queries: [{ ...query, relevant: { mood: 'x' } }] }), /mood/],
    ['an empty condition', world({ queries: [{ ...query, relevant: {} }] }), /no label/],
    ['a quality above 1', world({ images: [{ ...image, quality: 1.5 }] }), /quality/],
    ['a missing shape', world({ images: [{ ...image, shape: undefined }] }), /images\[0\].*shape/],
    ['a duplicate path', world({ images: [image, image] }), /duplicate/],
    ['an empty kind', world({ queries: [{ ...query, kind: '' }] }), /kind/],
    ['no queries', { images: [image] }, /queries/],
  ])('refuses %s', (_name, input, message) => {
    expect(() => parseGroundTruth(input)).toThrow(message);
  });
});

describe('splits and relevance', () => {
  const crafted: GroundTruth = parseGroundTruth(
    world({
      images: SPLITS.map((split, i) => ({ ...image, path: `${i}.jpg`, split })),
      queries: [
        { ...query, split: 'train' },
        { ...query, text: 'b', split: 'test' },
        { ...query, text: 'c', split: 'test' },
      ],
    }),
  );

  it('selects queries and photos by split', () => {
    expect(queriesOfSplit(crafted, 'test').map((q) => q.text)).toEqual(['b', 'c']);
    expect(queriesOfSplit(crafted, 'val')).toEqual([]);
    expect(imagesOfSplit(crafted, 'val').map((i) => i.path)).toEqual(['1.jpg']);
  });

  it('needs every named label to match', () => {
    const q = { relevant: { shape: 'star', background: 'sky' } };
    expect(isRelevant(image, q)).toBe(true);
    expect(isRelevant({ ...image, background: 'snow' }, q)).toBe(false);
    expect(isRelevant({ ...image, shape: 'heart' }, q)).toBe(false);
    expect(isRelevant({ ...image, colour: 'blue' }, q)).toBe(true);
  });

  it('derives a kind from the labels when none is stated', () => {
    expect(kindOf({ relevant: { background: 'sky', colour: 'red' } })).toBe('colour+background');
    expect(kindOf({ relevant: { shape: 'star' }, kind: 'custom' })).toBe('custom');
  });
});
