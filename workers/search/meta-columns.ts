import type { LumenDb, MetaBlock } from '../../src/core/store/db';
import { readMetaColumns } from '../../src/core/store/metadata-store';
import { placeKey, type Facets, type SearchFilter } from './protocol';

/** Distinct strings, each given a small number (0: none). */
class Interned {
  readonly values: string[] = [''];
  readonly #index = new Map<string, number>([['', 0]]);

  of(value: string): number {
    let i = this.#index.get(value);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(value);
      this.#index.set(value, i);
    }
    return i;
  }

  /** Numbers of these strings that occur (absent strings narrow to nothing). */
  lookup(values: readonly string[]): Set<number> {
    return new Set(values.flatMap((v) => this.#index.get(v) ?? []));
  }
}

/**
 * When, where and with what each photo was taken, as columns aligned to the scan's rows, so a
 * filter becomes a list of rows before the scan chooses any candidate. Built from the packed
 * metadata blocks (a photo's row in the highest block wins); photo records are never read.
 */
export class MetaColumns {
  readonly takenAt: Float64Array;
  /** Per row, the number of its place (places.values: placeKey), country and camera; 0 none. */
  readonly place: Uint32Array;
  readonly country: Uint32Array;
  readonly camera: Uint32Array;
  readonly places = new Interned();
  readonly countries = new Interned();
  readonly cameras = new Interned();
  /** Each place key's own parts, for the facets. */
  readonly #placeParts = new Map<string, { place: string; region: string; country: string }>();
  #lastFilter: { key: string; rows: Uint32Array } | undefined;
  #facets: Facets | undefined;

  constructor(readonly ids: Uint32Array) {
    const n = ids.length;
    this.takenAt = new Float64Array(n).fill(Number.NaN);
    this.place = new Uint32Array(n);
    this.country = new Uint32Array(n);
    this.camera = new Uint32Array(n);
  }

  /** Columns for these rows (the scan's ids, in row order) from the stored metadata. */
  static async load(db: LumenDb, ids: Uint32Array, rowOf: (id: number) => number) {
    const columns = new MetaColumns(ids);
    columns.apply(await readMetaColumns(db), rowOf);
    return columns;
  }

  /** Takes in the rows of packed metadata (a block, or the store's columns) for our photos. */
  apply(block: Omit<MetaBlock, 'id'>, rowOf: (id: number) => number): void {
    const { strings } = block;
    const text = (i: number | undefined) => strings[i ?? 0] ?? '';
    for (let i = 0; i < block.ids.length; i++) {
      const row = rowOf(block.ids[i]!);
      if (row < 0) continue;
      this.takenAt[row] = block.takenAt[i] ?? Number.NaN;
      const place = text(block.place[i]);
      const region = text(block.region[i]);
      const country = text(block.country[i]);
      if (place) {
        const key = placeKey(place, region, country);
        this.#placeParts.set(key, { place, region, country });
        this.place[row] = this.places.of(key);
      } else this.place[row] = 0;
      this.country[row] = this.countries.of(country);
      this.camera[row] = this.cameras.of(text(block.camera[i]));
    }
    this.#lastFilter = undefined;
    this.#facets = undefined;
  }

  /** The rows a filter keeps, ascending (the last filter's answer is kept). */
  rows(filter: SearchFilter): Uint32Array {
    const key = JSON.stringify(filter);
    if (this.#lastFilter?.key === key) return this.#lastFilter.rows;
    const from = filter.from ?? -Infinity;
    const to = filter.to ?? Infinity;
    const timed = filter.from !== undefined || filter.to !== undefined;
    const sets = (
      values: string[] | undefined,
      interned: Interned,
      column: Uint32Array,
    ): [Set<number>, Uint32Array] | undefined =>
      values?.length ? [interned.lookup(values), column] : undefined;
    const tests = [
      sets(filter.places, this.places, this.place),
      sets(filter.countries, this.countries, this.country),
      sets(filter.cameras, this.cameras, this.camera),
    ].filter((t) => t !== undefined);
    const out = new Uint32Array(this.ids.length);
    let k = 0;
    for (let row = 0; row < this.ids.length; row++) {
      if (timed) {
        const t = this.takenAt[row]!;
        // NaN (no time) fails both comparisons: an undated photo is in no date range.
        if (!(t >= from && t < to)) continue;
      }
      if (tests.every(([allowed, column]) => allowed.has(column[row]!))) out[k++] = row;
    }
    const rows = out.slice(0, k);
    this.#lastFilter = { key, rows };
    return rows;
  }

  facets(): Facets {
    if (this.#facets) return this.#facets;
    const months = new Map<number, number>();
    let undated = 0;
    const counts = (column: Uint32Array, size: number) => {
      const c = new Uint32Array(size);
      for (const v of column) c[v]!++;
      return c;
    };
    for (const t of this.takenAt) {
      if (Number.isNaN(t)) {
        undated++;
        continue;
      }
      const d = new Date(t);
      const month = d.getUTCFullYear() * 12 + d.getUTCMonth();
      months.set(month, (months.get(month) ?? 0) + 1);
    }
    const byCount = <T extends { count: number }>(xs: T[]) =>
      xs.filter((x) => x.count > 0).sort((a, b) => b.count - a.count);
    const placeCounts = counts(this.place, this.places.values.length);
    const countryCounts = counts(this.country, this.countries.values.length);
    const cameraCounts = counts(this.camera, this.cameras.values.length);
    this.#facets = {
      months: [...months]
        .sort((a, b) => a[0] - b[0])
        .map(([m, count]) => [Math.floor(m / 12), (m % 12) + 1, count]),
      places: byCount(
        this.places.values.slice(1).map((key, i) => ({
          key,
          ...this.#placeParts.get(key)!,
          count: placeCounts[i + 1]!,
        })),
      ),
      countries: byCount(
        this.countries.values
          .slice(1)
          .map((country, i) => ({ country, count: countryCounts[i + 1]! })),
      ),
      cameras: byCount(
        this.cameras.values.slice(1).map((camera, i) => ({ camera, count: cameraCounts[i + 1]! })),
      ),
      undated,
    };
    return this.#facets;
  }
}
