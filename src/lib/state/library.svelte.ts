import type { FileSource } from '../../../workers/embedding/protocol';
import type { CompactionProgress } from '../../../workers/search/protocol';
import type { JobRecord, LumenDb, SkippedRecord } from '../../core/store/db';
import { importedRanges, inRanges, type IdRange } from '../../core/store/imported-photos';
import { adoptOrphanedJob } from '../../core/store/job-queue';
import {
  clearSkipped,
  libraryStats,
  listSkipped,
  type LibraryStats,
} from '../../core/store/photo-store';
import { canRead } from '../files/handle-permission';

const EMPTY: LibraryStats = { photos: 0, duplicates: 0, embedded: 0, skipped: 0 };

/** What the library holds: counts, skipped files, an interrupted job, and this visit's originals. */
export class LibraryManager {
  #stats = $state<LibraryStats>(EMPTY);
  // Raw: replaced whole on each refresh, and a folder of sidecar files can make it long.
  #skipped = $state.raw<SkippedRecord[]>([]);
  #pendingJob = $state<JobRecord | null>(null);
  /** Photos that came from an imported export, whose originals were never on this device. */
  #imported = $state.raw<IdRange[]>([]);
  #compaction = $state<CompactionProgress | null>(null);
  /** Originals picked in this session, for opening large without a stored file handle. */
  // Not reactive on purpose: nothing renders from it, and it can hold 100k entries.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #originals = new Map<string, File>();
  /** Numbers each refresh: one that finishes after a newer one must not show its older counts. */
  #refreshes = 0;

  constructor(
    /** Opens (or reopens, after another tab's upgrade) the library database. */
    private readonly db: () => Promise<LumenDb>,
    /** Which model's vectors count as "embedded" (modelKey of the profile's CLIP). */
    private readonly modelKey: string,
    /** Whether the tab with this id has closed (its folder waiting to be indexed is orphaned). */
    private readonly tabGone: (tab: string) => Promise<boolean> = () => Promise.resolve(false),
  ) {}

  get stats(): LibraryStats {
    return this.#stats;
  }
  get skipped(): SkippedRecord[] {
    return this.#skipped;
  }
  get pendingJob(): JobRecord | null {
    return this.#pendingJob;
  }
  /** Progress while an older library's float vectors are rewritten compactly; else null. */
  get compaction(): CompactionProgress | null {
    return this.#compaction;
  }

  /**
   * Runs the compaction of float vectors (`run` does the work in a worker) and shows its
   * progress. Search keeps working throughout, and an interrupted run carries on at the
   * next start; resolves to the number of blocks rewritten.
   */
  async compactVectors(
    run: (onProgress: (p: CompactionProgress) => void) => Promise<number>,
  ): Promise<number> {
    try {
      return await run((p) => {
        this.#compaction = p.done < p.total ? { ...p } : null;
      });
    } finally {
      this.#compaction = null;
    }
  }

  async refresh(): Promise<void> {
    const refresh = ++this.#refreshes;
    const db = await this.db();
    const stats = await libraryStats(db, this.modelKey);
    // The counts show as soon as they are read, unless a newer refresh has begun meanwhile.
    if (refresh !== this.#refreshes) return;
    this.#stats = stats;
    const skipped = (await listSkipped(db)).sort((a, b) => a.path.localeCompare(b.path));
    const imported = await importedRanges(db);
    if (refresh !== this.#refreshes) return;
    this.#skipped = skipped;
    this.#imported = imported;
  }

  /** The photo came from an imported export: its original was never on this device. */
  isImported(id: number): boolean {
    return inRanges(this.#imported, id);
  }

  /** Reads whether an indexing job was interrupted (by a reload, a crash, a closed tab). */
  async refreshPendingJob(): Promise<void> {
    const db = await this.db();
    const job = await db.get('jobs', 'current');
    // A folder a closed tab was waiting to index counts as interrupted too.
    this.#pendingJob =
      (job?.id === 'current' ? job : await adoptOrphanedJob(db, this.tabGone)) ?? null;
  }

  async dismissPending(): Promise<void> {
    await (await this.db()).delete('jobs', 'current');
    this.#pendingJob = null;
  }

  async clearSkippedList(): Promise<void> {
    await clearSkipped(await this.db());
    await this.refresh();
  }

  rememberOriginals(sources: FileSource[]): void {
    for (const s of sources) this.#originals.set(s.path, s.file);
  }

  /**
   * The original file for the large view: from this session, else the stored handle. The
   * viewer makes its URL (or, for a HEIC, a decoded copy's) and revokes it.
   */
  async openOriginal(path: string, handle?: FileSystemFileHandle): Promise<File | null> {
    let file = this.#originals.get(path);
    if (!file && handle) {
      file = (await canRead(handle, false))
        ? await handle.getFile().catch(() => undefined)
        : undefined;
    }
    return file ?? null;
  }
}
