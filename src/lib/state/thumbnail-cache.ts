import type { LumenDb, PhotoRecord } from '../../core/store/db';
import { getThumbnail } from '../../core/store/photo-store';

export interface Thumb {
  url: string;
  photo: PhotoRecord;
}

/**
 * Object URLs for the thumbnails on screen. Bounded, so scrolling through 100k
 * photos does not keep 100k blobs alive.
 */
export class ThumbnailCache {
  readonly #entries = new Map<number, Promise<Thumb | undefined>>();

  constructor(
    /** Opens (or reopens, after another tab's upgrade) the library database. */
    private readonly db: () => Promise<LumenDb>,
    private readonly capacity = 1500,
  ) {}

  get(id: number): Promise<Thumb | undefined> {
    let entry = this.#entries.get(id);
    if (entry) {
      // Re-insert: Map order doubles as recency order.
      this.#entries.delete(id);
    } else {
      entry = this.#load(id);
    }
    this.#entries.set(id, entry);
    this.#evict();
    return entry;
  }

  /** The photo's record, for a photo stored without a thumbnail (an import may bring none). */
  async photo(id: number): Promise<PhotoRecord | undefined> {
    return (await this.db()).get('photos', id);
  }

  async #load(id: number): Promise<Thumb | undefined> {
    const db = await this.db();
    const [photo, blob] = await Promise.all([db.get('photos', id), getThumbnail(db, id)]);
    if (!photo || !blob) return undefined;
    return { url: URL.createObjectURL(blob), photo };
  }

  #evict() {
    while (this.#entries.size > this.capacity) {
      const [oldest, entry] = this.#entries.entries().next().value as [
        number,
        Promise<Thumb | undefined>,
      ];
      this.#entries.delete(oldest);
      void entry.then((t) => t && URL.revokeObjectURL(t.url));
    }
  }
}
