import { decodeHeic, type FitSize } from './heic/decode-heic';
import { MAX_PIXELS, scalesJpeg, type HeaderInfo } from './image-header';
import type { PreparedImage } from './protocol';
import { colourLayout } from '../../src/core/colour-layout';
import { MEASURE_LONG_SIDE, measureSize, subjectSharpness } from '../../src/core/subject-sharpness';

/** Thumbnails and model inputs share one downsized decode: shortest side at most this. */
export const WORKING_SIDE = 256;

/** The working size of an image whose stored dimensions are w0 × h0 (1 = no downsizing). */
function workingScale(w0: number, h0: number): number {
  return w0 && h0 ? Math.min(1, WORKING_SIDE / Math.min(w0, h0)) : 1;
}

/**
 * The size to ask a JPEG decoder for: libjpeg scales by n/8 while it decodes, and Chromium
 * picks the largest n/8 whose pixel count fits the asked size. Asking for exactly the
 * smallest n/8 that still covers the working size, and the subject-sharpness measure's long
 * side (MEASURE_LONG_SIDE), gets that scale, never a smaller one.
 */
export function jpegDecodeSize(w0: number, h0: number): { width: number; height: number } {
  const cover = Math.max(
    Math.ceil((8 * WORKING_SIDE) / Math.min(w0, h0)),
    Math.ceil((8 * MEASURE_LONG_SIDE) / Math.max(w0, h0)),
  );
  const eighths = Math.min(8, Math.max(1, cover));
  return { width: Math.ceil((w0 * eighths) / 8), height: Math.ceil((h0 * eighths) / 8) };
}

/**
 * A JPEG decoded straight to about the working size with WebCodecs' ImageDecoder (the DCT
 * is scaled, so the full-size pixels never exist). The frame carries the EXIF orientation,
 * which drawing it applies. Undefined where the browser has no ImageDecoder.
 */
async function decodeJpegScaled(blob: Blob, info: HeaderInfo): Promise<VideoFrame | undefined> {
  const w0 = info.width ?? 0;
  const h0 = info.height ?? 0;
  if (info.mime !== 'image/jpeg' || !w0 || !h0 || !scalesJpeg()) return;
  if (workingScale(w0, h0) > 0.5) return; // small already: nothing to gain
  const data = await blob.arrayBuffer();
  const size = jpegDecodeSize(w0, h0);
  const decoder = new ImageDecoder({
    data,
    type: 'image/jpeg',
    desiredWidth: size.width,
    desiredHeight: size.height,
    colorSpaceConversion: 'default',
  });
  try {
    return (await decoder.decode()).image;
  } finally {
    decoder.close();
  }
}

/** The working size of a picture shown at width × height: shorter side at most WORKING_SIDE. */
const toWorkingSize: FitSize = (width, height) => {
  const k = workingScale(width, height);
  return { width: Math.max(1, Math.round(width * k)), height: Math.max(1, Math.round(height * k)) };
};

/** What is decoded: the working size, and the subject-sharpness measure's long side. */
const toDecodeSize: FitSize = (width, height) => {
  const working = toWorkingSize(width, height);
  const measure = measureSize(width, height);
  return measure.width > working.width ? measure : working;
};

/**
 * Decodes an image off the main thread and downsizes it once: the thumbnail and
 * the model's input both come from that copy. JPEGs are decoded at reduced size where the
 * browser can; other formats go through createImageBitmap's resize, which also keeps the
 * full-size pixels out of JavaScript. HEICs are decoded whole (HEVC has no reduced scale),
 * one at a time, and brought down at once (heic/decode-heic.ts).
 */
export async function decodeImage(blob: Blob, info: HeaderInfo): Promise<PreparedImage> {
  if (info.kind === 'heic') {
    const shown =
      info.width && info.height ? { width: info.width, height: info.height } : undefined;
    const { bitmap, width, height } = await decodeHeic(blob, toDecodeSize, shown);
    try {
      // Sized again here: a browser that ignores createImageBitmap's resize hands back more.
      const working = toWorkingSize(bitmap.width, bitmap.height);
      return { width, height, ...(await fromWorkingCopy(bitmap, working.width, working.height)) };
    } finally {
      bitmap.close();
    }
  }
  const w0 = info.width ?? 0;
  const h0 = info.height ?? 0;
  const scale = workingScale(w0, h0);
  let source: VideoFrame | ImageBitmap | undefined;
  try {
    // A JPEG that ImageDecoder rejects gets a second chance below (and a reason if it fails).
    const frame = await decodeJpegScaled(blob, info).catch(() => undefined);
    let width: number;
    let height: number;
    if (frame) {
      source = frame;
      // Displayed (oriented) size, brought down to the working size.
      const k = WORKING_SIDE / Math.min(frame.displayWidth, frame.displayHeight);
      width = Math.max(1, Math.round(frame.displayWidth * Math.min(1, k)));
      height = Math.max(1, Math.round(frame.displayHeight * Math.min(1, k)));
    } else {
      // Only the reduced-scale decode may take a JPEG this large (image-header.ts): never decode
      // it in full as a fallback.
      if (w0 * h0 > MAX_PIXELS) {
        throw new Error(
          `this browser could not decode its ${Math.round((w0 * h0) / 1e6)} MP at reduced size`,
        );
      }
      const options: ImageBitmapOptions = {
        imageOrientation: 'from-image',
        colorSpaceConversion: 'default',
      };
      // Large enough for the subject-sharpness measure too (brought down to the working size below).
      const decodeScale = Math.max(scale, Math.min(1, MEASURE_LONG_SIDE / Math.max(w0, h0)));
      if (decodeScale < 1) {
        // One dimension only: the other follows the oriented aspect ratio.
        options.resizeWidth = Math.max(1, Math.round(w0 * decodeScale));
        options.resizeQuality = 'high';
      }
      source = await createImageBitmap(blob, options);
      ({ width, height } = toWorkingSize(source.width, source.height));
    }
    const working = await fromWorkingCopy(source, width, height);
    // Full-size dimensions as displayed: swap the header's when EXIF rotated the image.
    const rotated = w0 && h0 && w0 > h0 !== width > height && w0 !== h0;
    return {
      width: rotated ? h0 : w0 || width,
      height: rotated ? w0 : h0 || height,
      ...working,
    };
  } finally {
    source?.close();
  }
}

/**
 * The thumbnail, the model's pixels and the colour layout, all from one picture drawn at the
 * working size.
 */
async function fromWorkingCopy(
  source: VideoFrame | ImageBitmap,
  width: number,
  height: number,
): Promise<Pick<PreparedImage, 'thumbnail' | 'pixels' | 'subjectSharpness' | 'colourLayout'>> {
  if (width === 0 || height === 0) throw new Error('no pixels');
  const subject = measureSubject(source);
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('2D canvas unavailable');
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, 0, 0, width, height);
  const pixels = ctx.getImageData(0, 0, width, height);
  const thumbnail = await canvas.convertToBlob({ type: 'image/webp', quality: 0.82 });
  return {
    thumbnail,
    pixels: { data: pixels.data, width, height },
    colourLayout: colourLayout({ data: pixels.data, width, height }),
    ...subject,
  };
}

/**
 * Subject sharpness, drawn at the measure's size from the decoded picture before it is brought
 * down (src/core/subject-sharpness.ts). Left out when the decode is smaller than the measure
 * asks and the photo is larger: a figure from fewer pixels would not compare with the others.
 */
function measureSubject(source: VideoFrame | ImageBitmap): Pick<PreparedImage, 'subjectSharpness'> {
  const w = 'displayWidth' in source ? source.displayWidth : source.width;
  const h = 'displayHeight' in source ? source.displayHeight : source.height;
  const size = measureSize(w, h);
  if (Math.max(size.width, size.height) < Math.min(MEASURE_LONG_SIDE, Math.max(w, h))) return {};
  const canvas = new OffscreenCanvas(size.width, size.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return {};
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, 0, 0, size.width, size.height);
  const { data } = ctx.getImageData(0, 0, size.width, size.height);
  return { subjectSharpness: subjectSharpness({ data, ...size }) };
}

export async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}
