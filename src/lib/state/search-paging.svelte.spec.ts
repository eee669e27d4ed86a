import { describe, expect, it, vi } from 'vitest';
import { BROWSE_PAGE } from './browse-pages';
import { crashed, hit, response, setup } from './search-fakes';
import type { SearchWorker } from './search.svelte';

describe('search manager: paged browse', () => {
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

    // The worker no longer keeps that order (restarted): the library is browsed again, and
    // the grid stays where the person is, with the photos there fetched.
    ranking = 2;
    await search.showRange(9000, 9010);
    expect(browse).toHaveBeenCalledTimes(2);
    expect(search.listId).toBe(list);
    expect(search.hits[0]?.id).toBe(total);
    expect(search.hits[9005]?.id).toBe(ids[9005]);
  });

  it('a library shown anew after indexing or scoring keeps the place and photos on screen', async () => {
    let total = 5000;
    let ranking = 1;
    const ids = () => Array.from({ length: total }, (_, i) => total - i);
    const browse = vi.fn<SearchWorker['browse']>((o) =>
      Promise.resolve({
        ...response(...ids().slice(0, o.pageSize)),
        paged: { ranking: ++ranking, total },
      }),
    );
    // What the slot at the bottom of the screen holds whenever a page is asked for.
    const onScreen: (number | undefined)[] = [];
    const browsePage = vi.fn<SearchWorker['browsePage']>((r, from, count) => {
      onScreen.push(search.hits[4999]?.id);
      const page = ids().slice(from, from + count);
      return Promise.resolve(r === ranking ? page.map(hit) : null);
    });
    const { search } = setup({ browse, browsePage });
    await search.showLibrary();
    const list = search.listId;
    await search.showRange(4900, 5000);
    expect(search.hits[4999]?.id).toBe(1);

    // Twenty more photos were indexed: the grid is not sent back to the top, and the slots on
    // screen hold photos the moment the new list shows (no placeholders).
    total = 5020;
    onScreen.length = 0;
    await search.refresh();
    expect(search.listId).toBe(list);
    expect(search.hits).toHaveLength(5020);
    expect(search.hits[4999]?.id).toBe(21);
    expect(search.hits[5019]?.id).toBe(1);
    expect(onScreen.length).toBeGreaterThan(0);
    expect(onScreen).not.toContain(undefined);

    // A new ranking (the beauty floor moved) or the library asked for anew (an emptied search
    // box) does start from the top.
    await search.refresh(false);
    expect(search.listId).not.toBe(list);
    const ranked = search.listId;
    await search.showLibrary();
    expect(search.listId).not.toBe(ranked);
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
