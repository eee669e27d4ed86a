// When, where and with what a photo was taken, from the bytes the decoder worker has already
// read and hashed (no second read of the file).
//
// The parser is exifr (MIT, maintained): about 75 kB, no eval or `new Function` (the app's
// Content-Security-Policy forbids them), reads JPEG APP1, PNG eXIf, HEIC/AVIF and TIFF from an
// ArrayBuffer, and can be told which tags to keep, so a photo costs a walk over its few
// metadata segments rather than a decode of every tag. HEIF's Exif item is located by
// heif-exif.ts and only its TIFF block handed to exifr (see there why). exifr does not read
// WebP's EXIF chunk; WebP photos fall back to the file's time.
import exifr from 'exifr';
import type { PhotoMetadata } from '../../src/core/photo-metadata';
import { heifExifTiff } from './heif-exif';

/** The EXIF tags used; exifr skips the rest of each IFD. */
const TAGS = [
  'Make',
  'Model',
  'DateTimeOriginal',
  'CreateDate',
  'DateTimeDigitized',
  'OffsetTimeOriginal',
  'OffsetTime',
  'OffsetTimeDigitized',
  'LensModel',
  'LensMake',
  'GPSLatitude',
  'GPSLatitudeRef',
  'GPSLongitude',
  'GPSLongitudeRef',
];

/** Segments that cannot hold these tags, and conversions the raw values do not need, are off. */
const COMMON = {
  icc: false,
  iptc: false,
  jfif: false,
  ihdr: false,
  interop: false,
  ifd1: false,
  makerNote: false,
  userComment: false,
  // Raw strings: exifr's revived dates would be read in the browser's time zone.
  translateValues: false,
  reviveValues: false,
  mergeOutput: true,
  silentErrors: true,
  chunked: false,
};

const EXIF_OPTIONS = {
  ...COMMON,
  tiff: true,
  ifd0: true,
  exif: true,
  gps: true,
  xmp: false,
  pick: TAGS,
};
/** Only for photos whose EXIF has no time (exports and editors often keep it in XMP alone). */
const XMP_OPTIONS = { ...COMMON, tiff: false, xmp: true };

const DAY_MS = 86_400_000;
/** 1900-01-01T00:00:00 read as UTC. */
const EARLIEST = Date.UTC(1900, 0, 1);

type Tags = Record<string, unknown>;

/**
 * The metadata of one file's bytes. `lastModified` (the File's, in UTC ms) is the fallback time,
 * read as the browser's wall clock. Never throws: whatever cannot be read is left out.
 */
export async function readMetadata(
  bytes: ArrayBuffer,
  lastModified: number | undefined,
  now = Date.now(),
): Promise<PhotoMetadata> {
  const tags = (await parse(bytes, EXIF_OPTIONS)) ?? {};
  const meta: PhotoMetadata = {};
  let time =
    takenTime(tags.DateTimeOriginal, tags.OffsetTimeOriginal ?? tags.OffsetTime, now) ??
    takenTime(tags.CreateDate, tags.OffsetTimeDigitized ?? tags.OffsetTime, now) ??
    takenTime(tags.DateTimeDigitized, tags.OffsetTimeDigitized ?? tags.OffsetTime, now);
  if (!time) {
    const xmp = (await parse(bytes, XMP_OPTIONS)) ?? {};
    time =
      takenTime(xmp.DateTimeOriginal, undefined, now) ??
      takenTime(xmp.CreateDate, undefined, now) ??
      takenTime(xmp.DateCreated, undefined, now);
  }
  if (time) Object.assign(meta, time);
  else if (lastModified !== undefined) Object.assign(meta, fileTime(lastModified, now));
  const lat = degrees(tags.GPSLatitude, tags.GPSLatitudeRef, 'S', 90);
  const lon = degrees(tags.GPSLongitude, tags.GPSLongitudeRef, 'W', 180);
  if (lat !== undefined && lon !== undefined && !(lat === 0 && lon === 0)) {
    meta.lat = lat;
    meta.lon = lon;
  }
  const camera = cameraName(tags.Make, tags.Model);
  if (camera) meta.camera = camera;
  const lens = cameraName(tags.LensMake, tags.LensModel);
  if (lens) meta.lens = lens;
  return meta;
}

async function parse(
  bytes: ArrayBuffer,
  options: typeof EXIF_OPTIONS | typeof XMP_OPTIONS,
): Promise<Tags | undefined> {
  let input = bytes;
  const head = new Uint8Array(bytes, 0, Math.min(2, bytes.byteLength));
  if (head[0] === 0 && head[1] === 0) {
    // ISO-BMFF (HEIF/HEIC/AVIF): the Exif item is found here (heif-exif.ts), never by exifr.
    const tiff = options === EXIF_OPTIONS ? heifExifTiff(new Uint8Array(bytes)) : undefined;
    if (!tiff) return undefined;
    input = tiff.slice().buffer;
  }
  try {
    const out: unknown = await exifr.parse(input, options as object);
    return out && typeof out === 'object' ? (out as Tags) : undefined;
  } catch {
    return undefined;
  }
}

/** "2019:07:14 18:30:05", "2019-07-14T18:30:05.123+01:00" and the like. */
const DATE =
  /^\s*(\d{4})[:-](\d{2})[:-](\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$/;
const OFFSET = /^\s*(Z|([+-])(\d{2}):?(\d{2}))\s*$/;

function takenTime(
  value: unknown,
  offsetValue: unknown,
  now: number,
): Pick<PhotoMetadata, 'takenAt' | 'offsetMin' | 'takenSource'> | undefined {
  if (typeof value !== 'string') return undefined;
  const m = DATE.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((s) => Number(s ?? 0));
  if (month! < 1 || month! > 12 || day! < 1 || day! > 31 || hour! > 23 || minute! > 59)
    return undefined;
  if (second! > 60) return undefined;
  const takenAt = Date.UTC(year!, month! - 1, day, hour, minute, second);
  // Date.UTC rolls 31 February over into March: such a date is not one the camera showed.
  if (new Date(takenAt).getUTCDate() !== day) return undefined;
  const offsetMin = offsetMinutes(m[7] ?? offsetValue);
  // The future check allows for the wall clock being up to 14 h ahead of UTC.
  const instant = takenAt - (offsetMin ?? 0) * 60_000;
  if (takenAt < EARLIEST || instant > now + DAY_MS) return undefined;
  return offsetMin === undefined
    ? { takenAt, takenSource: 'exif' }
    : { takenAt, offsetMin, takenSource: 'exif-offset' };
}

function offsetMinutes(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = OFFSET.exec(value);
  if (!m) return undefined;
  if (m[1] === 'Z') return 0;
  const minutes = Number(m[3]) * 60 + Number(m[4]);
  // Real offsets run from −12:00 to +14:00.
  if (Number(m[4]) > 59 || minutes > 14 * 60) return undefined;
  return m[2] === '-' ? -minutes : minutes;
}

/** The file's time as the browser's wall clock (the zone the person's computer is in). */
function fileTime(lastModified: number, now: number): PhotoMetadata | undefined {
  if (!Number.isFinite(lastModified)) return undefined;
  const zone = new Date(lastModified).getTimezoneOffset();
  const takenAt = lastModified - zone * 60_000;
  if (takenAt < EARLIEST || lastModified > now + DAY_MS) return undefined;
  return { takenAt, offsetMin: zone === 0 ? 0 : -zone, takenSource: 'file' };
}

/** Degrees from EXIF's [degrees, minutes, seconds] and its N/S or E/W reference. */
function degrees(value: unknown, ref: unknown, negative: string, limit: number) {
  const parts = Array.isArray(value) ? value : typeof value === 'number' ? [value] : undefined;
  if (!parts || parts.length === 0 || parts.length > 3) return undefined;
  if (!parts.every((p) => typeof p === 'number' && Number.isFinite(p) && p >= 0)) return undefined;
  const [d = 0, m = 0, s = 0] = parts as number[];
  let deg = d + m / 60 + s / 3600;
  if (typeof ref === 'string' && ref.trim().toUpperCase().startsWith(negative)) deg = -deg;
  if (!(Math.abs(deg) <= limit)) return undefined;
  return deg;
}

/** "Make Model" without the make twice ("Canon Canon EOS R5"), trimmed of padding and NULs. */
function cameraName(make: unknown, model: unknown): string | undefined {
  const tidy = (v: unknown) =>
    typeof v === 'string'
      ? v
          // eslint-disable-next-line no-control-regex
          .replace(/[\u0000-\u001f\u007f]/g, ' ')
          .replace(/\s+/g, ' ')
          .trim()
          .slice(0, 80)
      : '';
  const mk = tidy(make);
  const md = tidy(model);
  if (!md) return mk || undefined;
  if (!mk || md.toLowerCase().startsWith(mk.toLowerCase())) return md;
  // Makes are often company names ("NIKON CORPORATION") whose first word starts the model.
  const first = mk.split(' ')[0]!;
  if (md.toLowerCase().startsWith(first.toLowerCase() + ' ')) return md;
  return `${mk} ${md}`;
}
