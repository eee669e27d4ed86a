import { describe, expect, it, vi } from 'vitest';
import { browsed, facets, setup } from './search-fakes';
import { validateFilter } from './search-filters.svelte';

const in2021 = { from: Date.UTC(2021, 0, 1), to: Date.UTC(2022, 0, 1) };
const lastOptions = (fn: (...args: never[]) => unknown) => vi.mocked(fn).mock.calls.at(-1);

describe('searches with when, where and what', () => {
  it('a year in the words narrows the search to it; removing its chip brings the rest back', async () => {
    const { search, client } = setup();
    search.query = 'a red circle in 2021';
    await search.runSearch();
    const [query, options] = lastOptions(client.searchText)!;
    expect(query).toEqual({ text: 'a red circle' });
    expect(options).toMatchObject({ filter: in2021 });
    expect(search.wordChips.map((c) => [c.kind, c.label])).toEqual([['time', '2021']]);

    await search.removeWordChip(search.wordChips[0]!);
    expect(search.query).toBe('a red circle');
    const [again, after] = lastOptions(client.searchText)!;
    expect(again).toEqual({ text: 'a red circle' });
    expect(after).not.toHaveProperty('filter');
    expect(search.wordChips).toEqual([]);
  });

  it('a place of the library in the words is a place filter; -words are taken away', async () => {
    const { search, client } = setup();
    search.query = 'sunset in Lisbon -red';
    await search.runSearch();
    const [query, options] = lastOptions(client.searchText)!;
    expect(query).toEqual({ text: 'sunset', negatives: ['red'] });
    expect(options).toMatchObject({ filter: { places: [facets.places[0]!.key] } });
  });

  it('words that only say when list the library taken then, newest first', async () => {
    const { search, client } = setup();
    search.query = 'in 2021';
    await search.runSearch();
    expect(client.searchText).not.toHaveBeenCalled();
    expect(lastOptions(client.browse)![0]).toMatchObject({ order: 'taken', filter: in2021 });
    expect(search.mode).toBe('library');
  });

  it('the bar’s filter is remembered, and a start with no words lists what it keeps by time', async () => {
    const first = setup();
    await first.search.setFilter({ cameras: ['Canon EOS 5D'] });
    const next = setup({}, {}, Object.fromEntries(first.storage.data));
    await next.search.start();
    expect(lastOptions(next.client.browse)![0]).toMatchObject({
      order: 'taken',
      filter: { cameras: ['Canon EOS 5D'] },
    });
    await next.search.setFilter({});
    expect(lastOptions(next.client.browse)![0]).toMatchObject({ order: 'recent' });
  });

  it('the bar’s filter and the words’ meet: both must hold', async () => {
    const { search, client } = setup();
    await search.setFilter({ from: Date.UTC(2021, 4, 1), cameras: ['Canon EOS 5D'] });
    search.query = 'red in 2021';
    await search.runSearch();
    expect(lastOptions(client.searchText)![1]).toMatchObject({
      filter: { from: Date.UTC(2021, 4, 1), to: in2021.to, cameras: ['Canon EOS 5D'] },
    });
  });

  it('more like this takes the words typed after it, and the photo chip leads back', async () => {
    const { search, client } = setup();
    await search.moreLikeThis(4);
    expect(lastOptions(client.searchSimilar)).toEqual([4, expect.anything(), undefined]);
    search.query = 'red -blue';
    await search.runSearch();
    expect(lastOptions(client.searchSimilar)).toEqual([
      4,
      expect.anything(),
      { text: 'red', negatives: ['blue'] },
    ]);
    await search.leaveSimilar();
    expect(search.mode).toBe('text');
    expect(lastOptions(client.searchText)![0]).toEqual({ text: 'red', negatives: ['blue'] });
  });

  it('keeps the headings of a list in time order', async () => {
    const sections = [{ start: 0, count: 2, at: Date.UTC(2021, 0, 1), unit: 'month' as const }];
    const { search } = setup({
      searchText: () => Promise.resolve({ ...browsed(1, 2), sections }),
    });
    search.query = 'a red circle';
    await search.runSearch();
    expect(search.sections).toEqual(sections);
  });

  it('a stored filter keeps its good fields only', () => {
    expect(validateFilter({ from: 5, to: 'x', places: ['a', 3], cameras: ['c'] })).toEqual({
      from: 5,
      cameras: ['c'],
    });
    expect(validateFilter('nonsense')).toBeUndefined();
  });
});
