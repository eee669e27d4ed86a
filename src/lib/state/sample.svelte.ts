import { errorMessage } from '../../core/errors';
import { DEFAULT_PROFILE } from '../../core/manifest';
import { SAMPLE_FOLDER, SAMPLE_PROFILE } from '../../core/sample-library';
import { formatBytes } from '../format';
import type { FoldersManager } from './folders.svelte';

/** What the sample needs of the page: the real ones in sample-wiring.ts, fakes in the specs. */
export interface SampleDeps {
  /** The profile this page runs. */
  profileId: string;
  /** Downloads the sample export from the app's own origin, reporting bytes as they arrive. */
  download: (onProgress: (loaded: number, total: number) => void) => Promise<Blob>;
  /** Imports an export through the library import (LibraryIoManager.importZip). */
  importZip: (zip: Blob) => Promise<void>;
  /** The import's refusal, if it refused (LibraryIoManager.error). */
  importError: () => string | null;
  /** The import's progress in words ("Storing photos: 120 of 912"), while it runs. */
  importStatus: () => string | null;
  /** Photos stored in the library, of every model. */
  photos: () => number;
  /** Photos under each folder (FoldersManager.folders). */
  folders: () => readonly { name: string; photos: number }[];
  /**
   * Removes the sample's folder with the library's own removal; resolves to why it could not
   * (indexing runs, say), or null once the photos are gone.
   */
  removeFolder: (name: string) => Promise<string | null>;
  /**
   * Forgets the words last searched for: the default model would search them again at its
   * start, downloading itself (150 MB) for a query about shapes in an empty library.
   */
  forgetQuery: () => void;
  /** Starts the page again on another profile; `trySample` adds `?sample=try`. */
  openProfile: (profileId: string, trySample: boolean) => void;
  /** Takes `?sample=try` out of the address once it has been acted on. */
  forgetRequest: () => void;
  /** Whether the address asks for the sample (`?sample=try`). */
  requested: () => boolean;
}

export type SamplePhase = 'idle' | 'switching' | 'downloading' | 'importing' | 'leaving';

/**
 * "Try it on sample photos" and "Leave the sample" (docs/sample-library.md). The sample is an
 * ordinary library export of the tiny world, made by the built-in model: it is imported through
 * the library import, its photos all under SAMPLE_FOLDER, and leaving removes that folder only,
 * so photos the person added meanwhile stay.
 */
export class SampleLibrary {
  #phase = $state<SamplePhase>('idle');
  #error = $state<string | null>(null);
  #downloaded = $state<{ loaded: number; total: number } | null>(null);
  /** Set while leaving: the page is about to start again on the default model. */
  #leaving = $state(false);

  constructor(private readonly deps: SampleDeps) {}

  get phase(): SamplePhase {
    return this.#phase;
  }
  get busy(): boolean {
    return this.#phase !== 'idle';
  }
  get error(): string | null {
    return this.#error;
  }
  /** Whether this page runs the model the sample was made with. */
  get onSampleProfile(): boolean {
    return this.deps.profileId === SAMPLE_PROFILE;
  }
  /** Photos of the sample in the library (0 when it is not loaded). */
  get photos(): number {
    return this.deps.folders().find((f) => f.name === SAMPLE_FOLDER)?.photos ?? 0;
  }
  get loaded(): boolean {
    return this.photos > 0;
  }
  /**
   * Why the sample cannot be tried now, or null. An import only goes into an empty library, so
   * a library holding photos (of another model, say) is named rather than refused later.
   */
  get unavailable(): string | null {
    if (this.loaded) return null;
    const n = this.deps.photos();
    if (n > 0)
      return `The sample only loads into an empty library, and this one holds ${n === 1 ? 'a photo' : `${n} photos`} (perhaps of another model).`;
    return null;
  }
  /** Progress in words while it downloads or imports, else null. */
  get status(): string | null {
    switch (this.#phase) {
      case 'switching':
        return this.#leaving ? 'Going back to the default model…' : 'Starting the built-in model…';
      case 'downloading': {
        const d = this.#downloaded;
        if (!d || d.total <= 0) return 'Downloading the sample…';
        return `Downloading the sample: ${formatBytes(d.loaded)} of ${formatBytes(d.total)}`;
      }
      case 'importing':
        return this.deps.importStatus() ?? 'Importing the sample…';
      case 'leaving':
        return 'Removing the sample photos…';
      default:
        return null;
    }
  }

  /**
   * Switches to the sample's profile (a new page: each profile has its own workers), which then
   * imports it; on that profile already, imports at once.
   */
  async tryIt(): Promise<void> {
    if (this.busy) return;
    this.#error = this.unavailable;
    if (this.#error) return;
    if (!this.onSampleProfile) {
      this.#phase = 'switching';
      this.deps.openProfile(SAMPLE_PROFILE, true);
      return;
    }
    await this.#load();
  }

  /** At start: imports the sample when the address asked for it (after a switch, or a link). */
  async resume(): Promise<void> {
    if (!this.deps.requested()) return;
    this.deps.forgetRequest();
    if (!this.onSampleProfile || this.loaded || this.busy) return;
    this.#error = this.unavailable;
    if (this.#error) return;
    await this.#load();
  }

  async #load(): Promise<void> {
    this.#error = null;
    this.#phase = 'downloading';
    this.#downloaded = null;
    try {
      let zip: Blob;
      try {
        zip = await this.deps.download((loaded, total) => (this.#downloaded = { loaded, total }));
      } catch (e) {
        this.#error = `The sample could not be downloaded (${errorMessage(e)}). Nothing was changed; check the connection and try again.`;
        return;
      }
      this.#phase = 'importing';
      await this.deps.importZip(zip);
      const refused = this.deps.importError();
      if (refused) this.#error = `The sample could not be loaded. ${refused}`;
    } finally {
      this.#phase = 'idle';
      this.#downloaded = null;
    }
  }

  /**
   * Removes the sample's photos (only those: the person's own stay) and goes back to the
   * default model.
   */
  async leave(): Promise<void> {
    if (this.busy) return;
    this.#error = null;
    if (this.loaded) {
      this.#phase = 'leaving';
      let blocked: string | null;
      try {
        blocked = await this.deps.removeFolder(SAMPLE_FOLDER);
      } catch (e) {
        blocked = errorMessage(e);
      }
      if (blocked) {
        this.#phase = 'idle';
        this.#error = `The sample is still here: ${blocked}`;
        return;
      }
    }
    if (this.deps.profileId === DEFAULT_PROFILE) {
      this.#phase = 'idle';
      return;
    }
    this.deps.forgetQuery();
    this.#phase = 'switching';
    this.#leaving = true;
    this.deps.openProfile(DEFAULT_PROFILE, false);
  }
}

/** Reads a response's body, reporting bytes as they arrive (Content-Length gives the total). */
export async function readWithProgress(
  response: Response,
  onProgress: (loaded: number, total: number) => void,
): Promise<Blob> {
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const total = Number(response.headers.get('Content-Length') ?? 0);
  const type = response.headers.get('Content-Type') ?? 'application/zip';
  if (!response.body) return response.blob();
  const reader = response.body.getReader();
  const parts: Uint8Array<ArrayBuffer>[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    loaded += value.byteLength;
    onProgress(loaded, total);
  }
  return new Blob(parts, { type });
}

/**
 * Removes a folder with the library's removal (FoldersManager, under the library-write lock)
 * without asking: the person's click on "Leave the sample" is the yes. Resolves to why it could
 * not, or null once the folder's photos are gone.
 */
export async function removeFolderNow(
  folders: Pick<FoldersManager, 'askRemoveFolder' | 'question' | 'confirm' | 'refresh' | 'folders'>,
  name: string,
): Promise<string | null> {
  await folders.askRemoveFolder(name);
  if (!folders.question)
    return 'wait until indexing, an import or an export has finished, then try again.';
  await folders.confirm();
  await folders.refresh();
  return folders.folders.some((f) => f.name === name && f.photos > 0)
    ? 'removing stopped before the end; try again.'
    : null;
}
