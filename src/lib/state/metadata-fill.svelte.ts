import type {
  FileSource,
  MetadataFillProgress,
  MetadataFillRequest,
  MetadataFillResult,
} from '../../../workers/embedding/protocol';
import { errorMessage } from '../../core/errors';
import { folderOf } from '../../core/store/folder-store';
import { canRead } from '../files/handle-permission';
import { plural } from '../format';
import type { MissingMetadata } from './missing-metadata';

/** What reading metadata needs of the indexing worker (EmbeddingClient; a fake in specs). */
export interface MetadataFillClientApi {
  fillMetadata(
    request: MetadataFillRequest,
    onProgress: (p: MetadataFillProgress) => void,
    signal?: AbortSignal,
  ): Promise<MetadataFillResult>;
}

export interface MetadataFillDeps {
  client: MetadataFillClientApi;
  missing: () => Promise<MissingMetadata>;
  /** Why the library cannot be written now (indexing, an import, a removal), else null. */
  blocked: () => string | null;
  /** After metadata was stored: facets, filters and results anew. */
  onFilled: () => Promise<void>;
  /**
   * Runs the fill holding the library-write lock that indexing takes in every tab (another
   * tab's indexing writes metadata too); runs it at once when absent (specs).
   */
  exclusive?: <T>(task: () => Promise<T>) => Promise<T>;
}

/** Gives photos stored without dates and places their capture metadata, from their files. */
export class MetadataFillState {
  #missing = $state.raw<MissingMetadata | null>(null);
  #progress = $state.raw<MetadataFillProgress | null>(null);
  #opening = $state(false);
  #message = $state<string | null>(null);
  #error = $state<string | null>(null);
  // State: `running` shows and hides the progress bar and the button.
  #abort = $state.raw<AbortController | undefined>();

  constructor(private readonly deps: MetadataFillDeps) {}

  /** Photos without dates and places, readable or not. */
  get count(): number {
    return (this.#missing?.readable.length ?? 0) + (this.#missing?.withoutHandle ?? 0);
  }
  get readableCount(): number {
    return this.#missing?.readable.length ?? 0;
  }
  get running(): boolean {
    return this.#abort !== undefined;
  }
  get progress(): MetadataFillProgress | null {
    return this.#progress;
  }
  /** "Opening files: 200 of 1,000", then "Reading dates and places: 300 of 980". */
  get status(): string | null {
    const p = this.#progress;
    if (!p) return null;
    const what = this.#opening ? 'Opening files' : 'Reading dates and places';
    return `${what}: ${p.done.toLocaleString('en')} of ${p.total.toLocaleString('en')}`;
  }
  get message(): string | null {
    return this.#message;
  }
  get error(): string | null {
    return this.#error;
  }

  async refresh(): Promise<void> {
    if (!this.running) this.#missing = await this.deps.missing();
  }

  /** Call from a click: the browser asks for permission only with a user gesture. */
  async readAll(): Promise<void> {
    const missing = this.#missing;
    if (this.running || !missing || missing.readable.length === 0) return;
    this.#message = null;
    this.#error = this.deps.blocked();
    if (this.#error) return;
    const abort = (this.#abort = new AbortController());
    let filled = 0;
    try {
      // One question per folder first: its files are then readable without one each.
      // Local to one run, never shown.
      // eslint-disable-next-line svelte/prefer-svelte-reactivity
      const refused = new Set<string>();
      for (const [name, folder] of missing.folders)
        if (!(await canRead(folder, true))) refused.add(name);
      const sources: FileSource[] = [];
      let ask = true;
      let unreadable = 0;
      const total = missing.readable.length;
      this.#opening = true;
      this.#progress = { done: 0, total, filled: 0 };
      for (const [i, { path, handle }] of missing.readable.entries()) {
        if (abort.signal.aborted) break;
        const allowed = !refused.has(folderOf(path)) && (await canRead(handle, ask));
        // After the first no, asking file by file would only pester.
        if (!allowed) ask = false;
        if (allowed) {
          try {
            sources.push({ path, file: await handle.getFile() });
          } catch {
            unreadable++;
          }
        } else unreadable++;
        if (i % 100 === 99) this.#progress = { done: i + 1, total, filled: 0 };
      }
      this.#opening = false;
      if (sources.length > 0 && !abort.signal.aborted) {
        const { client, exclusive = (task) => task() } = this.deps;
        const result = await exclusive(() =>
          client.fillMetadata({ sources }, (p) => (this.#progress = p), abort.signal),
        );
        filled = result.filled;
        this.#message = this.#say({ ...result, unreadable: result.unreadable + unreadable });
      } else if (!abort.signal.aborted) {
        this.#error = 'The browser did not allow Lumen to read the files.';
      }
      if (abort.signal.aborted) this.#message = `Stopped. ${this.#message ?? ''}`.trim();
    } catch (e) {
      this.#error = `Reading dates and places failed: ${errorMessage(e)}`;
    } finally {
      this.#abort = undefined;
      this.#opening = false;
      this.#progress = null;
    }
    if (filled > 0) await this.deps.onFilled();
    await this.refresh();
  }

  cancel(): void {
    this.#abort?.abort();
  }

  #say(r: MetadataFillResult): string {
    const parts = [`Read the dates and places of ${plural(r.filled, 'photo')}.`];
    if (r.changed) {
      const one = r.changed === 1;
      parts.push(
        `${plural(r.changed, 'file')} changed since added: add ${one ? 'its' : 'their'} folder again to index ${one ? 'it' : 'them'}.`,
      );
    }
    if (r.unreadable)
      parts.push(
        `${plural(r.unreadable, 'file')} could not be read (moved, deleted, or not allowed).`,
      );
    return parts.join(' ');
  }
}
