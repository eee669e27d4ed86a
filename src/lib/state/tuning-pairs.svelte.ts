import type {
  BuildPairsRequest,
  BuildPairsResult,
  DpoGridSettings,
  EmbeddedQuery,
  PairCounts,
  PairInfo,
  PreferencePair,
} from '../../../workers/tuning/protocol';
import { errorMessage } from '../../core/errors';
import { expectedPairsPerQuery, gridProblem } from './tuning-grid';

/** What the pairs need of the tuning worker (TuningClient; a fake in specs). */
export interface PairsClient {
  pairCounts: (profileId: string, taste?: string) => Promise<PairCounts>;
  listPairs: (profileId: string, taste?: string) => Promise<PairInfo[]>;
  deletePair: (id: number) => Promise<void>;
  buildPairs: (request: BuildPairsRequest) => Promise<BuildPairsResult>;
}

export interface PairsDeps {
  client: PairsClient;
  profileId: string;
  /** The active taste: counts and lists show its picks (and the automatic pairs). */
  taste?: () => string;
  tasteName?: () => string | undefined;
  /** The manifest's recorded grid, or the trainer's default. */
  grid: DpoGridSettings;
  /** How many training queries there are now (history plus built-in), without embedding them. */
  countQueries: () => Promise<number>;
  /** The training queries, embedded. */
  embedQueries: () => Promise<{ queries: EmbeddedQuery[]; rephrased: number }>;
  /** Stores the person's own pairs; returns how many were new. */
  store: (pairs: PreferencePair[]) => Promise<number>;
}

export interface BuildReport extends BuildPairsResult {
  /** Training queries that were embedded with a rephrasing blended in. */
  rephrased: number;
  trainingQueries: number;
}

/** The preference pairs: counted by origin, built from the D_po grid, listed, deleted, exported. */
export class TuningPairs {
  /** The grid settings of the "advanced" disclosure; bound to inputs, so public. */
  grid = $state<DpoGridSettings>({ k: 0, u: 0, v: 0, s: 0, seed: 0 });
  #counts = $state<PairCounts | null>(null);
  #list = $state<PairInfo[] | null>(null);
  #queries = $state<number | null>(null);
  #building = $state(false);
  #report = $state<BuildReport | null>(null);
  #error = $state<string | null>(null);

  constructor(private readonly deps: PairsDeps) {
    this.grid = { ...deps.grid };
  }

  get counts(): PairCounts | null {
    return this.#counts;
  }
  get total(): number {
    const c = this.#counts;
    return c ? c.auto + c.liked + c.chosen : 0;
  }
  /** Stored pairs, once the list has been opened. */
  get list(): PairInfo[] | null {
    return this.#list;
  }
  get trainingQueries(): number | null {
    return this.#queries;
  }
  get building(): boolean {
    return this.#building;
  }
  get report(): BuildReport | null {
    return this.#report;
  }
  get error(): string | null {
    return this.#error;
  }
  get gridProblem(): string | null {
    return gridProblem(this.grid);
  }
  /** The formula's count for one query; ties within a row can make the real one smaller. */
  get expectedPerQuery(): number {
    return expectedPairsPerQuery(this.grid);
  }

  resetGrid(): void {
    this.grid = { ...this.deps.grid };
  }

  async refresh(): Promise<void> {
    try {
      const [counts, queries] = await Promise.all([
        this.deps.client.pairCounts(this.deps.profileId, this.deps.taste?.()),
        this.deps.countQueries(),
      ]);
      this.#counts = counts;
      this.#queries = queries;
      if (this.#list) await this.loadList();
    } catch (e) {
      this.#error = errorMessage(e);
    }
  }

  async loadList(): Promise<void> {
    try {
      this.#list = await this.deps.client.listPairs(this.deps.profileId, this.deps.taste?.());
    } catch (e) {
      this.#error = errorMessage(e);
    }
  }

  /** Rebuilds the automatic pairs from the training queries. */
  async build(): Promise<void> {
    const problem = this.gridProblem;
    if (problem) {
      this.#error = problem;
      return;
    }
    this.#building = true;
    this.#error = null;
    try {
      const { queries, rephrased } = await this.deps.embedQueries();
      const grid = { ...this.grid };
      const result = await this.deps.client.buildPairs({
        profileId: this.deps.profileId,
        queries,
        grid,
      });
      this.#report = { ...result, rephrased, trainingQueries: queries.length };
      this.#counts = await this.deps.client.pairCounts(this.deps.profileId, this.deps.taste?.());
      this.#queries = queries.length;
      if (this.#list) await this.loadList();
    } catch (e) {
      this.#error = errorMessage(e);
    } finally {
      this.#building = false;
    }
  }

  async remove(id: number): Promise<void> {
    try {
      await this.deps.client.deletePair(id);
      this.#list = this.#list?.filter((p) => p.id !== id) ?? null;
      this.#counts = await this.deps.client.pairCounts(this.deps.profileId, this.deps.taste?.());
    } catch (e) {
      this.#error = errorMessage(e);
    }
  }

  /** Stores the person's likes and picks; returns how many pairs were new. */
  async add(pairs: PreferencePair[]): Promise<number> {
    try {
      const added = await this.deps.store(pairs);
      await this.refresh();
      return added;
    } catch (e) {
      this.#error = errorMessage(e);
      return 0;
    }
  }

  /** Every stored pair as JSON, for the person to keep or inspect. */
  async exportJson(): Promise<string> {
    const pairs = await this.deps.client.listPairs(this.deps.profileId, this.deps.taste?.());
    // The taste's name travels with its picks: the file is the person's to move.
    const taste = this.deps.tasteName?.() ?? null;
    return JSON.stringify({ profile: this.deps.profileId, taste, pairs }, null, 2);
  }
}
