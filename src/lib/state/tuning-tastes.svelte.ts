import type { LumenDb, TasteRecord } from '../../core/store/db';
import { DEFAULT_TASTE } from '../../core/store/db';
import {
  activeTasteId,
  createTaste,
  deleteTaste,
  listTastes,
  renameTaste,
  setActiveTaste,
} from '../../core/store/taste-store';
import { errorMessage } from '../../core/errors';

export interface TastesDeps {
  db: () => Promise<LumenDb>;
  /** Makes search use this adapter (null: the base model) and shows results in that order. */
  useAdapter: (id: number | null) => Promise<void>;
  /** Re-reads what depends on the active taste: pair counts, what it learnt. */
  changed: () => Promise<void>;
}

/** Named tastes: each with its own picks and adapter; the active one is remembered. */
export class TuningTastes {
  #tastes = $state<TasteRecord[]>([]);
  #activeId = $state<string>(DEFAULT_TASTE);
  #error = $state<string | null>(null);

  constructor(private readonly deps: TastesDeps) {}

  /** Oldest first. */
  get tastes(): TasteRecord[] {
    return this.#tastes;
  }
  /** Likes, dislikes, picks and culling go to this taste. */
  get activeId(): string {
    return this.#activeId;
  }
  get active(): TasteRecord | null {
    return this.#tastes.find((t) => t.id === this.#activeId) ?? null;
  }
  get error(): string | null {
    return this.#error;
  }

  /** The active taste as stored (also before the panel has been opened). */
  async current(): Promise<string> {
    return activeTasteId(await this.deps.db());
  }

  async refresh(): Promise<void> {
    try {
      const db = await this.deps.db();
      this.#tastes = await listTastes(db);
      this.#activeId = await activeTasteId(db);
    } catch (e) {
      this.#error = errorMessage(e);
    }
  }

  /** A new, empty taste, made active (its picks start from nothing; search uses the base model). */
  async create(name: string): Promise<void> {
    await this.#run(async (db) => {
      const taste = await createTaste(db, name);
      await setActiveTaste(db, taste.id);
    });
    await this.deps.useAdapter(null);
    await this.deps.changed();
  }

  async rename(id: string, name: string): Promise<void> {
    await this.#run((db) => renameTaste(db, id, name));
  }

  /** Switches taste: search uses its adapter (the base model until it is trained). */
  async use(id: string): Promise<void> {
    if (!(await this.#run((db) => setActiveTaste(db, id)))) return;
    await this.deps.useAdapter(this.active?.adapterId ?? null);
    await this.deps.changed();
  }

  /** Deletes a taste with its picks and adapter; the last one cannot go. */
  async remove(id: string): Promise<void> {
    const wasActive = id === this.#activeId;
    if (!(await this.#run((db) => deleteTaste(db, id)))) return;
    if (wasActive) await this.deps.useAdapter(this.active?.adapterId ?? null);
    await this.deps.changed();
  }

  async #run(action: (db: LumenDb) => Promise<unknown>): Promise<boolean> {
    this.#error = null;
    try {
      await action(await this.deps.db());
      return true;
    } catch (e) {
      this.#error = errorMessage(e);
      return false;
    } finally {
      await this.refresh();
    }
  }
}
