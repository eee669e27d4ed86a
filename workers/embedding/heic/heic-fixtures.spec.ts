import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HEAD_BYTES, TAIL_BYTES, imageEnd, inspectHeader } from '../image-header';
import { heifDisplaySize, heifEnd } from './heif-boxes';
import { HeifDecoder, MAX_HEIC_PIXELS, isHeifDecodeError, type Libheif } from './libheif';
import { loadLibheifInNode } from './libheif-node';

// The fixtures come from e2e/fixtures/heic/make.py: heif-enc's output, and grids, multi-image
// files and irot/imir composed into HEIF containers by that script. Each names the picture a
// decoder must show (as 8 × 8 mean colours) and the one a wrong decode would show.
const HEIC = path.resolve(import.meta.dirname, '../../../e2e/fixtures/heic');
const BAD_FILES = path.resolve(import.meta.dirname, '../../../e2e/fixtures/bad-files');

interface Fixture {
  name: string;
  width: number;
  height: number;
  blocks: string;
  unlikeBlocks: string;
}

const fixtures = JSON.parse(readFileSync(path.join(HEIC, 'manifest.json'), 'utf8')) as Fixture[];
const bytesOf = (name: string) => new Uint8Array(readFileSync(path.join(HEIC, 'photos', name)));

/** Mean RGB of each of 8 × 8 blocks, as PIL's box filter makes them. */
function blockMeans(data: Uint8ClampedArray, width: number, height: number): number[] {
  const sums = new Float64Array(8 * 8 * 3);
  const counts = new Float64Array(8 * 8);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const b = Math.floor((y * 8) / height) * 8 + Math.floor((x * 8) / width);
      for (let c = 0; c < 3; c++) sums[b * 3 + c]! += data[(y * width + x) * 4 + c]!;
      counts[b]!++;
    }
  return Array.from(sums, (s, i) => s / counts[Math.floor(i / 3)]!);
}

const distance = (a: number[], hex: string) =>
  a.reduce((sum, v, i) => sum + Math.abs(v - parseInt(hex.slice(i * 2, i * 2 + 2), 16)), 0) /
  a.length;

let lib: Libheif;
beforeAll(async () => {
  // The build the app ships to browsers with WebAssembly SIMD (vendor/libheif-simd/).
  lib = await loadLibheifInNode('simd');
});

/** The photo as 8-bit RGBA, copied out of the decoder's memory. */
const rgbaOf = (library: Libheif, name: string) =>
  new HeifDecoder(() => Promise.resolve(library)).decode(bytesOf(name), (p) => ({
    width: p.width,
    height: p.height,
    data: new Uint8Array(p.data),
  }));

describe('HEIC decoding with libheif (our SIMD build)', () => {
  it('is libheif 1.18 or later, which iOS 18 photos need', () => {
    const [major, minor] = lib.heif_get_version().split('.').map(Number);
    expect(major! * 100 + minor!).toBeGreaterThanOrEqual(118);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))(
    'shows %s as its source photo, upright and whole',
    async (name, fixture) => {
      const decoder = new HeifDecoder(() => Promise.resolve(lib));
      const means = await decoder.decode(bytesOf(name), (p) => {
        expect([p.width, p.height]).toEqual([fixture.width, fixture.height]);
        expect(p.data.length).toBe(p.width * p.height * 4);
        return blockMeans(p.data, p.width, p.height);
      });
      const near = distance(means, fixture.blocks);
      // HEVC at quality 70 on 128-pixel photos: a few levels off on average.
      expect(near).toBeLessThan(8);
      expect(distance(means, fixture.unlikeBlocks)).toBeGreaterThan(near + 10);
    },
  );

  it('decodes one photo at a time per decoder', async () => {
    const decoder = new HeifDecoder(() => Promise.resolve(lib));
    let inside = 0;
    let most = 0;
    const use = async () => {
      most = Math.max(most, ++inside);
      await new Promise((r) => setTimeout(r, 5));
      inside--;
    };
    await Promise.all(fixtures.map((f) => decoder.decode(bytesOf(f.name), use)));
    expect(most).toBe(1);
  });

  it('names what is wrong with a damaged file, and goes on to the next', async () => {
    const decoder = new HeifDecoder(() => Promise.resolve(lib));
    const junk = new Uint8Array(readFileSync(path.join(BAD_FILES, 'photo.heic')));
    // Junk after the header is damage, not a file cut short: it reaches the decoder.
    expect(heifEnd(junk)).toBe(junk.length);
    const error = await decoder.decode(junk, () => 0).catch((e: unknown) => e);
    expect(isHeifDecodeError(error)).toBe(true);
    expect((error as Error).message).toMatch(/meta box/);
    const whole = bytesOf('red-circle.heic');
    const cut = whole.slice(0, Math.floor(whole.length / 2));
    await expect(decoder.decode(cut, () => 0)).rejects.toThrow(/end of file|outside of file/i);
    await expect(decoder.decode(whole, (p) => p.width)).resolves.toBe(128);
  });
});

describe('the SIMD build and libheif-js, the fallback for engines without SIMD', () => {
  let fallback: Libheif;
  beforeAll(async () => {
    fallback = await loadLibheifInNode('libheif-js');
  });

  it.each(fixtures.map((f) => [f.name] as const))(
    'decode %s to the same pixels, byte for byte',
    async (name) => {
      const ours = await rgbaOf(lib, name);
      const theirs = await rgbaOf(fallback, name);
      expect([ours.width, ours.height]).toEqual([theirs.width, theirs.height]);
      let differing = 0;
      for (let i = 0; i < ours.data.length; i++) if (ours.data[i] !== theirs.data[i]) differing++;
      expect(ours.data.length).toBe(theirs.data.length);
      expect(differing).toBe(0);
    },
  );

  it('give the same errors for damaged and cut-short files', async () => {
    const junk = new Uint8Array(readFileSync(path.join(BAD_FILES, 'photo.heic')));
    const whole = bytesOf('red-circle.heic');
    const cut = whole.slice(0, Math.floor(whole.length / 2));
    for (const bytes of [junk, cut]) {
      const messageOf = (library: Libheif) =>
        new HeifDecoder(() => Promise.resolve(library))
          .decode(bytes, () => 'decoded')
          .catch((e: unknown) => (isHeifDecodeError(e) ? e.message : String(e)));
      const ours = await messageOf(lib);
      expect(ours).toMatch(/meta box|end of file|outside of file/i);
      expect(ours).toBe(await messageOf(fallback));
    }
  });
});

describe('the HEIF header', () => {
  it('reads the shown size of the primary image, turned by irot', () => {
    for (const f of fixtures)
      expect(heifDisplaySize(bytesOf(f.name).subarray(0, HEAD_BYTES))).toEqual({
        width: f.width,
        height: f.height,
      });
  });

  it('accepts HEIC photos, with their size and MIME type', () => {
    const b = bytesOf('rotated.heic');
    const v = inspectHeader(b.subarray(0, HEAD_BYTES), b.subarray(-TAIL_BYTES), b.length);
    expect(v).toEqual({
      ok: true,
      info: { kind: 'heic', mime: 'image/heic', width: 128, height: 80, endUnseen: true },
    });
  });

  it('tells a file cut short from a whole one by its box sizes', () => {
    const whole = bytesOf('multi-image.heic');
    expect(heifEnd(whole)).toBe(whole.length);
    expect(imageEnd('heic', whole.subarray(0, whole.length - 1))).toBeUndefined();
    expect(imageEnd('heic', whole.subarray(0, 100))).toBeUndefined();
  });

  it(`refuses photos above ${MAX_HEIC_PIXELS / 1e6} MP before decoding them`, () => {
    const b = bytesOf('red-circle.heic').slice();
    const v = new DataView(b.buffer);
    // Rewrite the ispe property's size to 10000 × 8000 (80 MP).
    const at = Buffer.from(b).indexOf('ispe') + 8;
    v.setUint32(at, 10_000);
    v.setUint32(at + 4, 8_000);
    const verdict = inspectHeader(b.subarray(0, HEAD_BYTES), b.subarray(-TAIL_BYTES), b.length);
    expect(verdict).toMatchObject({ ok: false, reason: 'too-large' });
    expect(!verdict.ok && verdict.message).toMatch(/80 MP\); the limit is 64 MP/);
  });
});
