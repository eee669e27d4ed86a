import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { openLibraryDb } from '../../core/store/db';
import { photoRecord } from '../../core/store/test-photos';
import { ThumbnailCache } from './thumbnail-cache';

/** A photo, or a copy of photo `duplicateOf` (same bytes, so the same hash). */
const photo = (id: number, duplicateOf?: number) =>
  photoRecord(id, duplicateOf === undefined ? {} : { hash: String(duplicateOf), duplicateOf });

describe('thumbnail cache', () => {
  it('reads a screenful of thumbnails in one transaction, duplicates showing their original', async () => {
    const db = await openLibraryDb('thumbnail-cache-spec');
    for (let id = 1; id <= 40; id++) await db.put('photos', photo(id));
    await db.put('photos', photo(41, 7));
    for (let id = 1; id <= 40; id++)
      if (id !== 13) await db.put('thumbnails', new Blob([`t${id}`]), id);
    const transaction = vi.spyOn(db, 'transaction');
    const cache = new ThumbnailCache(() => Promise.resolve(db));
    const ids = Array.from({ length: 41 }, (_, i) => i + 1);
    const thumbs = await Promise.all(ids.map((id) => cache.get(id)));
    expect(transaction).toHaveBeenCalledTimes(1);
    // Photo 13 has no thumbnail; the duplicate 41 shows photo 7's.
    expect(thumbs.filter(Boolean)).toHaveLength(40);
    expect(thumbs[12]).toBeUndefined();
    expect(thumbs[40]?.photo.id).toBe(41);
    const text = async (url: string) => (await fetch(url)).text();
    expect(await text(thumbs[40]!.url)).toBe('t7');
    expect(await text(thumbs[4]!.url)).toBe('t5');
    // Asked again: from the cache, no new read.
    expect(await cache.get(5)).toBe(thumbs[4]);
    expect(transaction).toHaveBeenCalledTimes(1);
    db.close();
  });

  it('every caller of a failed batch hears the failure', async () => {
    const cache = new ThumbnailCache(() => Promise.reject(new Error('library closed')));
    const results = await Promise.allSettled([cache.get(1), cache.get(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
