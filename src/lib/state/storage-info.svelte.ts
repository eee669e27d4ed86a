/** How much the library takes, how much the browser allows, and whether it may evict it. */
export class StorageInfo {
  #usage = $state<number | null>(null);
  #quota = $state<number | null>(null);
  #persisted = $state<boolean | null>(null);

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

  async refresh(): Promise<void> {
    if (!navigator.storage?.estimate) return;
    const { usage, quota } = await navigator.storage.estimate();
    this.#usage = usage ?? null;
    this.#quota = quota ?? null;
    this.#persisted = (await navigator.storage.persisted?.()) ?? null;
  }

  /** Asks the browser not to evict the library under storage pressure. */
  async persist(): Promise<boolean> {
    const granted = (await navigator.storage?.persist?.()) ?? false;
    this.#persisted = granted;
    return granted;
  }
}
