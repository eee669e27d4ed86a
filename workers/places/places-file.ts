/**
 * Reads public/places/cities.bin (written by scripts/build-places.mjs; format in
 * docs/places.md): varint columns of GeoNames cities, grouped by country.
 */

const MAGIC = 'LPLC';
const FORMAT_VERSION = 1;
const COORD_SCALE = 1e4;

/** The cities as columns, indexed by city number. */
export interface PlacesTable {
  count: number;
  names: string[];
  /** ISO 3166-1 alpha-2 code per city. */
  countries: string[];
  /** The region per city, '' where none is given. */
  regions: string[];
  /** 0 where GeoNames has no figure. */
  population: Uint32Array;
  /** Degrees. */
  lat: Float64Array;
  lon: Float64Array;
}

class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.bytes.length) throw new Error('Place data is truncated');
      const b = this.bytes[this.pos++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 0x80;
      if (scale > 2 ** 49) throw new Error('Place data holds a malformed number');
    }
  }

  signed(): number {
    const v = this.varint();
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }

  take(length: number): Uint8Array {
    if (this.pos + length > this.bytes.length) throw new Error('Place data is truncated');
    const out = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  string(): string {
    return decoder.decode(this.take(this.varint()));
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });
const ascii = (b: Uint8Array) => String.fromCharCode(...b);

/** Decodes the place data; throws on anything that is not a whole file of this format. */
export function decodePlacesFile(data: ArrayBuffer | Uint8Array): PlacesTable {
  const r = new Reader(data instanceof Uint8Array ? data : new Uint8Array(data));
  if (ascii(r.take(4)) !== MAGIC) throw new Error('Not a place data file');
  const version = r.varint();
  if (version !== FORMAT_VERSION) throw new Error(`Place data format ${version} is not known`);
  const count = r.varint();

  const countries: string[] = [];
  const countryCount = r.varint();
  for (let i = 0; i < countryCount; i++) {
    const code = ascii(r.take(2));
    const cities = r.varint();
    for (let j = 0; j < cities; j++) countries.push(code);
  }
  if (countries.length !== count) throw new Error('Place data countries do not add up');

  const regionNames = [''];
  const regionCount = r.varint();
  for (let i = 0; i < regionCount; i++) regionNames.push(r.string());

  const names = r.string().split('\n');
  if (names.length !== count) throw new Error('Place data names do not add up');

  const regions: string[] = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    const region = regionNames[r.varint()];
    if (region === undefined) throw new Error('Place data names an unknown region');
    regions[i] = region;
  }
  const population = new Uint32Array(count);
  for (let i = 0; i < count; i++) population[i] = r.varint();
  const lat = new Float64Array(count);
  const lon = new Float64Array(count);
  for (const column of [lat, lon]) {
    let units = 0;
    for (let i = 0; i < count; i++) {
      units += r.signed();
      column[i] = units / COORD_SCALE;
    }
  }
  if (r.pos !== r.bytes.length) throw new Error('Place data has bytes after its end');
  return { count, names, countries, regions, population, lat, lon };
}
