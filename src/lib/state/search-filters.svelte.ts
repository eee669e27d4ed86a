import type { Facets, SearchFilter } from '../../../workers/search/protocol';
import { countryName } from '../../core/places';
import { parseQuery, type ParsedQuery, type PlaceChoice } from '../../core/query/query-words';
import { PersistedSetting, type SettingStorage } from './persisted-setting.svelte';

export const FILTER_KEY = 'lumen.filter';

/** Place choices name their filter: a place key or a country code, told apart by prefix. */
const PLACE = 'place:';
const COUNTRY = 'country:';

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') && v.length ? v : undefined;
const time = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

/** A stored filter, field by field: a malformed field is dropped, not the whole filter. */
export function validateFilter(stored: unknown): SearchFilter | undefined {
  if (!stored || typeof stored !== 'object') return undefined;
  const v = stored as Partial<Record<keyof SearchFilter, unknown>>;
  const out: SearchFilter = {};
  const from = time(v.from);
  const to = time(v.to);
  if (from !== undefined) out.from = from;
  if (to !== undefined) out.to = to;
  for (const key of ['places', 'countries', 'cameras'] as const) {
    const list = strings(v[key]);
    if (list) out[key] = list;
  }
  return out;
}

/** Both filters at once: the later start, the earlier end, and every named place or camera. */
function intersect(a: SearchFilter, b: SearchFilter): SearchFilter {
  const out: SearchFilter = { ...a };
  if (b.from !== undefined) out.from = Math.max(b.from, a.from ?? -Infinity);
  if (b.to !== undefined) out.to = Math.min(b.to, a.to ?? Infinity);
  for (const key of ['places', 'countries', 'cameras'] as const) {
    const list = [...(a[key] ?? []), ...(b[key] ?? [])];
    if (list.length) out[key] = [...new Set(list)];
  }
  return out;
}

/** One filter in force that the bar set, as the chip row shows it. */
export interface FilterChip {
  key: string;
  label: string;
  /** The filter without this one. */
  without: SearchFilter;
}

const monthFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

/**
 * The filters the bar sets (remembered across visits), the library's facets that the bar and
 * the query reader offer, and how the words of the box add to them.
 */
export class SearchFilters {
  readonly #setting: PersistedSetting<SearchFilter>;
  #facets = $state.raw<Facets | null>(null);

  constructor(storage?: SettingStorage | null) {
    this.#setting = new PersistedSetting({
      key: FILTER_KEY,
      fallback: {},
      validate: validateFilter,
      ...(storage === undefined ? {} : { storage }),
    });
  }

  get filter(): SearchFilter {
    return this.#setting.value;
  }
  set filter(filter: SearchFilter) {
    this.#setting.value = validateFilter(filter) ?? {};
  }

  get facets(): Facets | null {
    return this.#facets;
  }

  async loadFacets(client: { facets: () => Promise<Facets> }): Promise<Facets> {
    const facets = await client.facets();
    this.#facets = facets;
    return facets;
  }

  /** The library's own place names (cities and countries), which the query reader may match. */
  placeChoices(): PlaceChoice[] {
    const facets = this.#facets;
    if (!facets) return [];
    return [
      ...facets.places.map((p) => ({
        id: PLACE + p.key,
        name: p.place,
        kind: 'place' as const,
        count: p.count,
      })),
      ...facets.countries.map((c) => ({
        id: COUNTRY + c.country,
        name: countryName(c.country),
        kind: 'country' as const,
        count: c.count,
      })),
    ];
  }

  /** `now` dates "last summer"; a plain Date, read once, never watched. */
  parse(text: string, now = Date.now()): ParsedQuery {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    return parseQuery(text, { now: new Date(now), places: this.placeChoices() });
  }

  /** What is searched within: the bar's filter and what the words named. */
  combined(parsed?: ParsedQuery): SearchFilter {
    if (!parsed) return this.filter;
    const words: SearchFilter = {};
    if (parsed.time) {
      words.from = parsed.time.from;
      words.to = parsed.time.to;
    }
    const ids = parsed.places.map((p) => p.id);
    const places = ids.flatMap((id) => (id.startsWith(PLACE) ? [id.slice(PLACE.length)] : []));
    const countries = ids.flatMap((id) =>
      id.startsWith(COUNTRY) ? [id.slice(COUNTRY.length)] : [],
    );
    if (places.length) words.places = places;
    if (countries.length) words.countries = countries;
    return intersect(this.filter, words);
  }

  /** The bar's filters in force, each removable on its own. */
  chips(): FilterChip[] {
    const f = this.filter;
    const chips: FilterChip[] = [];
    const without = (patch: Partial<Record<keyof SearchFilter, undefined>>) =>
      validateFilter({ ...f, ...patch }) ?? {};
    if (f.from !== undefined || f.to !== undefined) {
      const from = f.from === undefined ? '…' : monthFormat.format(f.from);
      // `to` is exclusive: the chip names the last month in.
      const to = f.to === undefined ? '…' : monthFormat.format(f.to - 1);
      chips.push({
        key: 'time',
        label: from === to ? from : `${from} – ${to}`,
        without: without({ from: undefined, to: undefined }),
      });
    }
    const names = Object.fromEntries(this.#facets?.places.map((p) => [p.key, p.place]) ?? []);
    for (const key of f.places ?? []) {
      const rest = f.places!.filter((p) => p !== key);
      chips.push({
        key: `place:${key}`,
        label: names[key] ?? key.split('|').at(-1)!,
        without: validateFilter({ ...f, places: rest }) ?? {},
      });
    }
    for (const code of f.countries ?? []) {
      const rest = f.countries!.filter((c) => c !== code);
      chips.push({
        key: `country:${code}`,
        label: countryName(code),
        without: validateFilter({ ...f, countries: rest }) ?? {},
      });
    }
    for (const camera of f.cameras ?? []) {
      const rest = f.cameras!.filter((c) => c !== camera);
      chips.push({
        key: `camera:${camera}`,
        label: camera,
        without: validateFilter({ ...f, cameras: rest }) ?? {},
      });
    }
    return chips;
  }
}
