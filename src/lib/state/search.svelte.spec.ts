import { describe, expect, it, vi } from 'vitest';
import type { SearchResponse } from '../../../workers/search/protocol';
import { browsed, crashed, response, setup } from './search-fakes';
import type { SearchWorker } from './search.svelte';

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

  it('passes on the words the model did not know, for this query only', async () => {
    const searchText = vi
      .fn<SearchWorker['searchText']>()
      .mockResolvedValueOnce({ ...response(1), unknownWords: ['dog', 'beach'] })
      .mockResolvedValue(response(2));
    const { search } = setup({ searchText });
    expect(search.answer).toBeNull();
    search.query = 'a dog on the beach';
    await search.runSearch();
    expect(search.answer?.unknownWords).toEqual(['dog', 'beach']);
    search.query = 'a red circle';
    await search.runSearch();
    expect(search.answer?.tookMs).toBe(4);
    expect(search.answer?.unknownWords).toBeUndefined();
  });

  it('remembers the query and restores it on the next start', async () => {
    const first = setup();
    first.search.query = '  a dog ';
    await first.search.runSearch();
    expect(first.storage.data.get('q')).toBe('a dog');
    expect(first.search.mode).toBe('text');
    expect(first.search.answer?.tookMs).toBe(4);

    const next = setup({}, {}, Object.fromEntries(first.storage.data));
    await next.search.start();
    expect(next.search.query).toBe('a dog');
    expect(next.client.searchText).toHaveBeenCalledWith({ text: 'a dog' }, expect.anything());
  });

  it('leaves the box to a person who got there before the last query was restored', async () => {
    const first = setup();
    first.search.query = 'a dog';
    await first.search.runSearch();
    const next = setup({}, {}, Object.fromEntries(first.storage.data));
    next.search.holdQuery();
    next.search.query = 'a cat';
    await next.search.start();
    expect(next.search.query).toBe('a cat');
    expect(next.client.searchText).not.toHaveBeenCalled();
  });

  it('focusing the search box starts loading the text model before anything is typed', async () => {
    const { search, models, client } = setup();
    await search.start();
    expect(models.textModel).not.toHaveBeenCalled();
    search.holdQuery();
    expect(models.textModel).toHaveBeenCalledTimes(1);
    expect(client.searchText).not.toHaveBeenCalled();
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
});
