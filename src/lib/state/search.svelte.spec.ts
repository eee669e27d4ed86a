import { describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_RANK,
  type RankedHit,
  type SearchResponse,
} from '../../../workers/search/protocol';
import { PersistedSetting, textCodec } from './persisted-setting.svelte';
import { BROWSE_PAGE } from './browse-pages';
import { SearchManager, type QueryRephraser, type SearchWorker } from './search.svelte';
import { memoryStorage } from './test-storage';

const hit = (id: number): RankedHit => ({
  id,
  score: 1 - id / 10,
  relevance: 1,
  inHead: true,
  final: 1 - id / 10,
});
const response = (...ids: number[]): SearchResponse => ({
  hits: ids.map(hit),
  searched: ids.length,
  scored: 1,
  tookMs: 4,
});
const browsed = (...ids: number[]) => ({
  ...response(...ids),
  paged: { ranking: 1, total: ids.length },
});
const crashed = new Error('The search worker stopped unexpectedly (crash).');

function setup(
  overrides: Partial<SearchWorker> = {},
  rephraser: Partial<QueryRephraser> = {},
  stored: Record<string, string> = {},
) {
  const client: SearchWorker = {
    useProfile: vi.fn(() => Promise.resolve()),
    browse: vi.fn(() => Promise.resolve(browsed(7, 8))),
    browsePage: vi.fn(() => Promise.resolve(null)),
    searchText: vi.fn(() => Promise.resolve(response(1, 2, 3))),
    searchSimilar: vi.fn(() => Promise.resolve(response(4))),
    ...overrides,
  };
  const models = {
    textModel: vi.fn(() =>
      Promise.resolve({ device: 'wasm' as const, model: 't', dim: 2, threads: 1 }),
    ),
    forget: vi.fn(),
  };
  const storage = memoryStorage(stored);
  const lastQuery = new PersistedSetting({
    key: 'q',
    fallback: '',
    codec: textCodec,
    validate: (v) => (typeof v === 'string' ? v : undefined),
    storage,
  });
  const search = new SearchManager({
    client,
    models,
    ranking: { options: DEFAULT_RANK },
    rephraser: {
      enabled: false,
      blend: 0.5,
      appliedFor: () => null,
      decidedFor: () => false,
      run: () => Promise.resolve(null),
      ...rephraser,
    },
    embedded: () => 2,
    lastQuery,
    profileId: 'p',
  });
  return { search, client, models, storage };
}

describe('search manager', () => {
  it('a failed search is shown, stops "searching", forgets the text tower, and the next one works', async () => {
    const searchText = vi
      .fn<SearchWorker['searchText']>()
      .mockRejectedValueOnce(crashed)
      .mockResolvedValue(response(5));
    const { search, models } = setup({ searchText });
    search.query = 'red circle';
    await search.runSearch();
    expect(search.error).toBe(crashed.message);
    expect(search.searching).toBe(false);
    expect(search.hits).toEqual([]);
    expect(models.forget).toHaveBeenCalledWith('text');

    await search.runSearch();
    expect(search.error).toBeNull();
    expect(search.hits.map((h) => h?.id)).toEqual([5]);
    expect(models.textModel).toHaveBeenCalledTimes(2);
  });

  it('remembers the query and restores it on the next start', async () => {
    const first = setup();
    first.search.query = '  a dog ';
    await first.search.runSearch();
    expect(first.storage.data.get('q')).toBe('a dog');
    expect(first.search.mode).toBe('text');
    expect(first.search.tookMs).toBe(4);

    const next = setup({}, {}, Object.fromEntries(first.storage.data));
    await next.search.start();
    expect(next.search.query).toBe('a dog');
    expect(next.client.searchText).toHaveBeenCalledWith({ text: 'a dog' }, expect.anything());
  });

  it('starts on the library when nothing was searched before', async () => {
    const { search, client } = setup();
    await search.start();
    expect(search.mode).toBe('library');
    expect(client.useProfile).toHaveBeenCalledWith('p');
    expect(client.searchText).not.toHaveBeenCalled();
  });

  it('browses the library when the query is cleared, and shows a failed browse', async () => {
    const browse = vi
      .fn<SearchWorker['browse']>()
      .mockResolvedValueOnce(browsed(7, 8))
      .mockRejectedValueOnce(crashed);
    const { search } = setup({ browse });
    await search.clearSearch();
    expect(search.mode).toBe('library');
    expect(search.hits.map((h) => h?.id)).toEqual([7, 8]);
    await search.showLibrary(true);
    expect(search.mode).toBe('best');
    expect(search.error).toBe(crashed.message);
  });

  it("searches with the person's words at once, then with the rephrasing when it arrives", async () => {
    let applied: string | null = null;
    const { search, client } = setup(
      {},
      {
        enabled: true,
        appliedFor: () => applied,
        run: () => Promise.resolve((applied = 'a red circle, centred, soft light')),
      },
    );
    search.query = 'red circle';
    await search.runSearch();
    expect(vi.mocked(client.searchText).mock.calls.map((c) => c[0])).toEqual([
      { text: 'red circle' },
      { text: 'red circle', rephrased: 'a red circle, centred, soft light', blend: 0.5 },
    ]);
  });

  it('refresh repeats the current view', async () => {
    const { search, client } = setup();
    await search.moreLikeThis(4);
    expect(search.similarTo).toBe(4);
    await search.refresh();
    expect(client.searchSimilar).toHaveBeenCalledTimes(2);
  });

  it('an older answer arriving late (a slow browse) never replaces a newer search', async () => {
    let answerBrowse!: (r: ReturnType<typeof browsed>) => void;
    const browse = vi.fn<SearchWorker['browse']>(
      () => new Promise((resolve) => (answerBrowse = resolve)),
    );
    const { search } = setup({ browse });
    const browsing = search.showLibrary();
    search.query = 'red circle';
    await search.runSearch();
    expect(search.hits.map((h) => h?.id)).toEqual([1, 2, 3]);
    answerBrowse(browsed(7, 8));
    await browsing;
    expect(search.mode).toBe('text');
    expect(search.hits.map((h) => h?.id)).toEqual([1, 2, 3]);
    expect(search.searching).toBe(false);

    // And a search overtaken by browsing leaves the library shown, not "searching".
    let answerSearch!: (r: SearchResponse) => void;
    const slow = setup({
      searchText: () => new Promise<SearchResponse>((resolve) => (answerSearch = resolve)),
    }).search;
    slow.query = 'blue square';
    const searching = slow.runSearch();
    await vi.waitFor(() => expect(answerSearch).toBeTypeOf('function'));
    await slow.showLibrary();
    answerSearch(response(1));
    await searching;
    expect(slow.mode).toBe('library');
    expect(slow.hits.map((h) => h?.id)).toEqual([7, 8]);
    expect(slow.searching).toBe(false);
  });

  it('browses a big library a page at a time, fetching only what the grid shows', async () => {
    const total = 10_000;
    const ids = Array.from({ length: total }, (_, i) => total - i);
    let ranking = 1;
    const browse = vi.fn<SearchWorker['browse']>((o) =>
      Promise.resolve({
        ...response(...ids.slice(0, o.pageSize)),
        paged: { ranking, total },
      }),
    );
    const browsePage = vi.fn<SearchWorker['browsePage']>((r, from, count) =>
      Promise.resolve(r === ranking ? ids.slice(from, from + count).map(hit) : null),
    );
    const { search } = setup({ browse, browsePage });
    await search.showLibrary();
    // Every photo has a slot; only the first page crossed over.
    expect(search.hits).toHaveLength(total);
    expect(search.hits.filter(Boolean)).toHaveLength(BROWSE_PAGE);
    expect(search.hits[0]?.id).toBe(total);
    expect(search.hits[BROWSE_PAGE]).toBeUndefined();

    // Scrolled to the middle: the pages under the screen arrive, in the right slots, and the
    // list stays the same list (the grid keeps its scroll position).
    const list = search.listId;
    await search.showRange(5000, 5100);
    expect(search.listId).toBe(list);
    expect(search.hits[5000]?.id).toBe(ids[5000]);
    expect(search.hits[5099]?.id).toBe(ids[5099]);
    expect(search.hits.filter(Boolean).length).toBeLessThanOrEqual(3 * BROWSE_PAGE);
    const calls = browsePage.mock.calls.length;
    await search.showRange(5000, 5100);
    expect(browsePage.mock.calls.length).toBe(calls);

    // The worker no longer keeps that order (restarted): the library is browsed again.
    ranking = 2;
    await search.showRange(9000, 9010);
    expect(browse).toHaveBeenCalledTimes(2);
    expect(search.listId).not.toBe(list);
    expect(search.hits[0]?.id).toBe(total);
    await search.showRange(9000, 9010);
    expect(search.hits[9005]?.id).toBe(ids[9005]);
  });

  it('a failed page is shown and asked for again when scrolled to', async () => {
    const browse = vi.fn<SearchWorker['browse']>(() =>
      Promise.resolve({ ...response(1), paged: { ranking: 1, total: 1000 } }),
    );
    const browsePage = vi
      .fn<SearchWorker['browsePage']>()
      .mockRejectedValueOnce(crashed)
      .mockImplementation((_r, from, count) =>
        Promise.resolve(Array.from({ length: count }, (_, i) => hit(from + i))),
      );
    const { search } = setup({ browse, browsePage });
    await search.showLibrary();
    await search.showRange(600, 610);
    expect(search.error).toBe(crashed.message);
    await search.showRange(600, 610);
    expect(search.hits[605]?.id).toBe(605);
  });
});
