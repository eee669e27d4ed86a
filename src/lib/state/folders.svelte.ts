import type { FileSource } from '../../../workers/embedding/protocol';
import { errorMessage } from '../../core/errors';
import type { LumenDb } from '../../core/store/db';
import {
  folderOf,
  goneFromFolders,
  listFolders,
  LOOSE_PHOTOS,
  recordFolders,
  type FolderSummary,
} from '../../core/store/folder-store';
import {
  pendingRemoval,
  planFolderRemoval,
  planPhotoRemoval,
  runRemoval,
  startRemoval,
  type RemovalPlan,
  type RemovalProgress,
} from '../../core/store/removal';

/** A removal the person is asked to confirm: what it is, and what it takes away. */
export interface RemovalQuestion {
  /** What goes, in words: “the folder “Holiday””, “this photo”. */
  what: string;
  plan: RemovalPlan;
}

/** Photos stored under a folder that was just added again, whose files are no longer there. */
export interface GoneFiles {
  folders: string[];
  ids: number[];
}

export interface FoldersDeps {
  db: () => Promise<LumenDb>;
  /** Why nothing can be removed now (indexing runs, say), or null. */
  blocked: () => string | null;
  /** After photos were removed: counts, results and storage anew. */
  onRemoved: () => Promise<void>;
  /** Tells the person something went wrong. */
  notify: (message: string) => void;
  /**
   * Runs the removal holding the library-write lock that indexing takes in every tab, so a
   * removal and another tab's indexing never interleave; runs it at once when absent (specs).
   */
  exclusive?: (task: () => Promise<void>) => Promise<void>;
}

/** The folders a person added, and taking folders or photos out of the library again. */
export class FoldersManager {
  #folders = $state.raw<FolderSummary[]>([]);
  #question = $state.raw<RemovalQuestion | null>(null);
  #progress = $state<RemovalProgress | null>(null);
  #gone = $state.raw<GoneFiles | null>(null);

  constructor(private readonly deps: FoldersDeps) {}

  get folders(): FolderSummary[] {
    return this.#folders;
  }
  /** The removal waiting for the person's yes, if any. */
  get question(): RemovalQuestion | null {
    return this.#question;
  }
  /** Progress while a removal runs; else null. */
  get progress(): RemovalProgress | null {
    return this.#progress;
  }
  get removing(): boolean {
    return this.#progress !== null;
  }
  /** Files found gone when a folder was last added again. */
  get gone(): GoneFiles | null {
    return this.#gone;
  }

  async refresh(): Promise<void> {
    this.#folders = await listFolders(await this.deps.db());
  }

  async askRemoveFolder(name: string): Promise<void> {
    const what = name === LOOSE_PHOTOS ? 'the photos added on their own' : `the folder “${name}”`;
    await this.#ask(what, (db) => planFolderRemoval(db, [name]));
  }

  async askRemovePhotos(ids: number[], what = ids.length === 1 ? 'this photo' : 'these photos') {
    await this.#ask(what, (db) => planPhotoRemoval(db, ids));
  }

  async askRemoveGone(): Promise<void> {
    const gone = this.#gone;
    if (!gone) return;
    const where = gone.folders.map((f) => `“${f}”`).join(', ');
    await this.#ask(`the photos no longer in ${where}`, (db) => planPhotoRemoval(db, gone.ids));
  }

  async #ask(what: string, plan: (db: LumenDb) => Promise<RemovalPlan>): Promise<void> {
    const blocked = this.deps.blocked() ?? (this.removing ? 'A removal is already running.' : null);
    if (blocked) {
      this.deps.notify(blocked);
      return;
    }
    this.#question = { what, plan: await plan(await this.deps.db()) };
  }

  cancel(): void {
    this.#question = null;
  }

  /** Removes what the question named; resolves once it is all gone. */
  async confirm(): Promise<void> {
    const question = this.#question;
    this.#question = null;
    if (!question || question.plan.ids.length + question.plan.folders.length === 0) return;
    const db = await this.deps.db();
    try {
      await startRemoval(db, question.plan);
    } catch (e) {
      this.deps.notify(`Nothing was removed: ${errorMessage(e)}`);
      return;
    }
    if (this.#gone?.ids.some((id) => question.plan.ids.includes(id))) this.#gone = null;
    await this.#run(db);
  }

  /** Carries on a removal a closed tab left unfinished (the person confirmed it then). */
  async resumePending(): Promise<boolean> {
    const db = await this.deps.db();
    if (!(await pendingRemoval(db))) return false;
    await this.#run(db);
    return true;
  }

  async #run(db: LumenDb): Promise<void> {
    const job = await pendingRemoval(db);
    this.#progress = { removed: 0, total: job?.total ?? 0 };
    try {
      const remove = async () => {
        await runRemoval(db, { onProgress: (p) => (this.#progress = p) });
      };
      await (this.deps.exclusive ? this.deps.exclusive(remove) : remove());
    } catch (e) {
      this.deps.notify(
        `Removing stopped (${errorMessage(e)}). What was removed is gone; the rest is removed at the next start.`,
      );
    } finally {
      this.#progress = null;
      await this.refresh();
      await this.deps.onRemoved();
    }
  }

  /**
   * Before the collected files of a folder are indexed: notes the photos stored under their
   * folders whose files are no longer there, and that the folders are being added now.
   */
  async folderCollected(sources: FileSource[]): Promise<void> {
    const db = await this.deps.db();
    const gone = await goneFromFolders(
      db,
      sources.map((s) => s.path),
    );
    // A local, turned into an array at once: nothing reactive reads the set itself.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const folders = [...new Set([...gone.keys()].map(folderOf))];
    this.#gone = gone.size ? { folders, ids: [...gone.values()] } : null;
  }

  /** Records that these files' folders were added in full now. */
  async folderIndexed(sources: FileSource[], handle?: FileSystemDirectoryHandle): Promise<void> {
    const names = sources.map((s) => folderOf(s.path));
    try {
      const db = await this.deps.db();
      await recordFolders(
        db,
        names,
        Date.now(),
        handle ? { name: handle.name, handle } : undefined,
      );
      await this.refresh();
    } catch {
      // The photos are indexed either way; the folder list then shows them without a date.
    }
  }

  dismissGone(): void {
    this.#gone = null;
  }
}
