import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cameraIfds, concat, heifWithExif, tiffBytes } from './exif-test-bytes';
import { heifExifTiff } from './heif-exif';

const TIFF = tiffBytes(
  cameraIfds({ make: 'Apple', model: 'iPhone 13', taken: '2019:07:14 18:30:05' }),
);

const u16 = (n: number) => [n >> 8, n & 255];
const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const text = (s: string) => Array.from(s, (c) => c.charCodeAt(0));
function box(kind: string, body: number[] | Uint8Array): Uint8Array {
  return concat(new Uint8Array([...u32(8 + body.length), ...text(kind)]), Uint8Array.from(body));
}

/** iloc version 1: the Exif item in `idat` (construction method 1), split in two extents. */
function heifWithIdatExif(tiff: Uint8Array): Uint8Array {
  const payload = concat(new Uint8Array([0, 0, 0, 6, 0x45, 0x78, 0x69, 0x66, 0, 0]), tiff);
  const half = 7;
  const ftyp = box('ftyp', [...text('heic'), 0, 0, 0, 0, ...text('mif1heic')]);
  const infe = box('infe', [2, 0, 0, 0, ...u16(5), 0, 0, ...text('Exif'), 0]);
  const iinf = box('iinf', concat(new Uint8Array([0, 0, 0, 0, ...u16(1)]), infe));
  const iloc = box('iloc', [
    ...[1, 0, 0, 0], // version 1
    ...[0x44, 0x00], // offset 4, length 4, base 0, index 0
    ...u16(1), // one item
    ...[...u16(5), ...u16(1), ...u16(0)], // id 5, construction method 1 (idat), data ref 0
    ...u16(2), // two extents
    ...[...u32(0), ...u32(half)],
    ...[...u32(half), ...u32(payload.length - half)],
  ]);
  const idat = box('idat', payload);
  const meta = box('meta', concat(new Uint8Array(4), iinf, iloc, idat));
  return concat(ftyp, meta);
}

describe('heifExifTiff', () => {
  it("finds the TIFF block of an Exif item in mdat (iPhone's layout)", () => {
    expect(heifExifTiff(heifWithExif(TIFF))).toEqual(TIFF);
  });

  it("adds iloc's base offset (libheif's layout)", () => {
    const heic = new Uint8Array(
      readFileSync(new URL('../../e2e/fixtures/exif/golden-gate.heic', import.meta.url)),
    );
    const tiff = heifExifTiff(heic);
    expect(tiff && String.fromCharCode(tiff[0]!, tiff[1]!)).toMatch(/II|MM/);
  });

  it('reads an item stored in idat, across extents', () => {
    expect(heifExifTiff(heifWithIdatExif(TIFF))).toEqual(TIFF);
  });

  it('gives nothing for files without an Exif item, or boxes that lie', () => {
    expect(heifExifTiff(new Uint8Array(64))).toBeUndefined();
    const heif = heifWithExif(TIFF);
    const cut = heif.subarray(0, heif.length - TIFF.length + 4);
    expect(heifExifTiff(cut)).toBeUndefined();
    const lying = heif.slice();
    new DataView(lying.buffer).setUint32(24, 0xfffffff0); // meta's length
    expect(heifExifTiff(lying)).toBeUndefined();
  });
});
