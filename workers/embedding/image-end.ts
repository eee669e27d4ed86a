// Where an image ends: the quick look at a file's last bytes, and the walk over the whole file
// that tells an image cut off from one followed by other data (a motion photo's video).
import { heifEnd } from './heic/heif-boxes';
import type { ImageKind } from './image-header';

const ascii = (b: Uint8Array, start: number, len: number) =>
  String.fromCharCode(...b.subarray(start, start + len));

/**
 * Whether the format's end marker lies among a file's last bytes: the quick look, which tells a
 * whole image from one cut off when nothing follows the image. Cameras pad a few bytes after it.
 */
export function endInTail(kind: ImageKind, tail: Uint8Array): boolean {
  if (kind === 'jpeg') {
    for (let i = tail.length - 2; i >= 0; i--)
      if (tail[i] === 0xff && tail[i + 1] === 0xd9) return true;
    return false;
  }
  if (kind === 'png') return ascii(tail, 0, tail.length).includes('IEND');
  if (kind === 'gif') return tail.includes(0x3b);
  // A HEIF file has no end marker: only its box sizes, over the whole file, tell.
  if (kind === 'heic') return false;
  return true;
}

/** Markers with no length after them: TEM, RST0–7, SOI. */
const standalone = (marker: number) =>
  marker === 0x01 || marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7);

/**
 * One past a JPEG's end-of-image marker, found by walking its segments and scans, or undefined
 * when the file stops first. Walking (not searching for FF D9) skips the thumbnail in the EXIF
 * segment, whose own end marker says nothing about the photo's.
 */
function jpegEnd(b: Uint8Array): number | undefined {
  let i = 2;
  while (i + 1 < b.length) {
    // Between segments only FF fill bytes belong; decoders skip anything else, and so does this.
    if (b[i] !== 0xff || b[i + 1] === 0xff) {
      i++;
      continue;
    }
    const marker = b[i + 1]!;
    if (marker === 0xd9) return i + 2;
    if (standalone(marker)) {
      i += 2;
      continue;
    }
    if (i + 3 >= b.length) return undefined;
    i += 2 + ((b[i + 2]! << 8) | b[i + 3]!);
    if (marker !== 0xda) continue;
    // Entropy-coded data follows a scan header: in it, FF is followed by 00 (a stuffed byte) or
    // a restart marker; any other marker ends the scan (the next scan's tables, or the end).
    for (;;) {
      i = b.indexOf(0xff, i);
      if (i < 0 || i + 1 >= b.length) return undefined;
      const next = b[i + 1]!;
      if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) i += 2;
      else if (next === 0xff) i++;
      else break;
    }
  }
  return undefined;
}

/** One past a PNG's IEND chunk, found by walking its chunks, or undefined when the file stops first. */
function pngEnd(b: Uint8Array): number | undefined {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let i = 8;
  while (i + 8 <= b.length) {
    const end = i + 12 + v.getUint32(i);
    if (ascii(b, i + 4, 4) === 'IEND') return end <= b.length ? end : undefined;
    i = end;
  }
  return undefined;
}

/**
 * Where the image inside a whole file ends, or undefined when the file is cut off before the
 * image does. For a file whose end marker is not among its last bytes (HeaderInfo.endUnseen):
 * phones write the video of a motion photo after the JPEG (Samsung, Google Pixel), and a file
 * that was only partly copied looks the same from its tail.
 */
export function imageEnd(kind: ImageKind, b: Uint8Array): number | undefined {
  if (kind === 'jpeg') return jpegEnd(b);
  if (kind === 'png') return pngEnd(b);
  if (kind === 'heic') return heifEnd(b);
  return b.length;
}
