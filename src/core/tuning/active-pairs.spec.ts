import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openLibraryDb } from '../store/db';
import { askedDuos, markAsked } from '../store/taste-store';
import { choosePair, duoKeyOf, type QueryCandidates } from './active-pairs';

const red: QueryCandidates = { query: 'red', ids: [1, 2, 3, 4], scores: [0.9, 0.5, 0.49, 0.1] };
const blue: QueryCandidates = { query: 'blue', ids: [5, 6, 7], scores: [0.8, 0.6, 0.3] };
const unordered = (p: { a: number; b: number } | null) => (p ? [p.a, p.b].sort() : null);

describe('the active chooser', () => {
  it('asks first about the two photos the model is least sure of', () => {
    for (const seed of [1, 2, 3, 4]) {
      const p = choosePair([red], { strategy: 'active', seed, asked: new Set() });
      expect(unordered(p)).toEqual([2, 3]);
      expect(p!.margin).toBeCloseTo(0.01);
    }
  });

  it('random pairs are spread over every open pair, not only the unsure one', () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 60; seed++) {
      const p = choosePair([red], { strategy: 'random', seed, asked: new Set() })!;
      seen.add(duoKeyOf(p.query, p.a, p.b));
    }
    expect(seen.size).toBeGreaterThan(3);
  });

  it('spreads over queries: a query already asked about waits for the others', () => {
    const asked = new Set([duoKeyOf('red', 2, 3)]);
    const p = choosePair([red, blue], { strategy: 'active', seed: 1, asked });
    expect(p!.query).toBe('blue');
    expect(unordered(p)).toEqual([5, 6]);
    const blueTwice = new Set([...asked, duoKeyOf('blue', 5, 6), duoKeyOf('blue', 6, 7)]);
    for (const seed of [1, 2, 3]) {
      const next = choosePair([red, blue], { strategy: 'active', seed, asked: blueTwice })!;
      expect(next.query).toBe('red');
    }
  });

  it('with a doubt measure (a taste head), asks the pair it doubts most, not the closest scores', () => {
    // The head is unsure only about photos 1 and 4, far apart in score.
    const doubt = (_q: string, a: number, b: number) => ([a, b].sort().join() === '1,4' ? 0.1 : 2);
    for (const seed of [1, 2, 3]) {
      const p = choosePair([red], { strategy: 'active', seed, asked: new Set(), doubt });
      expect(unordered(p)).toEqual([1, 4]);
    }
  });

  it('never asks a pair twice, and says when none are left', () => {
    const asked = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const p = choosePair([red], { strategy: 'active', seed: i, asked })!;
      const key = duoKeyOf(p.query, p.a, p.b);
      expect(asked.has(key)).toBe(false);
      asked.add(key);
    }
    expect(choosePair([red], { strategy: 'active', seed: 9, asked })).toBeNull();
  });

  it('remembers asked pairs across a reload, per taste and model', async () => {
    const name = 'active-pairs-reload';
    let db = await openLibraryDb(name);
    const first = choosePair([red], {
      strategy: 'active',
      seed: 1,
      asked: await askedDuos(db, 'night', 'm@1'),
    })!;
    await markAsked(db, 'night', 'm@1', first.query, first.a, first.b);
    db.close();
    db = await openLibraryDb(name);
    const asked = await askedDuos(db, 'night', 'm@1');
    expect(asked).toEqual(new Set([duoKeyOf('red', 2, 3)]));
    const next = choosePair([red], { strategy: 'active', seed: 1, asked })!;
    expect(unordered(next)).not.toEqual([2, 3]);
    // Another taste has asked nothing yet.
    expect((await askedDuos(db, 'snow', 'm@1')).size).toBe(0);
  });
});
