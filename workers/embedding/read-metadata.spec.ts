import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  TAG,
  cameraIfds,
  concat,
  heifWithExif,
  tiffBytes,
  withJpegExif,
  withPngExif,
  type TiffIfds,
} from './exif-test-bytes';
import { readMetadata } from './read-metadata';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../e2e/fixtures/bad-files/${name}`, import.meta.url)));
const JPEG = fixture('good-2.jpg');
const PNG = fixture('good-3.png');
const NOW = Date.UTC(2026, 11, 7);

const buffer = (b: Uint8Array) => b.slice().buffer;
const jpegWith = (ifds: TiffIfds, littleEndian = false) =>
  buffer(withJpegExif(JPEG, tiffBytes(ifds, littleEndian)));
const read = (bytes: ArrayBuffer, lastModified?: number) => readMetadata(bytes, lastModified, NOW);

const LISBON = {
  make: 'Apple',
  model: 'iPhone 13',
  taken: '2019:07:14 18:30:05',
  offset: '+01:00',
  lens: 'iPhone 13 back camera 5.1mm f/1.6',
  lat: 38.7223,
  lon: -9.1393,
};

describe('readMetadata on each format', () => {
  const expected = {
    takenAt: Date.UTC(2019, 6, 14, 18, 30, 5),
    offsetMin: 60,
    takenSource: 'exif-offset',
    camera: 'Apple iPhone 13',
    lens: 'iPhone 13 back camera 5.1mm f/1.6',
  };

  it('reads a JPEG APP1 segment, big- and little-endian', async () => {
    for (const le of [false, true]) {
      const m = await read(jpegWith(cameraIfds(LISBON), le));
      expect(m).toMatchObject(expected);
      expect(m.lat).toBeCloseTo(38.7223, 4);
      expect(m.lon).toBeCloseTo(-9.1393, 4);
    }
  });

  it('reads a PNG eXIf chunk', async () => {
    const m = await read(buffer(withPngExif(PNG, tiffBytes(cameraIfds(LISBON)))));
    expect(m).toMatchObject(expected);
    expect(m.lat).toBeCloseTo(38.7223, 4);
  });

  it("reads a HEIF file's Exif item", async () => {
    const m = await read(buffer(heifWithExif(tiffBytes(cameraIfds(LISBON)))));
    expect(m).toMatchObject(expected);
    expect(m.lon).toBeCloseTo(-9.1393, 4);
  });

  it("reads the Exif item of a HEIC written by Debian's heif-enc", async () => {
    // e2e/fixtures/exif/golden-gate.heic: heif-enc 1.15.1 -q 30 of tiny-world's
    // beach-trip/0027.jpg with this EXIF spliced in (exif-test-bytes.ts); heif-enc copies it
    // into an Exif item as an iPhone does.
    const heic = new Uint8Array(
      readFileSync(new URL('../../e2e/fixtures/exif/golden-gate.heic', import.meta.url)),
    );
    const m = await read(buffer(heic), 5);
    expect(m).toMatchObject({
      takenAt: Date.UTC(2023, 7, 19, 7, 45, 10),
      offsetMin: -420,
      takenSource: 'exif-offset',
      camera: 'Apple iPhone 15 Pro',
      lens: 'iPhone 15 Pro back triple camera 6.765mm f/1.78',
    });
    expect(m.lat).toBeCloseTo(37.8199, 4);
    expect(m.lon).toBeCloseTo(-122.4783, 4);
  });

  it("falls back to XMP's time when EXIF has none", async () => {
    const xmp = `http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreateDate="2018-05-01T10:00:00+02:00"/></rdf:RDF></x:xmpmeta>`;
    const body = Uint8Array.from(xmp, (c) => c.charCodeAt(0));
    const app1 = new Uint8Array([0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 255]);
    const m = await read(buffer(concat(JPEG.subarray(0, 2), app1, body, JPEG.subarray(2))));
    expect(m).toMatchObject({
      takenAt: Date.UTC(2018, 4, 1, 10),
      offsetMin: 120,
      takenSource: 'exif-offset',
    });
  });

  it("without metadata, uses the file's time as the browser's wall clock", async () => {
    const modified = Date.UTC(2020, 1, 3, 12);
    const zone = new Date(modified).getTimezoneOffset();
    const m = await read(buffer(JPEG), modified);
    expect(m).toEqual({
      takenAt: modified - zone * 60_000,
      offsetMin: -zone || 0,
      takenSource: 'file',
    });
  });
});

describe('times and offsets', () => {
  it('keeps the wall clock and the offset apart, west and east of UTC', async () => {
    const west = await read(
      jpegWith(cameraIfds({ taken: '2021:12:31 23:59:59', offset: '-05:00' })),
    );
    expect(west).toMatchObject({ takenAt: Date.UTC(2021, 11, 31, 23, 59, 59), offsetMin: -300 });
    const east = await read(
      jpegWith(cameraIfds({ taken: '2021:01:01 00:00:00', offset: '+05:45' })),
    );
    expect(east).toMatchObject({ takenAt: Date.UTC(2021, 0, 1), offsetMin: 345 });
  });

  it('without an offset the time is EXIF, zone unknown', async () => {
    const m = await read(jpegWith(cameraIfds({ taken: '2015:06:01 08:00:00' })), 5);
    expect(m).toEqual({ takenAt: Date.UTC(2015, 5, 1, 8), takenSource: 'exif' });
  });

  it('uses CreateDate when DateTimeOriginal is missing or absurd', async () => {
    for (const taken of [undefined, '0000:00:00 00:00:00']) {
      const m = await read(
        jpegWith(cameraIfds({ ...(taken ? { taken } : {}), created: '2012:03:04 05:06:07' })),
      );
      expect(m.takenAt).toBe(Date.UTC(2012, 2, 4, 5, 6, 7));
    }
  });

  it('treats absurd dates as missing and falls back to the file time', async () => {
    const modified = Date.UTC(2022, 5, 1);
    for (const taken of [
      '0000:00:00 00:00:00',
      '1899:12:31 23:59:59',
      '2027:01:01 00:00:00', // after NOW + 1 day
      '2019:02:30 10:00:00',
      '2019:13:01 10:00:00',
      '    :  :     :  :  ',
      'yesterday',
    ]) {
      const m = await read(jpegWith(cameraIfds({ taken })), modified);
      expect(m.takenSource, taken).toBe('file');
    }
  });

  it('keeps a time just inside the limits', async () => {
    const m = await read(jpegWith(cameraIfds({ taken: '1900:01:01 00:00:00' })));
    expect(m.takenAt).toBe(Date.UTC(1900, 0, 1));
    const today = await read(
      jpegWith(cameraIfds({ taken: '2026:12:07 20:00:00', offset: '+14:00' })),
    );
    expect(today.takenSource).toBe('exif-offset');
  });

  it('ignores an offset that cannot be one', async () => {
    const m = await read(jpegWith(cameraIfds({ taken: '2019:07:14 18:30:05', offset: '+25:00' })));
    expect(m).toEqual({ takenAt: Date.UTC(2019, 6, 14, 18, 30, 5), takenSource: 'exif' });
  });

  it('no time at all when neither EXIF nor the file has a sane one', async () => {
    expect(await read(buffer(JPEG))).toEqual({});
    expect(await read(buffer(JPEG), Date.UTC(1850, 0, 1))).toEqual({});
  });
});

describe('GPS', () => {
  const at = (lat: number, lon: number) => read(jpegWith(cameraIfds({ lat, lon })));

  it('reads the poles and both sides of the antimeridian', async () => {
    expect(await at(90, 0)).toMatchObject({ lat: 90, lon: 0 });
    expect(await at(-90, 45)).toMatchObject({ lat: -90, lon: 45 });
    expect(await at(-16.5, 180)).toMatchObject({ lat: -16.5, lon: 180 });
    expect(await at(-16.5, -180)).toMatchObject({ lat: -16.5, lon: -180 });
    const fiji = await at(-17.7134, 178.065);
    expect(fiji.lon).toBeCloseTo(178.065, 4);
    const samoa = await at(-13.759, -172.1046);
    expect(samoa.lon).toBeCloseTo(-172.1046, 4);
  });

  it('leaves out (0, 0) and positions off the globe', async () => {
    for (const [lat, lon] of [
      [0, 0],
      [91, 10],
      [10, 181],
    ] as const) {
      const m = await at(lat, lon);
      expect(m.lat, `${lat},${lon}`).toBeUndefined();
      expect(m.lon).toBeUndefined();
    }
  });

  it('leaves out a position with a zero denominator or a missing half', async () => {
    const broken = cameraIfds({ lat: 10, lon: 20 });
    broken.gps![TAG.GPSLatitude] = {
      type: 'rational',
      value: [
        [10, 0],
        [0, 1],
        [0, 1],
      ],
    };
    expect((await read(jpegWith(broken))).lat).toBeUndefined();
    const half = cameraIfds({ lat: 10, lon: 20 });
    delete half.gps![TAG.GPSLongitude];
    expect((await read(jpegWith(half))).lat).toBeUndefined();
  });
});

describe('camera and lens', () => {
  const camera = async (make: string, model: string) =>
    (await read(jpegWith(cameraIfds({ make, model })))).camera;

  it('names the make once', async () => {
    expect(await camera('Canon', 'Canon EOS R5')).toBe('Canon EOS R5');
    expect(await camera('NIKON CORPORATION', 'NIKON D750')).toBe('NIKON D750');
    expect(await camera('Apple', 'iPhone 13')).toBe('Apple iPhone 13');
    expect(await camera('  FUJIFILM  ', 'X-T4\0\0')).toBe('FUJIFILM X-T4');
    expect(await camera('', 'Pixel 7')).toBe('Pixel 7');
  });

  it('joins the lens make and model', async () => {
    const ifds = cameraIfds({ lens: 'EF 50mm f/1.8' });
    ifds.exif![TAG.LensMake] = { type: 'ascii', value: 'Canon' };
    expect((await read(jpegWith(ifds))).lens).toBe('Canon EF 50mm f/1.8');
  });
});

describe('damaged metadata', () => {
  it('a HEIF whose boxes have no length yields nothing rather than hanging', async () => {
    const heif = heifWithExif(tiffBytes(cameraIfds(LISBON)));
    const ftyp = new DataView(heif.buffer).getUint32(0);
    // A box of length 0 before `meta`: a reader walking by length would stay on it.
    const free = new Uint8Array([0, 0, 0, 0, 0x66, 0x72, 0x65, 0x65]);
    const looped = concat(heif.subarray(0, ftyp), free, heif.subarray(ftyp));
    expect(await read(buffer(looped), undefined)).toEqual({});
  });

  it('a TIFF block cut short keeps what it can and never throws', async () => {
    const tiff = tiffBytes(cameraIfds(LISBON));
    const m = await read(buffer(withJpegExif(JPEG, tiff.subarray(0, 40))));
    expect(m.lat).toBeUndefined();
  });
});
