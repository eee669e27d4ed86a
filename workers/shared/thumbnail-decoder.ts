import type { ImagePixels } from '../embedding/protocol';

/**
 * A stored thumbnail decoded to RGBA pixels by the browser: createImageBitmap, drawn on an
 * OffscreenCanvas and read back. Used by the workers that measure thumbnails (aesthetic pixel
 * scores, moments' colour layouts).
 */
export async function decodeThumbnail(blob: Blob): Promise<ImagePixels> {
  const bitmap = await createImageBitmap(blob);
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('2D canvas unavailable');
    ctx.drawImage(bitmap, 0, 0);
    const { data, width, height } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    return { data, width, height };
  } finally {
    bitmap.close();
  }
}

/** Whether this context has what decodeThumbnail needs (a worker in a browser has). */
export function canDecodeThumbnails(): boolean {
  return typeof createImageBitmap === 'function' && typeof OffscreenCanvas !== 'undefined';
}
