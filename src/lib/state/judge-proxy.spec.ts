import { describe, expect, it, vi } from 'vitest';
import type { JudgedQueryRows } from '../../core/store/db';
import { proxyComparisons, type ProxySource } from './judge-proxy';

const unit = (...xs: number[]) => {
  const n = Math.hypot(...xs);
  return Float32Array.from(xs.map((x) => x / n));
};
// The query points along x; photos 1..3 match it, 4 and 5 lie elsewhere and apart.
const VECTORS = new Map<number, Float32Array>([
  [1, unit(1, 0, 0)],
  [2, unit(1, 0.01, 0)],
  [3, unit(1, 0, 0.01)],
  [4, unit(0, 1, 0)],
  [5, unit(0, 0, 1)],
]);

function source() {
  const embedTexts = vi.fn((texts: string[]) => Promise.resolve(texts.map(() => unit(1, 0, 0))));
  const photoVectors = vi.fn((ids: number[]) =>
    Promise.resolve(ids.map((id) => VECTORS.get(id) ?? null)),
  );
  const src: ProxySource = { embedTexts, photoVectors };
  return { src, embedTexts, photoVectors };
}

const session = (queries: JudgedQueryRows[]) => ({
  systemA: 'base',
  systemB: 'rerank',
  seed: 3,
  queries,
});

describe('the automatic judge on stored rows', () => {
  it('prefers the on-topic, prettier row and the spread-out one, in both orders', async () => {
    const rows: JudgedQueryRows = {
      query: 'a red circle',
      rowA: [1, 2, 3].map((id) => ({ id, beauty: 0.9 })),
      rowB: [1, 4, 5].map((id) => ({ id, beauty: 0.2 })),
    };
    const { src, embedTexts, photoVectors } = source();
    const [c] = await proxyComparisons(session([rows]), src);
    expect(c!.outcome).toEqual({ accuracy: 'a', aesthetics: 'a', diversity: 'b' });
    expect(c!.presentations![0].aOnLeft).toBe(!c!.presentations![1].aOnLeft);
    // Judged by the person's own words and by stored base vectors, each photo asked once.
    expect(embedTexts).toHaveBeenCalledWith(['a red circle']);
    expect(photoVectors).toHaveBeenCalledWith([1, 2, 3, 4, 5]);
  });

  it('counts an unscored photo as middling and skips photos without vectors', async () => {
    const rows: JudgedQueryRows = {
      query: 'q',
      rowA: [
        { id: 1, beauty: null },
        { id: 99, beauty: 1 },
      ],
      rowB: [{ id: 2, beauty: 0.5 }],
    };
    const [c] = await proxyComparisons(session([rows]), source().src);
    expect(c!.outcome.aesthetics).toBe('similar');
  });

  it('skips a comparison that has an empty row', async () => {
    const rows: JudgedQueryRows = { query: 'q', rowA: [{ id: 1, beauty: 1 }], rowB: [] };
    expect(await proxyComparisons(session([rows]), source().src)).toEqual([]);
  });
});
