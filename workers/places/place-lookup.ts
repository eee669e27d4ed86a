/**
 * GPS position → place name, offline: GeoNames cities (public/places/cities.bin) in a
 * kd-tree on the sphere (kdbush + geokdbush), loaded in the worker that asks, on first use.
 * The file comes as the finished tree of all towns, with its reach mask.
 */
import KDBush from 'kdbush';
import { around, distance } from 'geokdbush';
import { placesDataUrl, type PlaceName } from '../../src/core/places';
import { decodePlacesFile, type PlacesTable } from './places-file';
import { ReachMask } from './reach-mask';

export type { PlaceName } from '../../src/core/places';

/** The place of a photo taken at (lat, lon), in degrees; undefined far from every town. */
export type PlaceLookup = (lat: number, lon: number) => PlaceName | undefined;

/** No place is given to a photo farther than this from every town's centre (open sea, ice). */
export const MAX_PLACE_KM = 50;
/**
 * A town is taken to be a disc of this density around its GeoNames point, and a photo goes
 * to the town whose edge is nearest (distance to the centre minus that radius): the Eiffel
 * Tower, 4 km from Paris' point and 3.4 km from Neuilly's, is in Paris (radius 5.8 km), while
 * the middle of Neuilly (radius 1 km) stays Neuilly. 20,000/km² is a dense city's figure
 * (Paris proper), so a big city only wins near its core.
 */
const PEOPLE_PER_KM2 = 20_000;
/** GeoNames lists places of at least 1000 people; one without a figure counts as that. */
const MIN_POPULATION = 1000;
/** Cities at least this wide go in a second index that is searched farther out. */
const BIG_CITY_KM = 1;
/** How many of the nearest towns are weighed: enough that a smaller, nearer one is rarely missed. */
const NEAREST = 4;
/**
 * Leaf size of the big cities' kd-tree (the tree of all towns comes built in the file, with
 * the build script's leaf size, also 16): geokdbush weighs a whole leaf at once; 16 was
 * fastest here (bench).
 */
const NODE_SIZE = 16;

function radiusKm(population: number): number {
  return Math.sqrt(Math.max(population, MIN_POPULATION) / (Math.PI * PEOPLE_PER_KM2));
}

/** The cities at least BIG_CITY_KM wide, in a tree of their own (a few thousand: quick to sort). */
function bigCityIndex(table: PlacesTable, ids: number[]): KDBush {
  // KDBush cannot be empty: a stand-in point that maps to no town, so it is never chosen.
  const index = new KDBush(Math.max(ids.length, 1), NODE_SIZE);
  for (const id of ids) index.add(table.lon[id]!, table.lat[id]!);
  if (ids.length === 0) index.add(0, 90);
  return index.finish();
}

/** Builds the lookup from the place data's bytes (pure: Node specs and the bench use it). */
export function buildPlaceIndex(bytes: ArrayBuffer | Uint8Array): PlaceLookup {
  const table = decodePlacesFile(bytes);
  // The mask shipped in the file marks cells within its reach: another reach needs another.
  const mask =
    table.reachKm === MAX_PLACE_KM
      ? table.reach
      : new ReachMask(table.lat, table.lon, MAX_PLACE_KM);
  const radius = new Float64Array(table.count);
  const big: number[] = [];
  let biggestKm = 0;
  for (let i = 0; i < table.count; i++) {
    radius[i] = radiusKm(table.population[i]!);
    if (radius[i]! >= BIG_CITY_KM) big.push(i);
    biggestKm = Math.max(biggestKm, radius[i]!);
  }
  const bigOnes = bigCityIndex(table, big);

  return (lat, lon) => {
    if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90) return undefined;
    if (!mask.mayReach(lat, lon)) return undefined;
    let best = -1;
    let bestScore = Infinity;
    const weigh = (id: number) => {
      const score = distance(lon, lat, table.lon[id]!, table.lat[id]!) - radius[id]!;
      if (score < bestScore || (score === bestScore && id < best)) {
        best = id;
        bestScore = score;
      }
    };
    // The file's tree: its ids are city numbers.
    for (const id of around(table.tree, lon, lat, NEAREST, MAX_PLACE_KM)) weigh(id);
    if (best < 0) return undefined;
    // A big city wins only if its edge is nearer than the best town's: its centre lies within
    // bestScore + its radius, and no radius exceeds biggestKm.
    const reach = Math.min(MAX_PLACE_KM, bestScore + biggestKm);
    if (reach > 0 && big.length > 0) {
      for (const i of around(bigOnes, lon, lat, Infinity, reach)) weigh(big[i]!);
    }
    const region = table.region(best);
    return {
      place: table.name(best),
      ...(region ? { region } : {}),
      country: table.country(best),
    };
  };
}

/** The data from the app's own origin (the service worker keeps it for offline use). */
async function fetchFromApp(): Promise<ArrayBuffer> {
  const appBase = new URL(import.meta.env.BASE_URL, globalThis.location.href).href;
  const url = placesDataUrl(appBase);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`Could not load place names (${url}): HTTP ${res.status}`);
  return res.arrayBuffer();
}

const loads = new WeakMap<() => Promise<ArrayBuffer>, Promise<PlaceLookup>>();

/**
 * The lookup, loaded once per worker and only when first asked for (so only a library with
 * GPS downloads the data). A failed load is forgotten, so a later call tries again.
 */
export function loadPlaceLookup(
  fetchData: () => Promise<ArrayBuffer> = fetchFromApp,
): Promise<PlaceLookup> {
  let load = loads.get(fetchData);
  if (!load) {
    load = fetchData().then(buildPlaceIndex);
    loads.set(fetchData, load);
    load.catch(() => loads.delete(fetchData));
  }
  return load;
}
