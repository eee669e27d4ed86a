// Fakes shared by the search manager's specs.
import { vi } from 'vitest';
import {
  DEFAULT_RANK,
  type Facets,
  type RankedHit,
  type SearchResponse,
} from '../../../workers/search/protocol';
import { LastQuery } from './last-query';
import { SearchFilters } from './search-filters.svelte';
import { PersistedSetting, textCodec } from './persisted-setting.svelte';
import { SearchManager, type QueryRephraser, type SearchWorker } from './search.svelte';
import { memoryStorage } from './test-storage';

export const hit = (id: number): RankedHit => ({
  id,
  score: 1 - id / 10,
  relevance: 1,
  inHead: true,
  final: 1 - id / 10,
});
export const response = (...ids: number[]): SearchResponse => ({
  hits: ids.map(hit),
  searched: ids.length,
  scored: 1,
  tookMs: 4,
});
export const browsed = (...ids: number[]) => ({
  ...response(...ids),
  paged: { ranking: 1, total: ids.length },
});
/** A library with photos from two cities, two cameras and three years. */
export const facets: Facets = {
  months: [
    [2019, 7, 3],
    [2021, 1, 2],
    [2021, 5, 4],
    [2022, 12, 1],
  ],
  places: [
    { key: 'PT|Lisbon|Lisbon', place: 'Lisbon', region: 'Lisbon', country: 'PT', count: 6 },
    { key: 'JP|Tokyo|Tokyo', place: 'Tokyo', region: 'Tokyo', country: 'JP', count: 4 },
  ],
  countries: [
    { country: 'PT', count: 6 },
    { country: 'JP', count: 4 },
  ],
  cameras: [{ camera: 'Canon EOS 5D', count: 10 }],
  undated: 0,
};
export const crashed = new Error('The search worker stopped unexpectedly (crash).');

export function setup(
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
    facets: vi.fn(() => Promise.resolve(facets)),
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
    lastQuery: new LastQuery(lastQuery),
    filters: new SearchFilters(storage),
    profileId: 'p',
  });
  return { search, client, models, storage };
}
