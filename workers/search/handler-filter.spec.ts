import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { getProfile, modelKey } from '../../src/core/manifest';
import { NO_OFFSET, openLibraryDb, type LumenDb, type MetaBlock } from '../../src/core/store/db';
import { SearchHandler } from './handler';
import { DEFAULT_RANK, placeKey, type SearchOptions } from './protocol';

const { clip } = getProfile('tiny-world');
const dim = clip.embeddingSize;
const n = 40;
const ids = Uint32Array.from({ length: n }, (_, i) => i + 1);
const LISBON = placeKey('Lisbon', 'Lisbon', 'PT');
const PARIS = placeKey('Paris', 'Île-de-France', 'FR');

/** Photo i: taken in year 2018 + i % 4, on day i of March; even ones in Lisbon, odd in Paris. */
const takenAt = (i: number) => Date.UTC(2018 + (i % 4), 2, 1 + (i % 28), 12);

/** One metadata block as the store packs it; photo 40 has no time and no place. */
function metaBlock(): MetaBlock {
  const strings = [
    '',
    'Lisbon',
    'PT',
    'Paris',
    'Île-de-France',
    'FR',
    'Canon EOS 5D',
    'Apple iPhone 13',
  ];
  const dated = (i: number) => i < n - 1;
  return {
    ids,
    takenAt: Float64Array.from(ids, (_, i) => (dated(i) ? takenAt(i) : Number.NaN)),
    offsetMin: new Int16Array(n).fill(NO_OFFSET),
    takenSource: new Uint8Array(n).fill(2),
    lat: new Float32Array(n).fill(Number.NaN),
    lon: new Float32Array(n).fill(Number.NaN),
    place: Uint16Array.from(ids, (_, i) => (dated(i) ? (i % 2 ? 3 : 1) : 0)),
    region: Uint16Array.from(ids, (_, i) => (dated(i) ? (i % 2 ? 4 : 1) : 0)),
    country: Uint16Array.from(ids, (_, i) => (dated(i) ? (i % 2 ? 5 : 2) : 0)),
    camera: Uint16Array.from(ids, (_, i) => (i < 10 ? 6 : 7)),
    lens: new Uint16Array(n),
    strings,
  };
}

/** Vectors on a circle: photo i at angle i·π/80, so similarity falls smoothly with distance. */
async function library(name: string): Promise<LumenDb> {
  const db = await openLibraryDb(name);
  const vectors = new Float32Array(n * dim);
  ids.forEach((_, i) => {
    vectors[i * dim] = Math.cos((i * Math.PI) / 80);
    vectors[i * dim + 1] = Math.sin((i * Math.PI) / 80);
  });
  await db.add('blocks', { model: modelKey(clip), dim, ids, vectors });
  await db.add('photoMeta', metaBlock());
  await db.put('meta', 1, 'metadataVersion');
  return db;
}

const options = (patch: Partial<SearchOptions> = {}, order = DEFAULT_RANK.order) => ({
  limit: 100,
  rank: { ...DEFAULT_RANK, order },
  ...patch,
});
const year = (y: number) => ({ from: Date.UTC(y, 0, 1), to: Date.UTC(y + 1, 0, 1) });

describe('search handler: filters, facets and time order', () => {
  it('offers the months, places and cameras in the library, with counts', async () => {
    const db = await library('handler-facets-spec');
    const handler = new SearchHandler(() => Promise.resolve(db));
    handler.useProfile('tiny-world');
    const facets = await handler.facets();
    expect(facets.months).toEqual([
      [2018, 3, 10],
      [2019, 3, 10],
      [2020, 3, 10],
      [2021, 3, 9],
    ]);
    expect(facets.undated).toBe(1);
    expect(facets.places).toEqual([
      { key: LISBON, place: 'Lisbon', region: 'Lisbon', country: 'PT', count: 20 },
      { key: PARIS, place: 'Paris', region: 'Île-de-France', country: 'FR', count: 19 },
    ]);
    expect(facets.cameras).toEqual([
      { camera: 'Apple iPhone 13', count: 30 },
      { camera: 'Canon EOS 5D', count: 10 },
    ]);

    // New metadata (the version bumped) is read again; the old columns are not kept.
    await db.add('photoMeta', {
      ...metaBlock(),
      ids: Uint32Array.of(1),
      takenAt: Float64Array.of(Date.UTC(2010, 5, 1)),
      camera: Uint16Array.of(0),
    });
    await db.put('meta', 2, 'metadataVersion');
    const after = await handler.facets();
    expect(after.months[0]).toEqual([2010, 6, 1]);
    db.close();
  });

  it('a filter with no words lists the kept photos by time taken, newest first, by month', async () => {
    const db = await library('handler-browse-taken-spec');
    const handler = new SearchHandler(() => Promise.resolve(db));
    handler.useProfile('tiny-world');
    const res = await handler.browse({
      order: 'taken',
      minBeauty: 0,
      filter: { places: [LISBON] },
    });
    expect(res.paged.total).toBe(20);
    const times = res.hits.map((h) => h.takenAt!);
    expect(res.hits.every((h) => (h.id - 1) % 2 === 0)).toBe(true);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(res.sections?.map((s) => [new Date(s.at).getUTCFullYear(), s.unit, s.count])).toEqual([
      [2020, 'month', 10],
      [2018, 'month', 10],
    ]);
    const france = await handler.browse({
      order: 'taken',
      minBeauty: 0,
      filter: { countries: ['FR'], cameras: ['Canon EOS 5D'] },
    });
    // Odd-numbered photos among the first ten: 2, 4, 6, 8 and 10 by id.
    expect(france.hits.map((h) => h.id).sort((a, b) => a - b)).toEqual([2, 4, 6, 8, 10]);
    // Unfiltered: the photo without a time comes last, under a section of its own.
    const all = await handler.browse({ order: 'taken', minBeauty: 0 });
    expect(all.hits.at(-1)!.id).toBe(n);
    expect(Number.isNaN(all.sections!.at(-1)!.at)).toBe(true);
    db.close();
  });

  it('with a filter, results come only from it and the relevance cutoff stays the library’s', async () => {
    const db = await library('handler-filter-cutoff-spec');
    const handler = new SearchHandler(() => Promise.resolve(db));
    handler.useProfile('tiny-world');
    const all = await handler.searchSimilar(1, options());
    const in2021 = await handler.searchSimilar(1, options({ filter: year(2021) }));
    expect(in2021.searched).toBe(9);
    expect(in2021.hits.map((h) => h.id)).toEqual(
      all.hits.filter((h) => new Date(h.takenAt ?? 0).getUTCFullYear() === 2021).map((h) => h.id),
    );
    // The same photo is as relevant, and as much in the head, with the filter as without it.
    for (const h of in2021.hits) {
      const same = all.hits.find((x) => x.id === h.id)!;
      expect(h.relevance).toBeCloseTo(same.relevance, 6);
      expect(h.inHead).toBe(same.inHead);
    }
    const cameras = await handler.searchSimilar(
      1,
      options({ filter: { cameras: ['Canon EOS 5D'] } }),
    );
    expect(cameras.hits.map((h) => h.id).sort((a, b) => a - b)).toEqual([
      2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    db.close();
  });

  it('ordered by time taken: the relevant photos only, newest or oldest first, headed by day', async () => {
    const db = await library('handler-time-order-spec');
    const handler = new SearchHandler(() => Promise.resolve(db));
    handler.useProfile('tiny-world');
    const filter = year(2019);
    const relevant = (await handler.searchSimilar(1, options({ filter }))).hits.filter(
      (h) => h.inHead,
    );
    const newest = await handler.searchSimilar(1, options({ filter }, 'taken-newest'));
    expect(newest.hits.map((h) => h.id).sort()).toEqual(relevant.map((h) => h.id).sort());
    const times = newest.hits.map((h) => h.takenAt!);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // One March: under 60 days, so a heading per day.
    expect(newest.sections!.every((s) => s.unit === 'day' && s.count === 1)).toBe(true);
    const oldest = await handler.searchSimilar(1, options({ filter }, 'taken-oldest'));
    expect(oldest.hits.map((h) => h.id)).toEqual(newest.hits.map((h) => h.id).reverse());
    db.close();
  });
});
