import type { PhotoMetadata } from '../../core/photo-metadata';
import type { LumenDb, PhotoRecord } from '../../core/store/db';
import { readPhotoMetadata } from '../../core/store/metadata-store';
import { readThumbnails } from '../../core/store/photo-store';

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

  /** Whether this photo's thumbnail is read or being read (get() answers without a new read). */
  has(id: number): boolean {
    return this.#entries.has(id);
  }

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

  /** When, where and with what the photo was taken, as far as it is known (the lightbox). */
  async metadata(id: number): Promise<PhotoMetadata | undefined> {
    return readPhotoMetadata(await this.db(), id);
  }

  /**
   * Queued for the next batch: a screenful of new cells reads its thumbnails in one
   * transaction, not three reads each (which took most of a fast scroll's frame time).
   */
  #queue = new Map<number, (t: Promise<Thumb | undefined>) => void>();

  #load(id: number): Promise<Thumb | undefined> {
    if (this.#queue.size === 0) queueMicrotask(() => this.#flush());
    return new Promise((resolve) => this.#queue.set(id, resolve));
  }

  #flush(): void {
    const batch = [...this.#queue];
    this.#queue.clear();
    const read = (async () => {
      const found = await readThumbnails(
        await this.db(),
        batch.map(([id]) => id),
      );
      return found.map((f) => f && { url: URL.createObjectURL(f.blob), photo: f.photo });
    })();
    // Every caller settles: with its thumbnail, or with the batch's error.
    batch.forEach(([, resolve], i) => resolve(read.then((thumbs) => thumbs[i])));
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
