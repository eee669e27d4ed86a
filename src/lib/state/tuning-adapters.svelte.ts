import type { AdapterInfo } from '../../../workers/tuning/protocol';
import { errorMessage } from '../../core/errors';
import { adapterFileName } from './tuning-files';

/** What the adapter list needs of the tuning worker (TuningClient; a fake in specs). */
export interface AdaptersClient {
  listAdapters: (profileId: string) => Promise<AdapterInfo[]>;
  activeAdapter: (profileId: string) => Promise<number | null>;
  setActiveAdapter: (profileId: string, id: number | null) => Promise<void>;
  deleteAdapter: (id: number) => Promise<void>;
  exportAdapter: (id: number) => Promise<Uint8Array>;
  importAdapter: (profileId: string, bytes: Uint8Array) => Promise<AdapterInfo>;
}

export interface AdaptersDeps {
  client: AdaptersClient;
  profileId: string;
  /** Runs the current search again: the search worker reads the active adapter on each search. */
  refreshSearch: () => Promise<void>;
}

export interface AdapterFile {
  name: string;
  bytes: Uint8Array;
}

/** The stored tuned models and which one search uses (none = the base model). */
export class TuningAdapters {
  #adapters = $state<AdapterInfo[]>([]);
  #activeId = $state<number | null>(null);
  #loaded = $state(false);
  #error = $state<string | null>(null);
  #message = $state<string | null>(null);
  #newOrder = $state(false);

  constructor(private readonly deps: AdaptersDeps) {}

  /** Newest first. */
  get adapters(): AdapterInfo[] {
    return this.#adapters;
  }
  get activeId(): number | null {
    return this.#activeId;
  }
  get active(): AdapterInfo | null {
    return this.#adapters.find((a) => a.id === this.#activeId) ?? null;
  }
  get loaded(): boolean {
    return this.#loaded;
  }
  get error(): string | null {
    return this.#error;
  }
  get message(): string | null {
    return this.#message;
  }

  async refresh(): Promise<void> {
    const { client, profileId } = this.deps;
    try {
      const [adapters, activeId] = await Promise.all([
        client.listAdapters(profileId),
        client.activeAdapter(profileId),
      ]);
      this.#adapters = adapters;
      this.#activeId = activeId;
      this.#loaded = true;
    } catch (e) {
      this.#error = errorMessage(e);
    }
  }

  /** Switches search to a tuned model, or to the base model with null. */
  async use(id: number | null): Promise<void> {
    this.#error = null;
    this.#message = null;
    try {
      await this.deps.client.setActiveAdapter(this.deps.profileId, id);
      this.#activeId = id;
    } catch (e) {
      this.#error = errorMessage(e);
      await this.refresh();
      return;
    }
    await this.deps.refreshSearch();
  }

  async remove(id: number): Promise<void> {
    this.#error = null;
    const wasActive = id === this.#activeId;
    try {
      await this.deps.client.deleteAdapter(id);
    } catch (e) {
      this.#error = errorMessage(e);
    }
    await this.refresh();
    if (wasActive) await this.deps.refreshSearch();
  }

  /** The adapter's file, named for the day it was made. */
  async exportFile(id: number): Promise<AdapterFile | null> {
    this.#error = null;
    try {
      const bytes = await this.deps.client.exportAdapter(id);
      const made = this.#adapters.find((a) => a.id === id)?.createdAt ?? Date.now();
      return { name: adapterFileName(made), bytes };
    } catch (e) {
      this.#error = errorMessage(e);
      return null;
    }
  }

  /** Stores a file as the active adapter; a foreign or corrupt file changes nothing. */
  async importFile(bytes: Uint8Array): Promise<void> {
    this.#error = null;
    this.#message = null;
    let adapter: AdapterInfo;
    try {
      adapter = await this.deps.client.importAdapter(this.deps.profileId, bytes);
    } catch (e) {
      this.#error = `That file was not imported. ${errorMessage(e)}`;
      return;
    }
    this.#message = `Imported and in use: ${adapter.label}.`;
    await this.refresh();
    await this.deps.refreshSearch();
  }

  /**
   * After training: the worker has stored the adapter and made it active. Results the person
   * is looking at keep their order; the next search, or showNewOrder(), uses the new model.
   */
  async trained(): Promise<void> {
    await this.refresh();
    this.#newOrder = true;
  }

  /** True after a retrain until the results are shown in the new order. */
  get newOrderWaiting(): boolean {
    return this.#newOrder;
  }

  /** "Show with new taste": runs the current search again with the retrained model. */
  async showNewOrder(): Promise<void> {
    this.#newOrder = false;
    await this.deps.refreshSearch();
  }

  /** A new search ran: it already used the newest model. */
  searched(): void {
    this.#newOrder = false;
  }
}
