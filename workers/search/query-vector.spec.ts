import { describe, expect, it } from 'vitest';
import { photoWithWords, withoutNegatives } from './query-vector';

const v = (...xs: number[]) => Float32Array.from(xs);
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('query vectors', () => {
  it('more like this with words: the photo and the words meet half-way at unit length', () => {
    // Lengths differ (a decoded photo is not exactly unit): each counts at unit length.
    const q = photoWithWords(v(2, 0, 0), v(0, 0.5, 0));
    expect(Math.hypot(...q)).toBeCloseTo(1, 6);
    expect(dot(q, v(1, 0, 0))).toBeCloseTo(dot(q, v(0, 1, 0)), 6);
    // A heavier weight leans to the words.
    const words = photoWithWords(v(1, 0, 0), v(0, 1, 0), 3);
    expect(words[1]!).toBeGreaterThan(words[0]!);
  });

  it('-words are embedded and taken away by λ; with none the query is left as it is', async () => {
    const embedded: string[][] = [];
    const embed = (texts: string[]) => {
      embedded.push(texts);
      return Promise.resolve(texts.map(() => v(0, 1)));
    };
    const q = v(Math.SQRT1_2, Math.SQRT1_2);
    expect(await withoutNegatives(q, [' ', ''], embed, 1)).toBe(q);
    expect(embedded).toEqual([]);
    const less = await withoutNegatives(q, ['red'], embed, 0.5);
    expect(embedded).toEqual([['red']]);
    expect(dot(less, v(0, 1))).toBeLessThan(dot(q, v(0, 1)));
    expect(Math.hypot(...less)).toBeCloseTo(1, 6);
  });
});
