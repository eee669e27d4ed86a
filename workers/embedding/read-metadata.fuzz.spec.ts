// A seeded fuzz of EXIF blocks through prepareFile's metadata step: bit flips, counts and
// offsets that lie, and IFDs that point back at themselves or at each other. Whatever the
// metadata holds, prepareFile must return promptly with the photo read and decoded.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from './decode-image';
import {
  TAG,
  cameraIfds,
  heifWithExif,
  tiffBytes,
  withJpegExif,
  withPngExif,
} from './exif-test-bytes';
import { prepareFile, type PrepareDeps } from './prepare-file';
import { readMetadata } from './read-metadata';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../e2e/fixtures/bad-files/${name}`, import.meta.url)));
const JPEG = fixture('good-2.jpg');
const PNG = fixture('good-3.png');
const CASES = 300;
const CASE_MS = 2000;

/** mulberry32: a small seeded generator, so that a failing case can be replayed. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASE = tiffBytes(
  cameraIfds({
    make: 'Apple',
    model: 'iPhone 13',
    taken: '2019:07:14 18:30:05',
    offset: '+01:00',
    lens: 'back camera',
    lat: 38.72,
    lon: -9.14,
  }),
);

/** Where each IFD of BASE starts, and where its entries are (big-endian, as tiffBytes writes). */
function ifdStarts(tiff: Uint8Array): number[] {
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const starts = [8];
  const n = view.getUint16(8);
  for (let i = 0; i < n; i++) {
    const at = 10 + 12 * i;
    const tag = view.getUint16(at);
    if (tag === TAG.ExifIfd || tag === TAG.GpsIfd) starts.push(view.getUint32(at + 8));
  }
  return starts;
}
const STARTS = ifdStarts(BASE);

function mutate(rand: () => number): { tiff: Uint8Array; how: string } {
  const tiff = BASE.slice();
  const view = new DataView(tiff.buffer);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const entry = () => {
    const ifd = pick(STARTS);
    return ifd + 2 + 12 * Math.floor(rand() * view.getUint16(ifd));
  };
  const lies = [0, 1, 2, 0xff, 0xffff, 0x7fffffff, 0xffffffff];
  const kind = Math.floor(rand() * 5);
  if (kind === 0) {
    const flips = 1 + Math.floor(rand() * 16);
    for (let i = 0; i < flips; i++) tiff[Math.floor(rand() * tiff.length)]! ^= 1 << (rand() * 8);
    return { tiff, how: `${flips} bit flips` };
  }
  if (kind === 1) {
    const at = entry();
    view.setUint32(at + 4, pick(lies)); // count
    if (rand() < 0.5) view.setUint32(at + 8, pick(lies)); // value offset
    if (rand() < 0.3) view.setUint16(at + 2, Math.floor(rand() * 20)); // type
    return { tiff, how: 'an entry whose count or offset lies' };
  }
  if (kind === 2) {
    view.setUint16(pick(STARTS), pick(lies) & 0xffff);
    return { tiff, how: 'an IFD whose entry count lies' };
  }
  if (kind === 3) {
    // Sub-IFD pointers at IFD0 itself, at the other sub-IFD, or at the TIFF header.
    for (let i = 0; i < view.getUint16(8); i++) {
      const at = 10 + 12 * i;
      if (view.getUint16(at) === TAG.ExifIfd || view.getUint16(at) === TAG.GpsIfd)
        view.setUint32(at + 8, pick([0, 8, ...STARTS]));
    }
    const next = 8 + 2 + 12 * view.getUint16(8);
    view.setUint32(next, 8); // IFD0's next IFD is IFD0
    return { tiff, how: 'IFDs pointing back at themselves and each other' };
  }
  const cut = Math.floor(rand() * tiff.length);
  return { tiff: tiff.subarray(0, cut), how: `cut to ${cut} bytes` };
}

const decodeDeps: PrepareDeps = {
  hash: sha256Hex,
  decode: () =>
    Promise.resolve({
      width: 4,
      height: 3,
      thumbnail: new Blob(['t']),
      pixels: { data: new Uint8ClampedArray(4), width: 1, height: 1 },
    }),
};

function bounded<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${CASE_MS} ms`)), CASE_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

describe('fuzzed EXIF', () => {
  it(`never costs a JPEG or PNG photo (${CASES} seeded cases each)`, async () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const rand = random(seed);
      const { tiff, how } = mutate(rand);
      for (const [name, bytes, type] of [
        ['jpeg', withJpegExif(JPEG, tiff), 'image/jpeg'],
        ['png', withPngExif(PNG, tiff), 'image/png'],
      ] as const) {
        const file = new File([bytes as BlobPart], `fuzz.${name}`, { type, lastModified: 5 });
        const what = `seed ${seed} (${name}, ${how})`;
        const result = await bounded(
          prepareFile(file, decodeDeps, () => true),
          what,
        );
        expect(result.kind, what).toBe('read');
        if (result.kind !== 'read') continue;
        expect(result.prepared, what).toBeDefined();
        // Whatever survived is sane.
        const m = result.metadata ?? {};
        if (m.lat !== undefined) expect(Math.abs(m.lat), what).toBeLessThanOrEqual(90);
        if (m.lon !== undefined) expect(Math.abs(m.lon), what).toBeLessThanOrEqual(180);
        if (m.takenAt !== undefined) expect(m.takenAt, what).toBeGreaterThanOrEqual(-2208988800000);
      }
    }
  }, 120_000);

  it(`never throws on a fuzzed HEIF Exif item (${CASES} seeded cases)`, async () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const rand = random(1_000_000 + seed);
      const { tiff, how } = mutate(rand);
      const heif = heifWithExif(tiff);
      // Box lengths lie too, now and then.
      if (rand() < 0.3) {
        const view = new DataView(heif.buffer);
        view.setUint32(24 + Math.floor(rand() * 40), Math.floor(rand() * 0xffffffff));
      }
      const what = `seed ${seed} (heif, ${how})`;
      const m = await bounded(readMetadata(heif.slice().buffer, 5), what);
      expect(typeof m, what).toBe('object');
    }
  }, 120_000);

  it(`never throws on a real HEIC whose boxes are damaged (${CASES} seeded cases)`, async () => {
    const heic = new Uint8Array(
      readFileSync(new URL('../../e2e/fixtures/exif/golden-gate.heic', import.meta.url)),
    );
    const metaEnd = 0x1a4; // ftyp and meta; mdat follows
    for (let seed = 1; seed <= CASES; seed++) {
      const rand = random(2_000_000 + seed);
      const bytes = heic.slice();
      const view = new DataView(bytes.buffer);
      const edits = 1 + Math.floor(rand() * 4);
      for (let i = 0; i < edits; i++) {
        const at = Math.floor(rand() * (metaEnd - 4));
        if (rand() < 0.5) bytes[at]! ^= 1 << (rand() * 8);
        else view.setUint32(at, [0, 1, 8, 0xffffffff, Math.floor(rand() * 0x1000)][i % 5]!);
      }
      const what = `seed ${seed} (real heic, ${edits} edits)`;
      const m = await bounded(readMetadata(bytes.buffer, 5), what);
      expect(typeof m, what).toBe('object');
    }
  }, 120_000);
});
