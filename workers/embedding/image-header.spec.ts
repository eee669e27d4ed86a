import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_PIXELS, imageEnd, inspectHeader } from './image-header';

const bytes = (...parts: (number[] | string)[]) =>
  new Uint8Array(
    parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)),
  );
const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const u16 = (n: number) => [(n >>> 8) & 255, n & 255];

function png(w: number, h: number, withEnd = true) {
  const head = bytes(
    [0x89],
    'PNG\r\n\x1a\n',
    u32(13),
    'IHDR',
    u32(w),
    u32(h),
    [8, 6, 0, 0, 0],
    u32(0),
  );
  const tail = withEnd ? bytes(u32(0), 'IEND', [0xae, 0x42, 0x60, 0x82]) : bytes([1, 2, 3, 4]);
  return { head, tail, size: head.length + 100 + tail.length };
}

function jpeg(w: number, h: number, withEnd = true) {
  const app0 = [0xff, 0xe0, ...u16(16), ...bytes('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0];
  const sof = [
    0xff,
    0xc0,
    ...u16(17),
    8,
    ...u16(h),
    ...u16(w),
    3,
    1,
    0x22,
    0,
    2,
    0x11,
    1,
    3,
    0x11,
    1,
  ];
  const head = bytes([0xff, 0xd8], app0, sof, [0xff, 0xda]);
  const tail = withEnd ? bytes([0x12, 0x34, 0xff, 0xd9]) : bytes([0x12, 0x34, 0x56, 0x78]);
  return { head, tail, size: 5000 };
}

describe('inspectHeader', () => {
  it('accepts a PNG and reads its size', () => {
    const { head, tail, size } = png(640, 480);
    expect(inspectHeader(head, tail, size)).toEqual({
      ok: true,
      info: { kind: 'png', mime: 'image/png', width: 640, height: 480 },
    });
  });

  it('accepts a JPEG and finds its size behind the JFIF segment', () => {
    const { head, tail, size } = jpeg(4032, 3024);
    const v = inspectHeader(head, tail, size);
    expect(v.ok && v.info).toMatchObject({ kind: 'jpeg', width: 4032, height: 3024 });
  });

  it('accepts a JPEG padded with bytes after its end marker', () => {
    const { head, size } = jpeg(10, 10);
    const tail = bytes([0xff, 0xd9, 0, 0, 0, 0, 0, 0]);
    expect(inspectHeader(head, tail, size).ok).toBe(true);
  });

  it('reports empty files', () => {
    expect(inspectHeader(new Uint8Array(), new Uint8Array(), 0)).toMatchObject({
      ok: false,
      reason: 'empty',
    });
  });

  it('reports text that only pretends to be an image', () => {
    const text = bytes('Shopping list: milk, eggs');
    expect(inspectHeader(text, text, text.length)).toMatchObject({
      ok: false,
      reason: 'not-an-image',
    });
  });

  it('names videos as videos, whatever their size', () => {
    const mov = bytes(u32(20), 'ftypqt  ', u32(0), 'qt  ');
    const verdict = inspectHeader(mov, bytes([0]), 2 ** 31);
    expect(verdict).toMatchObject({ ok: false, reason: 'not-an-image' });
    expect(!verdict.ok && verdict.message).toMatch(/^Videos are not indexed/);
    const text = bytes('Shopping list: milk, eggs');
    const other = inspectHeader(text, text, text.length);
    expect(!other.ok && other.message).not.toMatch(/video/i);
  });

  it('names camera raw files, Canon’s ISO-based CR3 too, as raw rather than as videos', () => {
    const cr3 = bytes(u32(24), 'ftypcrx ', u32(1), 'crx isom');
    const verdict = inspectHeader(cr3, bytes([0]), 40_000_000);
    expect(verdict).toMatchObject({ ok: false, reason: 'unsupported-format' });
    expect(!verdict.ok && verdict.message).toMatch(/camera raw/);
  });

  it('leaves a JPEG or PNG without its end marker near the end to a walk of the whole file', () => {
    const j = jpeg(100, 100, false);
    expect(inspectHeader(j.head, j.tail, j.size)).toMatchObject({
      ok: true,
      info: { endUnseen: true },
    });
    const p = png(100, 100, false);
    expect(inspectHeader(p.head, p.tail, p.size)).toMatchObject({
      ok: true,
      info: { endUnseen: true },
    });
  });

  it('reports a GIF without its trailer as cut off', () => {
    const gif = bytes('GIF89a', u16(0x4000), u16(0x3000), [0, 0, 0], '...');
    expect(inspectHeader(gif, bytes([1, 2, 3]), 5000)).toMatchObject({
      ok: false,
      reason: 'truncated',
    });
  });

  it('refuses decompression bombs before decoding', () => {
    const p = png(60_000, 60_000);
    const v = inspectHeader(p.head, p.tail, p.size);
    expect(v).toMatchObject({ ok: false, reason: 'too-large' });
    expect(!v.ok && v.message).toMatch(/60000×60000/);
    const side = Math.floor(Math.sqrt(MAX_PIXELS)) + 10;
    const q = png(side, side);
    expect(inspectHeader(q.head, q.tail, q.size)).toMatchObject({ ok: false, reason: 'too-large' });
  });

  it('takes a phone’s 108 or 200 MP JPEG where JPEGs decode at reduced scale, not a PNG', () => {
    for (const [w, h] of [
      [12_000, 9_000],
      [16_320, 12_240],
    ] as const) {
      const j = jpeg(w, h);
      expect(inspectHeader(j.head, j.tail, j.size, true)).toMatchObject({
        ok: true,
        info: { width: w, height: h },
      });
      // Without a reduced-scale decoder it would be decoded in full: refused as before.
      const full = inspectHeader(j.head, j.tail, j.size, false);
      expect(full).toMatchObject({ ok: false, reason: 'too-large' });
      expect(!full.ok && full.message).toMatch(/limit is 100 MP/);
      const p = png(w, h);
      expect(inspectHeader(p.head, p.tail, p.size, true)).toMatchObject({ reason: 'too-large' });
    }
    const bomb = jpeg(30_000, 30_000);
    const v = inspectHeader(bomb.head, bomb.tail, bomb.size, true);
    expect(v).toMatchObject({ ok: false, reason: 'too-large' });
    expect(!v.ok && v.message).toMatch(/900 MP\); the limit is 400 MP/);
  });

  it('passes HEIC and HEIF photos on to the decoder, which the whole file must satisfy', () => {
    // Sizes and the end of the file come from the boxes (heic/heic-fixtures.spec.ts).
    for (const brand of ['heic', 'heix', 'mif1', 'msf1']) {
      const heic = bytes(u32(24), `ftyp${brand}`, u32(0), 'mif1heic', [0, 0, 0, 0]);
      expect(inspectHeader(heic, heic, 5000)).toEqual({
        ok: true,
        info: { kind: 'heic', mime: 'image/heic', endUnseen: true },
      });
    }
  });

  it('does not index SVG files, which can carry scripts', () => {
    const svg = bytes(
      '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    );
    expect(inspectHeader(svg, svg, svg.length)).toMatchObject({
      ok: false,
      reason: 'svg-not-indexed',
    });
  });

  it('recognises GIF, WebP, BMP and AVIF', () => {
    const gif = bytes('GIF89a', [10, 0, 20, 0], [0, 0, 0]);
    expect(inspectHeader(gif, bytes([0x3b]), 100)).toMatchObject({
      ok: true,
      info: { kind: 'gif', width: 10, height: 20 },
    });
    const webp = bytes(
      'RIFF',
      u32(0),
      'WEBP',
      'VP8X',
      u32(10),
      [0, 0, 0, 0],
      [99, 0, 0],
      [49, 0, 0],
    );
    expect(inspectHeader(webp, webp, 100)).toMatchObject({
      ok: true,
      info: { kind: 'webp', width: 100, height: 50 },
    });
    const avif = bytes(u32(28), 'ftypavif', u32(0), 'avifmif1');
    expect(inspectHeader(avif, avif, 100)).toMatchObject({ ok: true, info: { kind: 'avif' } });
  });
});

const le32 = (n: number) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255];

/** A BMP file header plus the start of a BITMAPINFOHEADER: width and height are signed. */
function bmp(w: number, h: number) {
  const head = bytes(
    'BM',
    le32(54 + 4),
    le32(0),
    le32(54),
    le32(40),
    le32(w),
    le32(h),
    [1, 0, 24, 0],
  );
  return { head, tail: head, size: 58 };
}

describe('inspectHeader on impossible sizes', () => {
  it('accepts a top-down BMP (negative height) with its real height', () => {
    const b = bmp(640, -480);
    expect(inspectHeader(b.head, b.tail, b.size)).toMatchObject({
      ok: true,
      info: { kind: 'bmp', width: 640, height: 480 },
    });
  });

  it('calls a negative BMP width a damaged header, without negative numbers', () => {
    // The bytes of a real corrupt file that was reported as "-604045312×67126016 pixels".
    const b = bmp(-604045312, 67126016);
    const v = inspectHeader(b.head, b.tail, b.size);
    expect(v).toMatchObject({ ok: false, reason: 'corrupt' });
    expect(!v.ok && v.message).toMatch(/header is damaged/);
    expect(!v.ok && v.message).not.toMatch(/-\d/);
  });

  it('names a zero size as a damaged header', () => {
    const p = png(0, 0);
    const v = inspectHeader(p.head, p.tail, p.size);
    expect(v).toMatchObject({ ok: false, reason: 'corrupt' });
    expect(!v.ok && v.message).toBe("The file's header is damaged: it claims a 0×0 image.");
    const q = png(0, 10);
    expect(!inspectHeader(q.head, q.tail, q.size).ok).toBe(true);
  });

  it('reads PNG sizes unsigned, and calls sizes beyond the format a damaged header', () => {
    // 0xdc000000 would read as -603979776 if read signed; PNG allows at most 2^31 - 1.
    const p = png(0xdc000000, 100);
    const v = inspectHeader(p.head, p.tail, p.size);
    expect(v).toMatchObject({ ok: false, reason: 'corrupt' });
    expect(!v.ok && v.message).toBe(
      "The file's header is damaged: it claims a 3690987520×100 image.",
    );
  });
});

describe('inspectHeader on the committed hostile files (e2e/fixtures/bad-files)', () => {
  const dir = path.resolve(import.meta.dirname, '../../e2e/fixtures/bad-files');
  const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as {
    files: { name: string; expect: string; reason?: string }[];
  };
  // "corrupt" needs a real decoder (the e2e test covers it); "ignored" files never get here.
  const cases = expected.files.filter(
    (f) => f.expect === 'indexed' || (f.expect === 'skipped' && f.reason !== 'corrupt'),
  );

  // What prepareFile does before decoding: the header and tail, then the whole file if need be.
  const verdictOf = (bytes: Uint8Array) => {
    const verdict = inspectHeader(
      bytes.subarray(0, 256 * 1024),
      bytes.subarray(Math.max(0, bytes.length - 1024)),
      bytes.length,
    );
    if (!verdict.ok || !verdict.info.endUnseen) return verdict;
    return imageEnd(verdict.info.kind, bytes) === undefined
      ? { ok: false, reason: 'truncated' }
      : verdict;
  };

  it.each(cases)('$name: $expect $reason', ({ name, expect: outcome, reason }) => {
    const verdict = verdictOf(new Uint8Array(readFileSync(path.join(dir, name))));
    if (outcome === 'indexed') expect(verdict.ok).toBe(true);
    else expect(verdict).toMatchObject({ ok: false, reason });
  });
});

describe('imageEnd', () => {
  const dir = path.resolve(import.meta.dirname, '../../e2e/fixtures/bad-files');
  const file = (name: string) => new Uint8Array(readFileSync(path.join(dir, name)));
  const indexOf = (b: Uint8Array, needle: string | number[]) =>
    Buffer.from(b).indexOf(typeof needle === 'string' ? needle : Buffer.from(needle));

  it('finds the end of a motion photo’s JPEG before its video, past the EXIF thumbnail', () => {
    const motion = file('motion-photo.jpg');
    const end = imageEnd('jpeg', motion)!;
    // The video box starts right after the photo: its size field, then "ftyp".
    expect(end).toBe(indexOf(motion, 'ftypmp42') - 4);
    expect([motion[end - 2], motion[end - 1]]).toEqual([0xff, 0xd9]);
    // The thumbnail's own end marker comes far earlier and is not the photo's end.
    const thumbEnd = indexOf(motion, [0xff, 0xd9]);
    expect(thumbEnd).toBeGreaterThan(0);
    expect(thumbEnd + 2).toBeLessThan(end);
  });

  it('calls a JPEG cut inside its image data cut off, whatever the thumbnail holds', () => {
    expect(imageEnd('jpeg', file('cut-motion-photo.jpg'))).toBeUndefined();
    expect(imageEnd('jpeg', file('truncated.jpg'))).toBeUndefined();
  });

  it('finds a whole JPEG’s end at the end of the file, and a PNG’s after IEND', () => {
    const good = file('good-1.jpg');
    expect(imageEnd('jpeg', good)).toBe(good.length);
    const png = file('good-3.png');
    const padded = new Uint8Array([...png, ...new Uint8Array(4096).fill(7)]);
    expect(imageEnd('png', padded)).toBe(png.length);
    expect(imageEnd('png', png.subarray(0, png.length - 20))).toBeUndefined();
  });

  it('reads stuffed bytes and restart markers as scan data, not as the end', () => {
    const scan = [0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, 0xff, 0xff, 0xd7, 0x78];
    const sos = [0xff, 0xda, ...u16(8), 1, 1, 0, 0, 0x3f, 0];
    const whole = bytes([0xff, 0xd8], sos, scan, [0xff, 0xd9], 'trailing video bytes');
    expect(imageEnd('jpeg', whole)).toBe(2 + sos.length + scan.length + 2);
    expect(imageEnd('jpeg', bytes([0xff, 0xd8], sos, scan))).toBeUndefined();
  });
});
