import {
  COLOUR_LAYOUT_VERSION,
  colourLayout,
  type LayoutPixels,
} from '../../src/core/colour-layout';
import type { LumenDb } from '../../src/core/store/db';
import { writeColourLayouts } from '../../src/core/store/layout-store';
import { canDecodeThumbnails, decodeThumbnail } from '../shared/thumbnail-decoder';

/** Decodes a stored thumbnail to RGBA pixels. */
export type ThumbnailDecoder = (blob: Blob) => Promise<LayoutPixels>;

/** The browser's decode of a thumbnail, or null where this context cannot decode one. */
export function browserThumbnailDecoder(): ThumbnailDecoder | null {
  return canDecodeThumbnails() ? decodeThumbnail : null;
}

/** Thumbnails read and layouts stored per this many photos. */
const CHUNK = 256;

/**
 * Colour layouts for photos that have none (indexed before layouts were stored), measured on their
 * stored thumbnails: the thumbnail is the working copy the indexer measures, so the figure is the
 * one indexing would have stored (up to the thumbnail's compression). Each is added to `layouts`
 * and stored (layout-store.ts), so this runs once per photo. A photo without a thumbnail, or
 * whose thumbnail does not decode, is left without one. Returns the ids given a layout.
 */
export async function fillLayouts(
  db: LumenDb,
  ids: readonly number[],
  layouts: Map<number, Uint8Array>,
  decode: ThumbnailDecoder,
  onProgress?: (done: number, total: number) => void,
): Promise<number[]> {
  const filled: number[] = [];
  for (let at = 0; at < ids.length; at += CHUNK) {
    const chunk = ids.slice(at, at + CHUNK);
    // Read first, then decode: an IndexedDB transaction does not outlive awaits on other work.
    const tx = db.transaction('thumbnails');
    const blobs = await Promise.all(chunk.map((id) => tx.store.get(id)));
    await tx.done;
    const rows: { id: number; layout: Uint8Array }[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const blob = blobs[i];
      if (!blob) continue;
      try {
        rows.push({ id: chunk[i]!, layout: colourLayout(await decode(blob)) });
      } catch {
        // Left without a layout: it groups by the cosine alone.
      }
    }
    await writeColourLayouts(db, COLOUR_LAYOUT_VERSION, rows);
    for (const r of rows) {
      layouts.set(r.id, r.layout);
      filled.push(r.id);
    }
    onProgress?.(Math.min(ids.length, at + CHUNK), ids.length);
  }
  return filled;
}
