import { describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_RANK,
  type RankOptions,
  type SearchOptions,
  type SearchResponse,
  type TextQuery,
} from '../../../workers/search/protocol';
import { FALLBACK_BEAUTY, JudgeSystems, type LlmReadiness } from './judge-systems.svelte';

const response: SearchResponse = {
  hits: [1, 2, 3, 4].map((id) => ({
    id,
    score: 1,
    relevance: 1,
    inHead: true,
    final: 1,
    ...(id === 2
      ? {}
      : {
          aesthetic: {
            laion: 0,
            clipIqa: 0,
            clipIqaPairs: {},
            pixel: null,
            pixelParts: null,
            percentiles: { laion: 0, clipIqa: 0, pixel: null },
            combined: id / 10,
          },
        }),
  })),
  searched: 4,
  scored: 3,
  tookMs: 1,
};

function setup(ranking: RankOptions, status: LlmReadiness = 'ready', adapter = true) {
  const searchText = vi.fn((_q: TextQuery, _o: SearchOptions) => Promise.resolve(response));
  const rephrase = vi.fn((q: string): Promise<string | null> =>
    Promise.resolve(`${q}, golden light`),
  );
  const systems = new JudgeSystems({
    client: { searchText },
    textModel: () => Promise.resolve(),
    ranking: { options: ranking },
    rephraser: { status, blend: 0.4, load: () => Promise.resolve(), rephrase },
    hasAdapter: () => Promise.resolve(adapter),
  });
  return { systems, searchText, rephrase };
}

describe('the judged systems', () => {
  it('ranks base by relevance alone and without the adapter, even when re-ranking is set', async () => {
    const { systems, searchText } = setup({ ...DEFAULT_RANK, beauty: 0.8, minBeauty: 0.3 });
    const row = await systems.row('base', 'a red circle', 3);
    expect(row).toEqual([
      { id: 1, beauty: 0.1 },
      { id: 2, beauty: null },
      { id: 3, beauty: 0.3 },
    ]);
    const [query, options] = searchText.mock.calls[0]!;
    expect(query).toEqual({ text: 'a red circle' });
    expect(options.rank).toMatchObject({ beauty: 0, order: 'fusion', minBeauty: 0 });
    expect(options.adapter).toBe('none');
    // Re-ranking reorders a head, so rows come from more candidates than they show.
    expect(options.limit).toBeGreaterThan(3);
  });

  it('re-ranks as set, and with some beauty when the slider sits at zero', async () => {
    const cascade = setup({ ...DEFAULT_RANK, order: 'cascade', beauty: 0.7 });
    await cascade.systems.row('tuned-rerank', 'q', 5);
    const [, options] = cascade.searchText.mock.calls[0]!;
    expect(options.rank).toMatchObject({ order: 'cascade', beauty: 0.7 });
    expect(options.adapter).toBe('active');

    const idle = setup({ ...DEFAULT_RANK, beauty: 0 });
    await idle.systems.row('rerank', 'q', 5);
    expect(idle.searchText.mock.calls[0]![1].rank.beauty).toBe(FALLBACK_BEAUTY);
  });

  it('blends the rephrasing into +rephrase and fails rather than pass base off as it', async () => {
    const { systems, searchText, rephrase } = setup(DEFAULT_RANK);
    await systems.row('rephrase', 'a red circle', 5);
    expect(searchText.mock.calls[0]![0]).toEqual({
      text: 'a red circle',
      rephrased: 'a red circle, golden light',
      blend: 0.4,
    });
    rephrase.mockResolvedValueOnce(null);
    await expect(systems.row('rephrase', 'q', 5)).rejects.toThrow(/no rephrasing/);
  });

  it('says why a system cannot run here', async () => {
    const { systems } = setup(DEFAULT_RANK, 'unavailable', false);
    expect(systems.unavailable('tuned')).toMatch(/checking/);
    await systems.refresh();
    expect(systems.unavailable('tuned')).toMatch(/no tuned model/);
    expect(systems.unavailable('tuned-rerank')).toMatch(/no tuned model/);
    expect(systems.unavailable('rephrase')).toMatch(/no language model/);
    expect(systems.unavailable('base')).toBeNull();
    expect(systems.unavailable('rerank')).toBeNull();
    const ready = setup(DEFAULT_RANK, 'ready', true);
    await ready.systems.refresh();
    expect(ready.systems.unavailable('tuned')).toBeNull();
    expect(ready.systems.unavailable('rephrase')).toBeNull();
  });
});
