import type {
  ExportOptions,
  ExportRequest,
  ExportResult,
  ImportFile,
  ImportRequest,
  ImportResult,
  ImportSource,
  LibraryIoPhase,
  LibraryIoProgress,
} from '../../../workers/library-io/protocol';
import { errorMessage } from '../../core/errors';
import { formatBytes, plural } from '../format';
import { PersistedSetting, type SettingStorage } from './persisted-setting.svelte';

export const INCLUDE_LOCATION_KEY = 'lumen.export.includeLocation';

type Job<Req, Res> = (
  request: Req,
  onProgress: (p: LibraryIoProgress) => void,
  signal?: AbortSignal,
) => Promise<Res>;

/** What export and import need of the library-io worker (LibraryIoClient; a fake in specs). */
export interface LibraryIoClientApi {
  exportLibrary: Job<ExportRequest, ExportResult>;
  importLibrary: Job<ImportRequest, ImportResult>;
}

export interface LibraryIoDeps {
  client: LibraryIoClientApi;
  profileId: string;
  /** Model key of the profile's CLIP: names the export. */
  modelKey: string;
  /** Why the library cannot be exported or imported right now (indexing runs), else null. */
  blocked: () => string | null;
  /** After an import: show the new library, and score what came without scores. */
  onImported: () => Promise<void>;
  today?: () => Date;
  /** Where the location choice is remembered; localStorage by default (specs pass a fake). */
  storage?: SettingStorage | null;
}

const PHASES: Record<LibraryIoPhase, string> = {
  reading: 'Reading',
  vectors: 'Writing vectors',
  metadata: 'Writing metadata',
  thumbnails: 'Writing thumbnails',
  checking: 'Checking vectors',
  storing: 'Storing photos',
  undoing: 'Undoing what was stored',
};

/** Export of the library in clip-retrieval's layout, and import of such an export. */
export class LibraryIoManager {
  #job = $state<'export' | 'import' | null>(null);
  #progress = $state<LibraryIoProgress | null>(null);
  #message = $state<string | null>(null);
  #error = $state<string | null>(null);
  /** Deeply reactive: the panel binds its checkboxes to these. */
  #options = $state<ExportOptions>({ dtype: 'float32', thumbnails: true });
  /**
   * Whether the export carries where photos were taken. On by default: an export is first of all
   * the person's own copy of their library, for their own tools, and leaving places out would
   * silently lose them there. The box beside Export says what it holds, so a person sharing the
   * file can leave location out, and that choice is remembered.
   */
  readonly #includeLocation: PersistedSetting<boolean>;
  #abort: AbortController | undefined;

  constructor(private readonly deps: LibraryIoDeps) {
    this.#includeLocation = new PersistedSetting({
      key: INCLUDE_LOCATION_KEY,
      fallback: true,
      validate: (v) => (typeof v === 'boolean' ? v : undefined),
      ...(deps.storage === undefined ? {} : { storage: deps.storage }),
    });
  }

  get job(): 'export' | 'import' | null {
    return this.#job;
  }
  get progress(): LibraryIoProgress | null {
    return this.#progress;
  }
  /** "Writing thumbnails: 120 of 696". */
  get status(): string | null {
    const p = this.#progress;
    if (!this.#job || !p) return null;
    return p.total > 1 ? `${PHASES[p.phase]}: ${p.done} of ${p.total}` : `${PHASES[p.phase]}…`;
  }
  get message(): string | null {
    return this.#message;
  }
  get error(): string | null {
    return this.#error;
  }
  get options(): ExportOptions {
    return this.#options;
  }
  /** Whether exports hold GPS positions and place names (remembered across visits). */
  get includeLocation(): boolean {
    return this.#includeLocation.value;
  }
  set includeLocation(include: boolean) {
    this.#includeLocation.value = include;
  }

  /** `lumen-tiny-world-2-2025-01-31`: which model, and when. */
  get exportName(): string {
    const slug = this.deps.modelKey.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '');
    // A one-off reading of the clock, never kept or mutated.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const day = (this.deps.today?.() ?? new Date()).toISOString().slice(0, 10);
    return `lumen-${slug}-${day}`;
  }

  /** Exports as a zip and hands it to `save` (a download). */
  async exportZip(save: (name: string, zip: Blob) => void): Promise<void> {
    const name = `${this.exportName}.zip`;
    const result = await this.#export({ name });
    if (result?.state === 'done' && result.zip) {
      save(name, result.zip);
      this.#message = `Exported ${this.#counts(result)} as ${name} (${formatBytes(result.bytes)}).`;
    }
  }

  /** Exports into a new folder inside `folder` (File System Access API). */
  async exportToFolder(folder: FileSystemDirectoryHandle): Promise<void> {
    const name = this.exportName;
    const result = await this.#export({ name, folder });
    if (result?.state === 'done') {
      this.#message = `Exported ${this.#counts(result)} into the folder ${folder.name}/${name} (${formatBytes(result.bytes)}).`;
    } else if (result?.state === 'cancelled') {
      this.#message = `Export cancelled; the folder ${folder.name}/${name} holds part of it.`;
    }
  }

  importZip(file: Blob): Promise<void> {
    return this.#import({ kind: 'zip', file });
  }

  importFiles(files: ImportFile[]): Promise<void> {
    if (files.length === 0) {
      this.#error = 'The folder is empty.';
      return Promise.resolve();
    }
    return this.#import({ kind: 'files', files });
  }

  cancel(): void {
    this.#abort?.abort();
  }

  #counts(r: { photos: number; thumbnails: number }): string {
    const thumbs = r.thumbnails > 0 ? ` with ${plural(r.thumbnails, 'thumbnail')}` : '';
    return `${plural(r.photos, 'photo')}${thumbs}`;
  }

  #start(job: 'export' | 'import'): AbortSignal | null {
    if (this.#job) return null;
    this.#message = null;
    this.#error = this.deps.blocked();
    if (this.#error) return null;
    this.#job = job;
    this.#progress = { phase: 'reading', done: 0, total: 1 };
    this.#abort = new AbortController();
    return this.#abort.signal;
  }

  #end() {
    this.#job = null;
    this.#progress = null;
    this.#abort = undefined;
  }

  async #export(target: Pick<ExportRequest, 'name' | 'folder'>): Promise<ExportResult | undefined> {
    const signal = this.#start('export');
    if (!signal) return undefined;
    const { client, profileId } = this.deps;
    try {
      const includeLocation = this.#includeLocation.value;
      const request = { profileId, ...this.#options, includeLocation, ...target };
      const result = await client.exportLibrary(request, (p) => (this.#progress = p), signal);
      if (result.state === 'cancelled') this.#message = 'Export cancelled.';
      return result;
    } catch (e) {
      this.#error = `Export failed: ${errorMessage(e)}`;
      return undefined;
    } finally {
      this.#end();
    }
  }

  async #import(source: ImportSource): Promise<void> {
    const signal = this.#start('import');
    if (!signal) return;
    const { client, profileId } = this.deps;
    let imported = false;
    try {
      const result = await client.importLibrary(
        { profileId, source },
        (p) => (this.#progress = p),
        signal,
      );
      if (result.state === 'cancelled') {
        this.#message = 'Import cancelled; nothing was stored.';
        return;
      }
      imported = true;
      const scored = result.scored > 0 ? `, ${result.scored} with their beauty scores` : '';
      this.#message = `Imported ${this.#counts(result)}${scored}. Their originals are not on this device; the viewer shows the thumbnails.`;
    } catch (e) {
      this.#error = `Nothing was imported. ${errorMessage(e)}`;
    } finally {
      this.#end();
    }
    if (imported) await this.deps.onImported();
  }
}
