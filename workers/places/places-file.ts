/**
 * Reads public/places/cities.bin (written by scripts/build-places.mjs; format in
 * docs/places.md): GeoNames cities as fixed-width columns, in the order of a finished kd-tree
 * of them, with the cells within reach of some town, so loading it is viewing and copying
 * arrays, not parsing 130,000 rows, sorting them into a tree and marking their cells.
 */
import KDBush from 'kdbush';
import { ReachMask } from './reach-mask';

const MAGIC = 'LPLC';
const FORMAT_VERSION = 2;
const COORD_SCALE = 1e4;
/** Magic, then 8 unsigned 32-bit counts (see decodePlacesFile). */
const HEADER_BYTES = 4 + 8 * 4;

/** The cities as columns, indexed by city number (the file's order). */
export interface PlacesTable {
  count: number;
  /** The city's name; decoded when asked for, since a library asks for a handful. */
  name(city: number): string;
  /** ISO 3166-1 alpha-2 code. */
  country(city: number): string;
  /** The region people write after the name, '' where none is given. */
  region(city: number): string;
  /** 0 where GeoNames has no figure. */
  population: Uint32Array;
  /** Degrees. */
  lat: Float64Array;
  lon: Float64Array;
  /** A kd-tree of all cities over (longitude, latitude); its ids are city numbers. */
  tree: KDBush;
  /** The cells of the globe within `reachKm` of some city. */
  reach: ReachMask;
  reachKm: number;
}

const ascii = (b: Uint8Array) => String.fromCharCode(...b);
/** Not fatal: a bad byte in one name must not stop a lookup (the file's revision is checked). */
const utf8 = new TextDecoder('utf-8');

/** Decodes the place data; throws on anything that is not a whole file of this format. */
export function decodePlacesFile(data: ArrayBuffer | Uint8Array): PlacesTable {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (bytes.length < 8 || ascii(bytes.subarray(0, 4)) !== MAGIC)
    throw new Error('Not a place data file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== FORMAT_VERSION) throw new Error(`Place data format ${version} is not known`);
  if (bytes.length < HEADER_BYTES) throw new Error('Place data is truncated');
  const [count, nodeSize, reachKm, countryCount, regionBytes, nameBytes, maskBytes] = Array.from(
    { length: 7 },
    (_, i) => view.getUint32(8 + 4 * i, true),
  ) as [number, number, number, number, number, number, number];
  if (count === 0) throw new Error('Place data holds no towns');

  let at = HEADER_BYTES;
  /** The next section of `length` bytes; sections start at multiples of 4. */
  const take = (length: number): Uint8Array => {
    if (at + length > bytes.length) throw new Error('Place data is truncated');
    const section = bytes.subarray(at, at + length);
    at += length + ((4 - (length % 4)) % 4);
    return section;
  };
  /** 32-bit numbers: a view of the file where aligned (it is, fetched), else a copy. */
  const column = <T>(make: (b: ArrayBufferLike, offset: number, length: number) => T) => {
    const section = take(4 * count);
    return section.byteOffset % 4 === 0
      ? make(section.buffer, section.byteOffset, count)
      : make(section.slice().buffer, 0, count);
  };

  const codes = ascii(take(2 * countryCount));
  const countries = Array.from({ length: countryCount }, (_, i) => codes.slice(2 * i, 2 * i + 2));
  const regionNames = ['', ...(regionBytes ? utf8.decode(take(regionBytes)).split('\n') : [])];
  const nameLength = take(count);
  const names = take(nameBytes);
  const countryOf = take(count);
  const regionOf = take(count);
  const population = column((b, offset, n) => new Uint32Array(b, offset, n));
  const latDelta = column((b, offset, n) => new Int32Array(b, offset, n));
  const lonDelta = column((b, offset, n) => new Int32Array(b, offset, n));
  const mask = take(maskBytes);
  if (at < bytes.length) throw new Error('Place data has bytes after its end');

  const nameStart = new Uint32Array(count + 1);
  for (let i = 0; i < count; i++) {
    if (countryOf[i]! >= countryCount) throw new Error('Place data names an unknown country');
    if (regionOf[i]! >= regionNames.length) throw new Error('Place data names an unknown region');
    nameStart[i + 1] = nameStart[i]! + nameLength[i]!;
  }
  if (nameStart[count] !== nameBytes) throw new Error('Place data names do not add up');

  // Positions in 1e-4° units, each from the previous city's. The file's order is the finished
  // tree: its ids are the city numbers themselves.
  const lat = new Float64Array(count);
  const lon = new Float64Array(count);
  const index = new KDBush(count, nodeSize);
  let latAt = 0;
  let lonAt = 0;
  for (let i = 0; i < count; i++) {
    latAt += latDelta[i]!;
    lonAt += lonDelta[i]!;
    lat[i] = latAt / COORD_SCALE;
    lon[i] = lonAt / COORD_SCALE;
    index.ids[i] = i;
    index.coords[2 * i] = lon[i]!;
    index.coords[2 * i + 1] = lat[i]!;
  }
  const tree = KDBush.from(index.data);

  return {
    count,
    name: (city) => utf8.decode(names.subarray(nameStart[city], nameStart[city + 1])),
    country: (city) => countries[countryOf[city]!]!,
    region: (city) => regionNames[regionOf[city]!]!,
    population,
    lat,
    lon,
    tree,
    reach: ReachMask.fromBits(mask),
    reachKm,
  };
}
