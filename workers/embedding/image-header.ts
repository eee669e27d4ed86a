import type { SkipReason } from '../../src/core/store/db';

/** Larger images are refused before decoding: a 100-megapixel bitmap already needs 400 MB. */
export const MAX_PIXELS = 100_000_000;
export const MAX_SIDE = 30_000;
export const MAX_FILE_BYTES = 512 * 1024 * 1024;
/**
 * A JPEG that the browser decodes at reduced DCT scale (decode-image.ts) never has its full-size
 * pixels in memory: at 1/8 scale, 400 MP decode to 6 MP. Phones take 108 and 200 MP photos.
 */
export const MAX_SCALED_JPEG_PIXELS = 400_000_000;
export const MAX_JPEG_SIDE = 65_500;

/** Whether JPEGs are decoded at reduced scale here (WebCodecs' ImageDecoder; see decode-image.ts). */
export const scalesJpeg = (): boolean => typeof ImageDecoder !== 'undefined';

export type ImageKind = 'jpeg' | 'png' | 'gif' | 'webp' | 'bmp' | 'avif';

export interface HeaderInfo {
  kind: ImageKind;
  mime: string;
  /** Stored dimensions before EXIF orientation; undefined when the header does not say. */
  width?: number;
  height?: number;
}

export type HeaderVerdict =
  { ok: true; info: HeaderInfo } | { ok: false; reason: SkipReason; message: string };

const MIME: Record<ImageKind, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  avif: 'image/avif',
};

const ascii = (b: Uint8Array, start: number, len: number) =>
  String.fromCharCode(...b.subarray(start, start + len));

function isoBrand(b: Uint8Array): string | undefined {
  return b.length >= 12 && ascii(b, 4, 4) === 'ftyp' ? ascii(b, 8, 4) : undefined;
}

function looksLikeSvg(b: Uint8Array): boolean {
  const head = new TextDecoder('utf-8', { fatal: false })
    .decode(b.subarray(0, 1024))
    .replace(/^\uFEFF/, '')
    .trimStart()
    .toLowerCase();
  return head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'));
}

function pngSize(b: Uint8Array): [number, number] | undefined {
  if (b.length < 24 || ascii(b, 12, 4) !== 'IHDR') return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return [v.getUint32(16), v.getUint32(20)];
}

/** BMP sizes are signed: a negative height is legal and means the rows run top-down. */
function bmpSize(b: Uint8Array): [number, number] | undefined {
  if (b.length < 26) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return [v.getInt32(18, true), Math.abs(v.getInt32(22, true))];
}

/** No format allows a side above 2^31 - 1 (PNG's own limit), so a larger one is damage. */
const MAX_LEGAL_SIDE = 0x7fffffff;

/** A sentence for a size no real image has, or undefined when the size is possible. */
function damagedSize(w: number, h: number): string | undefined {
  if (w < 0 || h < 0) return "The file's header is damaged: it claims a negative size.";
  if (w === 0 || h === 0 || w > MAX_LEGAL_SIDE || h > MAX_LEGAL_SIDE)
    return `The file's header is damaged: it claims a ${w}×${h} image.`;
  return undefined;
}

function jpegSize(b: Uint8Array): [number, number] | undefined {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) {
      i++;
      continue;
    }
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i++;
      continue;
    }
    // Start-of-frame markers carry the size; C4 (DHT), C8 and CC (DAC) do not.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return [v.getUint16(i + 7), v.getUint16(i + 5)];
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    i += 2 + v.getUint16(i + 2);
  }
  return undefined;
}

function webpSize(b: Uint8Array): [number, number] | undefined {
  if (b.length < 30) return undefined;
  const chunk = ascii(b, 12, 4);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (chunk === 'VP8 ') return [v.getUint16(26, true) & 0x3fff, v.getUint16(28, true) & 0x3fff];
  if (chunk === 'VP8L') {
    const bits = v.getUint32(21, true);
    return [(bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1];
  }
  if (chunk === 'VP8X') {
    const w = 1 + (b[24]! | (b[25]! << 8) | (b[26]! << 16));
    const h = 1 + (b[27]! | (b[28]! << 8) | (b[29]! << 16));
    return [w, h];
  }
  return undefined;
}

function kindOf(b: Uint8Array): ImageKind | 'heic' | 'tiff' | 'svg' | undefined {
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b[0] === 0x89 && ascii(b, 1, 3) === 'PNG') return 'png';
  if (ascii(b, 0, 4) === 'GIF8') return 'gif';
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
  if (ascii(b, 0, 2) === 'BM' && b.length > 26) return 'bmp';
  const brand = isoBrand(b);
  if (brand === 'avif' || brand === 'avis') return 'avif';
  if (brand && ['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'].includes(brand))
    return 'heic';
  if (ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*') return 'tiff';
  if (looksLikeSvg(b)) return 'svg';
  return undefined;
}

/** True when the file stops before the format's end marker (the decoder would show grey). */
function isTruncated(kind: ImageKind, tail: Uint8Array): boolean {
  if (kind === 'jpeg') {
    // Cameras may pad after the end-of-image marker; look for it near the end.
    for (let i = tail.length - 2; i >= 0; i--)
      if (tail[i] === 0xff && tail[i + 1] === 0xd9) return false;
    return true;
  }
  if (kind === 'png') return !ascii(tail, 0, tail.length).includes('IEND');
  if (kind === 'gif') return !tail.includes(0x3b);
  return false;
}

/**
 * Decides from a file's first and last bytes whether it is an image this page can
 * index, without decoding it: decoding a hostile file is where browsers spend
 * seconds or gigabytes.
 */
export function inspectHeader(
  head: Uint8Array,
  tail: Uint8Array,
  size: number,
  scaledJpeg = scalesJpeg(),
): HeaderVerdict {
  if (size === 0) return { ok: false, reason: 'empty', message: 'The file is empty (0 bytes).' };
  if (size > MAX_FILE_BYTES) {
    const mb = Math.round(size / 2 ** 20);
    return {
      ok: false,
      reason: 'too-large',
      message: `The file is ${mb} MB; the limit is 512 MB.`,
    };
  }
  const kind = kindOf(head);
  if (kind === undefined)
    return {
      ok: false,
      reason: 'not-an-image',
      message: 'Not an image file this page recognises.',
    };
  if (kind === 'heic')
    return {
      ok: false,
      reason: 'unsupported-format',
      message:
        'HEIC/HEIF photos cannot be decoded by this browser. Export them as JPEG to include them.',
    };
  if (kind === 'tiff')
    return {
      ok: false,
      reason: 'unsupported-format',
      message: 'TIFF images cannot be decoded by this browser. Export them as JPEG or PNG.',
    };
  if (kind === 'svg')
    return {
      ok: false,
      reason: 'svg-not-indexed',
      message: 'SVG drawings are not indexed (they are not photos and can carry scripts).',
    };
  const size2 =
    kind === 'png'
      ? pngSize(head)
      : kind === 'jpeg'
        ? jpegSize(head)
        : kind === 'webp'
          ? webpSize(head)
          : kind === 'gif'
            ? ([head[6]! | (head[7]! << 8), head[8]! | (head[9]! << 8)] as [number, number])
            : kind === 'bmp'
              ? bmpSize(head)
              : undefined;
  if (size2) {
    const [w, h] = size2;
    const damaged = damagedSize(w, h);
    if (damaged) return { ok: false, reason: 'corrupt', message: damaged };
    const scaled = kind === 'jpeg' && scaledJpeg;
    const maxSide = scaled ? MAX_JPEG_SIDE : MAX_SIDE;
    const maxPixels = scaled ? MAX_SCALED_JPEG_PIXELS : MAX_PIXELS;
    if (w > maxSide || h > maxSide || w * h > maxPixels) {
      return {
        ok: false,
        reason: 'too-large',
        message: `The image claims ${w}×${h} pixels (${Math.round((w * h) / 1e6)} MP); the limit is ${maxPixels / 1e6} MP.`,
      };
    }
  }
  if (isTruncated(kind, tail))
    return {
      ok: false,
      reason: 'truncated',
      message: 'The file is cut off before the image ends.',
    };
  return {
    ok: true,
    info: { kind, mime: MIME[kind], ...(size2 ? { width: size2[0], height: size2[1] } : {}) },
  };
}

/** How many bytes of a file's start inspectHeader needs to find a JPEG's size behind EXIF data. */
export const HEAD_BYTES = 256 * 1024;
export const TAIL_BYTES = 1024;
