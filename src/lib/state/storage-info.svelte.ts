/**
 * How much the library takes, how much the browser allows, and whether it may evict it.
 *
 * A browser may evict a site that is not persistent when the device runs short of space, and
 * eviction takes all of the site's storage at once. Persistence is asked for when it matters:
 * once a folder has been indexed (not at page load, where a browser may refuse a site it does
 * not know yet, and the person would not know why it asks).
 */
export class StorageInfo {
  #usage = $state<number | null>(null);
  #quota = $state<number | null>(null);
  #persisted = $state<boolean | null>(null);
  #refused = $state(false);
  #askedThisSession = false;

  get usage(): number | null {
    return this.#usage;
  }
  get quota(): number | null {
    return this.#quota;
  }
  /** Whether the browser promised not to evict the library; null when it cannot say. */
  get persisted(): boolean | null {
    return this.#persisted;
  }
  /** The browser was asked this session and said no. */
  get refused(): boolean {
    return this.#refused;
  }

  async refresh(): Promise<void> {
    if (navigator.storage?.estimate) {
      const { usage, quota } = await navigator.storage.estimate();
      this.#usage = usage ?? null;
      this.#quota = quota ?? null;
    }
    await this.#readPersisted();
  }

  /** Asks the browser not to evict the library under storage pressure. */
  async persist(): Promise<boolean> {
    if (!navigator.storage?.persist) return false;
    const granted = await navigator.storage.persist().catch(() => false);
    this.#persisted = granted;
    this.#refused = !granted;
    return granted;
  }

  /**
   * A folder's photos are indexed, or an export imported: the library now holds work worth
   * keeping, so the browser is asked once per session, unless it already keeps the library.
   */
  async libraryGrew(): Promise<void> {
    if (this.#askedThisSession) return;
    this.#askedThisSession = true;
    await this.#readPersisted();
    if (this.#persisted === false) await this.persist();
  }

  async #readPersisted(): Promise<void> {
    if (!navigator.storage?.persisted) return;
    this.#persisted = await navigator.storage.persisted().catch(() => null);
  }
}
