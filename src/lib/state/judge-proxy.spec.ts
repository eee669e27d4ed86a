import { describe, expect, it, vi } from 'vitest';
import type { JudgedQueryRows } from '../../core/store/db';
import { promptTexts } from '../../../workers/aesthetics/protocol';
import type { SearchOptions, TextQuery } from '../../../workers/search/protocol';
import { proxyComparisons, type ProxySource } from './judge-proxy';

const unit = (...xs: number[]) => {
  const n = Math.hypot(...xs);
  return Float32Array.from(xs.map((x) => x / n));
};
const QUERY = unit(1, 0, 0, 0);
// The query points along x; photos 1..3 match it, 4 and 5 lie elsewhere and apart. Photo 6 is
// photo 1 spoiled along the axis the quality prompts point at (the fourth).
const VECTORS = new Map<number, Float32Array>([
  [1, unit(1, 0, 0, 0)],
  [2, unit(1, 0.01, 0, 0)],
  [3, unit(1, 0, 0.01, 0)],
  [4, unit(0, 1, 0, 0)],
  [5, unit(0, 0, 1, 0)],
  [6, unit(1, 0, 0, 1)],
]);
const PROMPTS = promptTexts();

function source() {
  // Positive prompts lean one way along the fourth axis, negative ones the other way.
  const embedTexts = vi.fn((texts: string[]) =>
    Promise.resolve(
      texts.map((t) => {
        const i = PROMPTS.indexOf(t);
        return i < 0 ? QUERY : unit(0, 0, 0.2, i % 2 === 0 ? 1 : -1);
      }),
    ),
  );
  const photoVectors = vi.fn((ids: number[]) =>
    Promise.resolve(ids.map((id) => VECTORS.get(id) ?? null)),
  );
  // The library's typical photo sits at cosine 0.2 to the query, its best match at 1.
  const searchText = vi.fn((_q: TextQuery, _o: SearchOptions) =>
    Promise.resolve({
      hits: [1, 0.6, 0.2].map((score) => ({ score, relevance: (score - 0.2) / 0.8 })),
    }),
  );
  const src: ProxySource = { embedTexts, photoVectors, searchText };
  return { src, embedTexts, photoVectors, searchText };
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
    const { src, embedTexts, photoVectors, searchText } = source();
    const [c] = await proxyComparisons(session([rows]), src);
    expect(c!.outcome).toEqual({ accuracy: 'a', aesthetics: 'a', diversity: 'b' });
    expect(c!.presentations![0].aOnLeft).toBe(!c!.presentations![1].aOnLeft);
    // Judged by the person's own words and by stored base vectors, each photo asked once; the
    // relevance scale comes from a base-model search in similarity order.
    expect(embedTexts).toHaveBeenCalledWith(['a red circle', ...PROMPTS]);
    expect(photoVectors).toHaveBeenCalledWith([1, 2, 3, 4, 5]);
    const [q, options] = searchText.mock.calls[0]!;
    expect(q).toEqual({ text: 'a red circle' });
    expect(options).toMatchObject({ adapter: 'none', rank: { beauty: 0, minBeauty: 0 } });
  });

  it('does not count a spoiled photo as variety', async () => {
    // The same subject twice, once spoiled: as varied as two copies of it, so "similar".
    const rows: JudgedQueryRows = {
      query: 'q',
      rowA: [1, 6].map((id) => ({ id, beauty: 0.5 })),
      rowB: [1, 1].map((id) => ({ id, beauty: 0.5 })),
    };
    const [c] = await proxyComparisons(session([rows]), source().src);
    expect(c!.outcome.diversity).toBe('similar');
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
