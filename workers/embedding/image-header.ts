import type { SkipReason } from '../../src/core/store/db';
import { heifDisplaySize } from './heic/heif-boxes';
import { endInTail } from './image-end';
import { MAX_HEIC_PIXELS } from './heic/libheif';

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

export type ImageKind = 'jpeg' | 'png' | 'gif' | 'webp' | 'bmp' | 'avif' | 'heic';

export interface HeaderInfo {
  kind: ImageKind;
  mime: string;
  /**
   * Stored dimensions before EXIF orientation (for HEIC: as shown, after irot); undefined when
   * the header does not say.
   */
  width?: number;
  height?: number;
  /**
   * The end marker is not among the file's last bytes: imageEnd over the whole file tells an
   * image cut off from one followed by other data.
   */
  endUnseen?: boolean;
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
  heic: 'image/heic',
};

const ascii = (b: Uint8Array, start: number, len: number) =>
  String.fromCharCode(...b.subarray(start, start + len));

function isoBrand(b: Uint8Array): string | undefined {
  return b.length >= 12 && ascii(b, 4, 4) === 'ftyp' ? ascii(b, 8, 4) : undefined;
}

/**
 * Videos that phones and cameras leave beside photos: MP4/MOV/3GP (an ISO file whose brand is
 * not an image's), AVI, Matroska/WebM, MPEG transport streams (AVCHD .MTS).
 */
function looksLikeVideo(b: Uint8Array): boolean {
  const brand = isoBrand(b);
  if (brand && /^(qt {2}|isom|iso\d|mp4\d|M4V|avc1|3gp|3g2|MSNV|dash|mmp4|f4v|XAVC)/.test(brand))
    return true;
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'AVI ') return true;
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return true;
  // Transport stream packets: 188 bytes (192 in AVCHD's .MTS, after a 4-byte timecode).
  return [0, 4].some((o) => [0, 1, 2].every((k) => b[o + k * (o ? 192 : 188)] === 0x47));
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

function heicSize(b: Uint8Array): [number, number] | undefined {
  const size = heifDisplaySize(b);
  return size && [size.width, size.height];
}

function kindOf(b: Uint8Array): ImageKind | 'tiff' | 'svg' | undefined {
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b[0] === 0x89 && ascii(b, 1, 3) === 'PNG') return 'png';
  if (ascii(b, 0, 4) === 'GIF8') return 'gif';
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
  if (ascii(b, 0, 2) === 'BM' && b.length > 26) return 'bmp';
  const brand = isoBrand(b);
  if (brand === 'avif' || brand === 'avis') return 'avif';
  if (brand && ['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'].includes(brand))
    return 'heic';
  // Camera raw files are TIFF containers (CR2, NEF, ARW, DNG) or, for Canon's CR3, ISO ones.
  if (ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*' || brand === 'crx ') return 'tiff';
  if (looksLikeSvg(b)) return 'svg';
  return undefined;
}

export { imageEnd } from './image-end';

export const TRUNCATED = {
  reason: 'truncated',
  message: 'The file is cut off before the image ends.',
} as const satisfies { reason: SkipReason; message: string };

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
  const kind = kindOf(head);
  // Before the size limit: a 2 GB video is not a photo that is too large.
  if (kind === undefined)
    return {
      ok: false,
      reason: 'not-an-image',
      message: looksLikeVideo(head)
        ? 'Videos are not indexed; Lumen searches photos.'
        : 'Not an image file this page recognises.',
    };
  if (size > MAX_FILE_BYTES) {
    const mb = Math.round(size / 2 ** 20);
    return {
      ok: false,
      reason: 'too-large',
      message: `The file is ${mb} MB; the limit is 512 MB.`,
    };
  }
  if (kind === 'tiff')
    return {
      ok: false,
      reason: 'unsupported-format',
      message:
        'TIFF images and camera raw files cannot be decoded by this browser. Export them as JPEG or PNG.',
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
              : kind === 'heic'
                ? heicSize(head)
                : undefined;
  if (size2) {
    const [w, h] = size2;
    const damaged = damagedSize(w, h);
    if (damaged) return { ok: false, reason: 'corrupt', message: damaged };
    const scaled = kind === 'jpeg' && scaledJpeg;
    const maxSide = scaled ? MAX_JPEG_SIDE : MAX_SIDE;
    const maxPixels = scaled
      ? MAX_SCALED_JPEG_PIXELS
      : kind === 'heic'
        ? MAX_HEIC_PIXELS
        : MAX_PIXELS;
    if (w > maxSide || h > maxSide || w * h > maxPixels) {
      return {
        ok: false,
        reason: 'too-large',
        message: `The image claims ${w}×${h} pixels (${Math.round((w * h) / 1e6)} MP); the limit is ${maxPixels / 1e6} MP.`,
      };
    }
  }
  // Browsers decode a cut-off image without an error, grey below the cut. A JPEG or PNG may
  // have more after its end (a motion photo's video), and a HEIC's end is known only from its
  // box sizes, so for them the whole file decides.
  const endUnseen = !endInTail(kind, tail);
  if (endUnseen && kind !== 'jpeg' && kind !== 'png' && kind !== 'heic')
    return { ok: false, ...TRUNCATED };
  return {
    ok: true,
    info: {
      kind,
      mime: MIME[kind],
      ...(size2 ? { width: size2[0], height: size2[1] } : {}),
      ...(endUnseen ? { endUnseen } : {}),
    },
  };
}

/** How many bytes of a file's start inspectHeader needs to find a JPEG's size behind EXIF data. */
export const HEAD_BYTES = 256 * 1024;
export const TAIL_BYTES = 1024;
