import type {
  RankOptions,
  SearchOptions,
  SearchResponse,
  TextQuery,
} from '../../../workers/search/protocol';
import type { JudgedPhoto } from '../../core/store/db';
import { textQuery } from './search-deps';

export const JUDGE_SYSTEMS = ['base', 'rephrase', 'rerank', 'tuned', 'tuned-rerank'] as const;
export type JudgeSystem = (typeof JUDGE_SYSTEMS)[number];

export const SYSTEM_LABELS: Record<JudgeSystem, string> = {
  base: 'Base',
  rephrase: '+rephrase',
  rerank: '+re-rank',
  tuned: '+tuned',
  'tuned-rerank': '+tuned+re-rank',
};

export function isJudgeSystem(v: string): v is JudgeSystem {
  return (JUDGE_SYSTEMS as readonly string[]).includes(v);
}

/** Re-ranking only re-orders within the candidates it gets, so rows come from this many. */
export const JUDGE_CANDIDATES = 500;
/** Fusion at beauty 0 does not re-rank at all; this stands in when the slider sits there. */
export const FALLBACK_BEAUTY = 0.5;

/** Pure relevance: what "not re-ranked" means, whatever the ranking controls say. */
export function baseRank(current: RankOptions): RankOptions {
  return { ...current, order: 'fusion', beauty: 0, minBeauty: 0 };
}

/** Re-ranking as the person set it (cascade or fusion); the beauty filter is left out of rows. */
export function reRank(current: RankOptions): RankOptions {
  const idle = current.order === 'fusion' && current.beauty === 0;
  return { ...current, minBeauty: 0, ...(idle ? { beauty: FALLBACK_BEAUTY } : {}) };
}

export type LlmReadiness = 'idle' | 'loading' | 'ready' | 'unavailable';

export interface JudgeRephraser {
  readonly status: LlmReadiness;
  readonly blend: number;
  load(): Promise<unknown>;
  /** The rephrasing of a query, or null when the model gave none. */
  rephrase(query: string): Promise<string | null>;
}

export interface JudgeSystemsDeps {
  client: { searchText(query: TextQuery, options: SearchOptions): Promise<SearchResponse> };
  textModel: () => Promise<unknown>;
  ranking: { readonly options: RankOptions };
  rephraser: JudgeRephraser;
  /** Whether a tuned adapter is active for the current model. */
  hasAdapter: () => Promise<boolean>;
}

/** The systems a judge can compare: whether each runs in this browser, and its top N. */
export class JudgeSystems {
  #adapter = $state<boolean | null>(null);

  constructor(private readonly deps: JudgeSystemsDeps) {}

  async refresh(): Promise<void> {
    this.#adapter = await this.deps.hasAdapter().catch(() => false);
  }

  /** Why a system cannot run here, or null when it can. */
  unavailable(system: JudgeSystem): string | null {
    if (system === 'tuned' || system === 'tuned-rerank') {
      if (this.#adapter === null) return 'checking for a tuned model…';
      if (!this.#adapter) return 'no tuned model is active: train or pick one first';
    }
    if (system === 'rephrase') {
      const status = this.deps.rephraser.status;
      if (status === 'loading') return 'the language model is still loading';
      if (status === 'unavailable') return 'no language model can run in this browser';
      if (status === 'idle') return 'the language model is not loaded';
    }
    return null;
  }

  get llmStatus(): LlmReadiness {
    return this.deps.rephraser.status;
  }

  loadLlm(): Promise<unknown> {
    return this.deps.rephraser.load();
  }

  async row(system: JudgeSystem, text: string, n: number): Promise<JudgedPhoto[]> {
    const { client, ranking, rephraser } = this.deps;
    await this.deps.textModel();
    let query: TextQuery = { text };
    if (system === 'rephrase') {
      const rephrased = await rephraser.rephrase(text);
      // Without one, the row would be the base row under another name.
      if (!rephrased) throw new Error(`The language model gave no rephrasing for “${text}”.`);
      query = textQuery(text, rephrased, rephraser.blend);
    }
    const reranked = system === 'rerank' || system === 'tuned-rerank';
    const tuned = system === 'tuned' || system === 'tuned-rerank';
    const res = await client.searchText(query, {
      limit: Math.max(n, JUDGE_CANDIDATES),
      rank: reranked ? reRank(ranking.options) : baseRank(ranking.options),
      adapter: tuned ? 'active' : 'none',
    });
    return res.hits.slice(0, n).map((h) => ({ id: h.id, beauty: h.aesthetic?.combined ?? null }));
  }
}
