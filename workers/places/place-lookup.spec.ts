import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PLACES_DATA_REVISION } from '../../src/core/places';
import { buildPlaceIndex, loadPlaceLookup } from './place-lookup';

const dataFile = path.resolve(import.meta.dirname, '../../public/places/cities.bin');
const bytes = readFileSync(dataFile);
const lookup = buildPlaceIndex(bytes);

describe('the place of a GPS position', () => {
  it.each([
    ['Lisbon (Praça do Comércio)', 38.7075, -9.1364, { place: 'Lisbon', country: 'PT' }],
    ['Paris (Notre-Dame)', 48.853, 2.3499, { place: 'Paris', country: 'FR' }],
    ['Tokyo (Shibuya crossing)', 35.6595, 139.7005, { place: 'Tokyo', country: 'JP' }],
    ['Sydney (Opera House)', -33.8568, 151.2153, { place: 'Sydney', country: 'AU' }],
    ['Reykjavík (Hallgrímskirkja)', 64.1417, -21.9266, { place: 'Reykjavík', country: 'IS' }],
    ['Suva, Fiji (178.44° E)', -18.1416, 178.4419, { place: 'Suva', country: 'FJ' }],
    [
      'Longyearbyen, Svalbard (78.2° N)',
      78.2232,
      15.6267,
      { place: 'Longyearbyen', country: 'SJ' },
    ],
    ['McMurdo Station (77.8° S)', -77.85, 166.7, { place: 'McMurdo Station', country: 'AQ' }],
  ])('%s', (_, lat, lon, expected) => {
    expect(lookup(lat, lon)).toEqual(expected);
  });

  it('places a photo in the big city whose core it is in, not the nearer suburb', () => {
    // The Eiffel Tower: 3.4 km from Neuilly-sur-Seine's point, 4 km from Paris'.
    expect(lookup(48.8584, 2.2945)?.place).toBe('Paris');
    // The middle of Neuilly is Neuilly, though Paris is big and 7 km away.
    expect(lookup(48.8846, 2.2697)?.place).toBe('Neuilly-sur-Seine');
    // Manhattan is New York City, not one of its neighbourhoods.
    expect(lookup(40.7484, -73.9857)).toEqual({
      place: 'New York City',
      region: 'NY',
      country: 'US',
    });
  });

  it('tells towns of one name apart by their US state', () => {
    expect(lookup(45.5152, -122.6784)).toEqual({ place: 'Portland', region: 'OR', country: 'US' });
    expect(lookup(43.6591, -70.2568)).toEqual({ place: 'Portland', region: 'ME', country: 'US' });
    // Not "Washington, D.C., DC".
    expect(lookup(38.8895, -77.0353)).toEqual({ place: 'Washington, D.C.', country: 'US' });
  });

  it('finds the nearest town across the antimeridian, from either side', () => {
    // Egvekinot is at 179.12° W; Beringovskiy at 179.35° E: each ~42 km across the line.
    expect(lookup(66.3217, 179.95)).toMatchObject({ place: 'Egvekinot', country: 'RU' });
    expect(lookup(63.061, -179.8)).toMatchObject({ place: 'Beringovskiy', country: 'RU' });
  });

  it('gives no place far from every town: open sea, the poles', () => {
    expect(lookup(0, -140)).toBeUndefined(); // the middle of the Pacific
    expect(lookup(35, -40)).toBeUndefined(); // the middle of the Atlantic
    expect(lookup(90, 0)).toBeUndefined();
    expect(lookup(-90, 0)).toBeUndefined();
    // 60 km off Longyearbyen is out of reach; 20 km is not.
    expect(lookup(78.2232 + 60 / 111.2, 15.6267)).toBeUndefined();
    expect(lookup(78.2232 + 20 / 111.2, 15.6267)?.place).toBe('Longyearbyen');
  });

  it('gives no place for positions that are not positions', () => {
    expect(lookup(Number.NaN, 0)).toBeUndefined();
    expect(lookup(0, Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(lookup(91, 0)).toBeUndefined();
  });

  it('takes longitudes outside ±180 as the same meridian', () => {
    expect(lookup(-18.1416, 178.4419 - 360)).toEqual(lookup(-18.1416, 178.4419));
  });
});

describe('loading the place data', () => {
  const asBuffer = () =>
    Promise.resolve(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));

  it('downloads once per worker however many photos ask', async () => {
    const fetchData = vi.fn(asBuffer);
    const [a, b] = await Promise.all([loadPlaceLookup(fetchData), loadPlaceLookup(fetchData)]);
    expect(await loadPlaceLookup(fetchData)).toBe(a);
    expect(b).toBe(a);
    expect(fetchData).toHaveBeenCalledTimes(1);
    expect(a(38.7075, -9.1364)?.place).toBe('Lisbon');
  });

  it('tries again after a failed download (offline on first use)', async () => {
    const fetchData = vi
      .fn<() => Promise<ArrayBuffer>>()
      .mockRejectedValueOnce(new TypeError('Failed to fetch'))
      .mockImplementation(asBuffer);
    await expect(loadPlaceLookup(fetchData)).rejects.toThrow('Failed to fetch');
    const lookupAfter = await loadPlaceLookup(fetchData);
    expect(lookupAfter(35.6595, 139.7005)?.country).toBe('JP');
    expect(fetchData).toHaveBeenCalledTimes(2);
  });

  afterEach(() => vi.unstubAllGlobals());

  it('fetches the data of this revision from the app’s own origin, under its base', async () => {
    vi.stubGlobal('location', { href: 'http://localhost:5173/assets/indexer-worker.js' });
    const fetchMock = vi.fn(async () => new Response(await asBuffer()));
    vi.stubGlobal('fetch', fetchMock);
    const fromApp = await loadPlaceLookup();
    expect(fetchMock).toHaveBeenCalledWith(
      `http://localhost:5173/places/cities.bin?rev=${PLACES_DATA_REVISION}`,
    );
    expect(fromApp(64.1417, -21.9266)?.country).toBe('IS');
    expect(await loadPlaceLookup()).toBe(fromApp);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('refuses a file that is not place data, instead of placing photos wrongly', async () => {
    const html = new TextEncoder().encode('<!doctype html><title>Lumen</title>');
    await expect(loadPlaceLookup(() => Promise.resolve(html.buffer))).rejects.toThrow(
      'Not a place data file',
    );
  });
});
