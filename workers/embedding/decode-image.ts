import type { HeaderInfo } from './image-header';
import type { PreparedImage } from './protocol';

/** Thumbnails and model inputs share one downsized decode: shortest side at most this. */
export const WORKING_SIDE = 256;

/**
 * Decodes an image off the main thread and downsizes it once: the thumbnail and
 * the model's input both come from that copy.
 */
export async function decodeImage(blob: Blob, info: HeaderInfo): Promise<PreparedImage> {
  const w0 = info.width ?? 0;
  const h0 = info.height ?? 0;
  const scale = w0 && h0 ? Math.min(1, WORKING_SIDE / Math.min(w0, h0)) : 1;
  const options: ImageBitmapOptions = {
    imageOrientation: 'from-image',
    colorSpaceConversion: 'default',
  };
  if (scale < 1) {
    // One dimension only: the other follows the oriented aspect ratio.
    options.resizeWidth = Math.max(1, Math.round(w0 * scale));
    options.resizeQuality = 'high';
  }
  const bitmap = await createImageBitmap(blob, options);
  try {
    const { width, height } = bitmap;
    if (width === 0 || height === 0) throw new Error('no pixels');
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('2D canvas unavailable');
    ctx.drawImage(bitmap, 0, 0);
    const pixels = ctx.getImageData(0, 0, width, height);
    const thumbnail = await canvas.convertToBlob({ type: 'image/webp', quality: 0.82 });
    // Full-size dimensions as displayed: swap the header's when EXIF rotated the image.
    const rotated = w0 && h0 && w0 > h0 !== width > height && w0 !== h0;
    return {
      width: rotated ? h0 : w0 || width,
      height: rotated ? w0 : h0 || height,
      thumbnail,
      pixels: { data: pixels.data, width, height },
    };
  } finally {
    bitmap.close();
  }
}

export async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}
