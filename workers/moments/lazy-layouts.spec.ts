import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { COLOUR_LAYOUT_VERSION } from '../../src/core/colour-layout';
import { openLibraryDb } from '../../src/core/store/db';
import { readColourLayouts } from '../../src/core/store/layout-store';
import { fillLayouts, type ThumbnailDecoder } from './lazy-layouts';

let n = 0;

/** A fake decoder: a 16 × 16 picture of one grey level, the thumbnail's first byte. */
const decode: ThumbnailDecoder = async (blob) => {
  const level = new Uint8Array(await blob.arrayBuffer())[0]!;
  if (level === 0) throw new Error('not a picture');
  return { data: new Uint8ClampedArray(16 * 16 * 4).fill(level), width: 16, height: 16 };
};

describe('fillLayouts', () => {
  it('measures layouts of photos that have none from their thumbnails, and stores them', async () => {
    const db = await openLibraryDb(`lazy-layouts-${++n}`);
    await db.put('thumbnails', new Blob([new Uint8Array([80])]), 1);
    await db.put('thumbnails', new Blob([new Uint8Array([0])]), 2); // does not decode
    // Photo 3 has no thumbnail.
    const layouts = new Map<number, Uint8Array>();
    const seen: number[] = [];
    const filled = await fillLayouts(db, [1, 2, 3], layouts, decode, (done) => seen.push(done));
    expect(filled).toEqual([1]);
    expect(layouts.get(1)?.every((v) => v === 80)).toBe(true);
    expect(seen).toEqual([3]);
    const stored = await readColourLayouts(db, COLOUR_LAYOUT_VERSION);
    expect([...stored.keys()]).toEqual([1]);
    expect(Array.from(stored.get(1)!)).toEqual(Array.from(layouts.get(1)!));
    db.close();
  });
});
