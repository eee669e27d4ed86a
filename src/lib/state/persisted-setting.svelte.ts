/** The part of Web Storage a setting needs; specs pass a Map-backed fake. */
export type SettingStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** How a value is written as a string and read back (before validation). */
export interface SettingCodec<T> {
  read(raw: string): unknown;
  write(value: T): string;
}

export function jsonCodec<T>(): SettingCodec<T> {
  return { read: (raw) => JSON.parse(raw) as unknown, write: (value) => JSON.stringify(value) };
}

/** Stored as the bare string, as settings written before this class were. */
export const textCodec: SettingCodec<string> = { read: (raw) => raw, write: (value) => value };

export interface SettingOptions<T> {
  key: string;
  fallback: T;
  /** Returns the value when what was stored is acceptable; undefined rejects it. */
  validate: (stored: unknown) => T | undefined;
  codec?: SettingCodec<T>;
  /** Defaults to localStorage when the browser lets the page use it. */
  storage?: SettingStorage | null;
  /** Takes the value another tab stores (preferences, not one tab's view such as its filters). */
  followOtherTabs?: boolean;
}

/**
 * Web Storage can be missing or throw on access (private modes, blocked cookies, a full
 * quota). A setting then lives for this visit only rather than breaking the page.
 */
export function browserStorage(): SettingStorage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** A setting remembered across visits; anything stored that fails validation is ignored. */
export class PersistedSetting<T> {
  readonly key: string;
  readonly fallback: T;
  readonly #codec: SettingCodec<T>;
  readonly #storage: SettingStorage | null;
  // Raw: values are replaced whole, never mutated, and must stay plain objects that
  // postMessage can clone (a deep $state proxy cannot be).
  #value = $state.raw() as T;

  constructor(options: SettingOptions<T>) {
    this.key = options.key;
    this.fallback = options.fallback;
    this.#codec = options.codec ?? jsonCodec<T>();
    this.#storage = options.storage === undefined ? browserStorage() : options.storage;
    this.#value = this.#read(options.validate) ?? options.fallback;
    // Another tab changed it: follow (the browser tells every other tab of the origin).
    const shared = this.#storage !== null && this.#storage === browserStorage();
    if (options.followOtherTabs && shared && typeof addEventListener === 'function')
      addEventListener('storage', (e) => {
        if (e.key === this.key || e.key === null)
          this.#value = this.#read(options.validate) ?? options.fallback;
      });
  }

  get value(): T {
    return this.#value;
  }

  set value(next: T) {
    this.#value = next;
    try {
      this.#storage?.setItem(this.key, this.#codec.write(next));
    } catch {
      // Quota or privacy settings refuse the write: the value still holds for this visit.
    }
  }

  /** Back to the default, forgetting what was stored. */
  reset(): void {
    this.#value = this.fallback;
    try {
      this.#storage?.removeItem(this.key);
    } catch {
      // As in the setter: nothing to undo when storage is unavailable.
    }
  }

  #read(validate: (stored: unknown) => T | undefined): T | undefined {
    try {
      const raw = this.#storage?.getItem(this.key);
      return raw === null || raw === undefined ? undefined : validate(this.#codec.read(raw));
    } catch {
      return undefined;
    }
  }
}
