import type { Verdict } from '../../core/eval/judging';
import { errorMessage } from '../../core/errors';
import type { JudgedQueryRows, JudgementRecord, LumenDb } from '../../core/store/db';
import { addJudgement, latestJudgement, putJudgement } from '../../core/store/judgement-store';
import { recentQueries } from '../../core/store/query-history';
import { proxyComparisons, type ProxySource } from './judge-proxy';
import {
  currentOf,
  exportFile,
  progressOf,
  sessionReport,
  uniqueQueries,
  type Current,
  type ExportFile,
  type SessionReport,
} from './judge-session';
import { SYSTEM_LABELS, type JudgeSystem, type JudgeSystems } from './judge-systems.svelte';

export type QuerySource = 'typed' | 'recent' | 'built-in';
export const DEFAULT_TOP_N = 5;

export interface JudgeDeps {
  db: () => Promise<LumenDb>;
  profileId: string;
  /** Model key whose photo ids the rows name. */
  model: string;
  builtInQueries: readonly string[];
  systems: Pick<JudgeSystems, 'unavailable' | 'row' | 'refresh'>;
  proxy: ProxySource;
  seed?: () => number;
}

/** Side-by-side judging: set up a session, answer it by keyboard, resume it, read its report. */
export class JudgeManager {
  systemA = $state<JudgeSystem>('base');
  systemB = $state<JudgeSystem>('rerank');
  topN = $state(DEFAULT_TOP_N);
  source = $state<QuerySource>('typed');
  /** One query per line; bound to a textarea. */
  typed = $state('');
  #recent = $state<string[]>([]);
  // Raw: the record goes to IndexedDB as is, and a deep $state proxy cannot be cloned there.
  #record = $state.raw<JudgementRecord | null>(null);
  #busy = $state<string | null>(null);
  #error = $state<string | null>(null);
  #pendingSaves = $state(0);
  #saving: Promise<void> = Promise.resolve();

  constructor(private readonly deps: JudgeDeps) {}

  get record(): JudgementRecord | null {
    return this.#record;
  }
  get busy(): string | null {
    return this.#busy;
  }
  get error(): string | null {
    return this.#error;
  }
  get saved(): boolean {
    return this.#pendingSaves === 0;
  }
  get recent(): string[] {
    return this.#recent;
  }
  get builtInCount(): number {
    return this.deps.builtInQueries.length;
  }

  /** The queries the chosen source gives, each once. */
  get queries(): string[] {
    const { source, deps } = this;
    const recent = this.#recent;
    return uniqueQueries(
      source === 'typed'
        ? this.typed.split('\n')
        : source === 'recent'
          ? recent
          : deps.builtInQueries,
    );
  }

  /** The showing being answered, its rows, the aspect asked and the progress; null when idle. */
  get current(): Current | null {
    return this.#record ? currentOf(this.#record) : null;
  }
  get report(): SessionReport | null {
    return this.#record ? sessionReport(this.#record) : null;
  }

  /** Called when the view opens: resumes the last session and refreshes what can run. */
  async open(): Promise<void> {
    const db = await this.deps.db();
    const [recent, latest] = await Promise.all([
      recentQueries(db),
      latestJudgement(db, this.deps.profileId),
      this.deps.systems.refresh(),
    ]);
    this.#recent = recent.map((r) => r.text);
    if (!this.#record && latest) this.#record = latest;
  }

  /** Why the session cannot start yet, or null. */
  get cannotStart(): string | null {
    const { systems } = this.deps;
    if (this.systemA === this.systemB) return 'Pick two different systems.';
    const off = [this.systemA, this.systemB].find((s) => systems.unavailable(s) !== null);
    if (off) return `${SYSTEM_LABELS[off]} is unavailable: ${systems.unavailable(off)}.`;
    if (!Number.isInteger(this.topN) || this.topN < 1) return 'Rows need at least one photo.';
    if (this.queries.length === 0) return 'Give at least one query.';
    return null;
  }

  /** Runs both systems on every query now, so the rows judged are the rows stored. */
  async start(): Promise<void> {
    const why = this.cannotStart;
    if (why || this.#busy) {
      this.#error = why;
      return;
    }
    const queries = this.queries;
    const { systemA, systemB, topN } = this;
    this.#error = null;
    try {
      const rows: JudgedQueryRows[] = [];
      for (const [i, query] of queries.entries()) {
        this.#busy = `Preparing rows: query ${i + 1} of ${queries.length}`;
        const rowA = await this.deps.systems.row(systemA, query, topN);
        const rowB = await this.deps.systems.row(systemB, query, topN);
        rows.push({ query, rowA, rowB });
      }
      const now = Date.now();
      const fields = { profileId: this.deps.profileId, model: this.deps.model };
      const seed = this.deps.seed?.() ?? Math.floor(Math.random() * 2 ** 31);
      const base = { ...fields, systemA, systemB, topN, seed, queries: rows, answers: [] };
      const record = { ...base, createdAt: now, updatedAt: now };
      const id = await addJudgement(await this.deps.db(), record);
      this.#record = { ...record, id };
    } catch (e) {
      this.#error = errorMessage(e);
    } finally {
      this.#busy = null;
    }
  }

  answer(verdict: Verdict): void {
    const r = this.#record;
    if (!r || progressOf(r).aspect === null) return;
    this.#update({ ...r, answers: [...r.answers, verdict] });
  }

  undo(): void {
    const r = this.#record;
    if (r?.answers.length) this.#update({ ...r, answers: r.answers.slice(0, -1) });
  }

  /** Back to the setup; the stored session stays (the newest one resumes on the next visit). */
  newSession(): void {
    this.#record = null;
    this.#error = null;
  }

  async runProxy(): Promise<void> {
    const r = this.#record;
    if (!r || this.#busy) return;
    this.#busy = 'The automatic judge is answering…';
    this.#error = null;
    try {
      const proxy = await proxyComparisons(r, this.deps.proxy);
      // The person may have answered meanwhile: keep their answers, add the judge's.
      const now = this.#record;
      if (now && now.id === r.id) this.#update({ ...now, proxy });
    } catch (e) {
      this.#error = errorMessage(e);
    } finally {
      this.#busy = null;
    }
  }

  exportFile(judge: 'person' | 'proxy', format: 'json' | 'csv'): ExportFile | null {
    return this.#record ? exportFile(this.#record, judge, format) : null;
  }

  /** Saves in order: a later answer never lands before an earlier one. */
  #update(record: JudgementRecord): void {
    this.#record = record;
    this.#pendingSaves++;
    this.#saving = this.#saving
      .then(async () => putJudgement(await this.deps.db(), record))
      .catch((e: unknown) => void (this.#error = `Not saved: ${errorMessage(e)}`))
      .finally(() => void this.#pendingSaves--);
  }

  /** Settles when every answer so far is stored (for specs and before leaving). */
  flushed(): Promise<void> {
    return this.#saving;
  }
}
