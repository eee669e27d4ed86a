// Builders of small EXIF-bearing files for the metadata specs: a TIFF block with IFD0, an Exif
// IFD and a GPS IFD, wrapped as a JPEG APP1 segment, a PNG eXIf chunk or a HEIF Exif item.
// Written by hand so that every byte a spec (or the fuzz) changes is known.

export type TiffValue =
  | { type: 'ascii'; value: string }
  | { type: 'short'; value: number[] }
  | { type: 'long'; value: number[] }
  | { type: 'byte'; value: number[] }
  /** Each as [numerator, denominator]. */
  | { type: 'rational'; value: [number, number][] }
  | { type: 'srational'; value: [number, number][] };

export type TiffEntries = Record<number, TiffValue>;

export interface TiffIfds {
  ifd0: TiffEntries;
  exif?: TiffEntries;
  gps?: TiffEntries;
}

export const TAG = {
  Make: 0x010f,
  Model: 0x0110,
  ModifyDate: 0x0132,
  ExifIfd: 0x8769,
  GpsIfd: 0x8825,
  DateTimeOriginal: 0x9003,
  CreateDate: 0x9004,
  OffsetTime: 0x9010,
  OffsetTimeOriginal: 0x9011,
  LensMake: 0xa433,
  LensModel: 0xa434,
  GPSLatitudeRef: 0x0001,
  GPSLatitude: 0x0002,
  GPSLongitudeRef: 0x0003,
  GPSLongitude: 0x0004,
} as const;

const TYPE_CODE = { byte: 1, ascii: 2, short: 3, long: 4, rational: 5, srational: 10 } as const;
const TYPE_SIZE = { byte: 1, ascii: 1, short: 2, long: 4, rational: 8, srational: 8 } as const;

function count(v: TiffValue): number {
  return v.type === 'ascii' ? v.value.length + 1 : v.value.length;
}

/** A TIFF block (header, IFD0, Exif IFD, GPS IFD, then the values that do not fit inline). */
export function tiffBytes(ifds: TiffIfds, littleEndian = false): Uint8Array {
  const ifd0: TiffEntries = { ...ifds.ifd0 };
  const order: [keyof TiffIfds, TiffEntries][] = [['ifd0', ifd0]];
  if (ifds.exif) order.push(['exif', ifds.exif]);
  if (ifds.gps) order.push(['gps', ifds.gps]);
  // Pointers first (as placeholders) so that IFD0's size is known.
  if (ifds.exif) ifd0[TAG.ExifIfd] = { type: 'long', value: [0] };
  if (ifds.gps) ifd0[TAG.GpsIfd] = { type: 'long', value: [0] };
  const starts: Partial<Record<keyof TiffIfds, number>> = {};
  let at = 8;
  for (const [name, entries] of order) {
    starts[name] = at;
    at += 2 + 12 * Object.keys(entries).length + 4;
  }
  if (ifds.exif) ifd0[TAG.ExifIfd] = { type: 'long', value: [starts.exif!] };
  if (ifds.gps) ifd0[TAG.GpsIfd] = { type: 'long', value: [starts.gps!] };
  let dataSize = 0;
  for (const [, entries] of order)
    for (const v of Object.values(entries)) {
      const size = count(v) * TYPE_SIZE[v.type];
      if (size > 4) dataSize += size + (size & 1);
    }
  const out = new Uint8Array(at + dataSize);
  const view = new DataView(out.buffer);
  out.set(littleEndian ? [0x49, 0x49, 42, 0] : [0x4d, 0x4d, 0, 42]);
  view.setUint32(4, 8, littleEndian);
  let data = at;
  const writeValue = (v: TiffValue, pos: number) => {
    if (v.type === 'ascii') {
      for (let i = 0; i < v.value.length; i++) out[pos + i] = v.value.charCodeAt(i) & 255;
    } else if (v.type === 'rational' || v.type === 'srational') {
      v.value.forEach(([n, d], i) => {
        if (v.type === 'rational') {
          view.setUint32(pos + 8 * i, n, littleEndian);
          view.setUint32(pos + 8 * i + 4, d, littleEndian);
        } else {
          view.setInt32(pos + 8 * i, n, littleEndian);
          view.setInt32(pos + 8 * i + 4, d, littleEndian);
        }
      });
    } else {
      const size = TYPE_SIZE[v.type];
      const numbers: number[] = v.value;
      numbers.forEach((n, i) => {
        if (size === 1) view.setUint8(pos + i, n);
        else if (size === 2) view.setUint16(pos + 2 * i, n, littleEndian);
        else view.setUint32(pos + 4 * i, n, littleEndian);
      });
    }
  };
  for (const [name, entries] of order) {
    let pos = starts[name]!;
    const tags = Object.keys(entries)
      .map(Number)
      .sort((a, b) => a - b);
    view.setUint16(pos, tags.length, littleEndian);
    pos += 2;
    for (const tag of tags) {
      const v = entries[tag]!;
      view.setUint16(pos, tag, littleEndian);
      view.setUint16(pos + 2, TYPE_CODE[v.type], littleEndian);
      view.setUint32(pos + 4, count(v), littleEndian);
      const size = count(v) * TYPE_SIZE[v.type];
      if (size <= 4) writeValue(v, pos + 8);
      else {
        view.setUint32(pos + 8, data, littleEndian);
        writeValue(v, data);
        data += size + (size & 1);
      }
      pos += 12;
    }
    view.setUint32(pos, 0, littleEndian); // no next IFD
  }
  return out;
}

const ascii = (value: string): TiffValue => ({ type: 'ascii', value });

/** Degrees as EXIF writes them: three rationals (degrees, minutes, seconds·100). */
function dms(deg: number): TiffValue {
  const a = Math.abs(deg);
  const d = Math.floor(a);
  const m = Math.floor((a - d) * 60);
  const s = Math.round(((a - d) * 60 - m) * 60 * 10000);
  return {
    type: 'rational',
    value: [
      [d, 1],
      [m, 1],
      [s, 10000],
    ],
  };
}

/** A typical camera's IFDs: the fields Lumen reads, as a spec names them. */
export function cameraIfds(f: {
  make?: string;
  model?: string;
  taken?: string;
  offset?: string;
  created?: string;
  lens?: string;
  lat?: number;
  lon?: number;
}): TiffIfds {
  const ifd0: TiffEntries = {};
  const exif: TiffEntries = {};
  if (f.make !== undefined) ifd0[TAG.Make] = ascii(f.make);
  if (f.model !== undefined) ifd0[TAG.Model] = ascii(f.model);
  if (f.taken !== undefined) exif[TAG.DateTimeOriginal] = ascii(f.taken);
  if (f.created !== undefined) exif[TAG.CreateDate] = ascii(f.created);
  if (f.offset !== undefined) exif[TAG.OffsetTimeOriginal] = ascii(f.offset);
  if (f.lens !== undefined) exif[TAG.LensModel] = ascii(f.lens);
  const ifds: TiffIfds = { ifd0, exif };
  if (f.lat !== undefined && f.lon !== undefined)
    ifds.gps = {
      [TAG.GPSLatitudeRef]: ascii(f.lat < 0 ? 'S' : 'N'),
      [TAG.GPSLatitude]: dms(f.lat),
      [TAG.GPSLongitudeRef]: ascii(f.lon < 0 ? 'W' : 'E'),
      [TAG.GPSLongitude]: dms(f.lon),
    };
  return ifds;
}

/** `jpeg` with an APP1 Exif segment holding `tiff` spliced in after SOI. */
export function withJpegExif(jpeg: Uint8Array, tiff: Uint8Array): Uint8Array {
  const length = 2 + 6 + tiff.length;
  const app1 = new Uint8Array([
    0xff,
    0xe1,
    length >> 8,
    length & 255,
    0x45,
    0x78,
    0x69,
    0x66,
    0,
    0,
  ]);
  return concat(jpeg.subarray(0, 2), app1, tiff, jpeg.subarray(2));
}

/** `png` with an eXIf chunk holding `tiff` after IHDR (its CRC left zero: readers skip it). */
export function withPngExif(png: Uint8Array, tiff: Uint8Array): Uint8Array {
  const ihdrEnd = 8 + 4 + 4 + 13 + 4;
  const head = new Uint8Array(8);
  new DataView(head.buffer).setUint32(0, tiff.length);
  head.set([0x65, 0x58, 0x49, 0x66], 4); // eXIf
  return concat(png.subarray(0, ihdrEnd), head, tiff, new Uint8Array(4), png.subarray(ihdrEnd));
}

function box(kind: string, ...parts: Uint8Array[]): Uint8Array {
  const body = concat(...parts);
  const head = new Uint8Array(8);
  new DataView(head.buffer).setUint32(0, 8 + body.length);
  for (let i = 0; i < 4; i++) head[4 + i] = kind.charCodeAt(i);
  return concat(head, body);
}

const bytes = (...b: number[]) => new Uint8Array(b);
const text = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/**
 * A HEIF file holding only an Exif item (item 1), as iPhones store it: ftyp, meta (hdlr, iinf,
 * iloc pointing into mdat), mdat. No image: enough for a metadata reader.
 */
export function heifWithExif(tiff: Uint8Array): Uint8Array {
  const ftyp = box('ftyp', text('heic'), bytes(0, 0, 0, 0), text('mif1heic'));
  const hdlr = box('hdlr', bytes(0, 0, 0, 0, 0, 0, 0, 0), text('pict'), new Uint8Array(13));
  // infe version 2: item id (2), protection index (2), item type, name.
  const infe = box('infe', bytes(2, 0, 0, 0, 0, 1, 0, 0), text('Exif'), bytes(0));
  const iinf = box('iinf', bytes(0, 0, 0, 0, 0, 1), infe);
  const payload = concat(bytes(0, 0, 0, 0), tiff); // tiff header offset 0
  const ilocFor = (offset: number) => {
    const o = new Uint8Array(4);
    new DataView(o.buffer).setUint32(0, offset);
    const l = new Uint8Array(4);
    new DataView(l.buffer).setUint32(0, payload.length);
    // version 0; offset and length 4 bytes, no base offset; 1 item: id 1, data ref 0, 1 extent.
    return box('iloc', bytes(0, 0, 0, 0, 0x44, 0x00, 0, 1, 0, 1, 0, 0, 0, 1), o, l);
  };
  const metaSize = (iloc: Uint8Array) => box('meta', bytes(0, 0, 0, 0), hdlr, iinf, iloc).length;
  const dataAt = ftyp.length + metaSize(ilocFor(0)) + 8;
  const meta = box('meta', bytes(0, 0, 0, 0), hdlr, iinf, ilocFor(dataAt));
  return concat(ftyp, meta, box('mdat', payload));
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
