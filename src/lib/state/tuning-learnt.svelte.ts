import type { EmbeddedQuery, LearntOrder } from '../../../workers/tuning/protocol';
import { errorMessage } from '../../core/errors';

/** What "what was learnt" needs of the tuning worker (TuningClient; a fake in specs). */
export interface LearntClient {
  learntOrders: (
    profileId: string,
    taste: string,
    queries: EmbeddedQuery[],
    k: number,
  ) => Promise<LearntOrder[]>;
}

export interface LearntDeps {
  client: LearntClient;
  profileId: string;
  taste: () => string;
  /** A few of the person's recent searches, embedded. */
  queries: () => Promise<EmbeddedQuery[]>;
}

/** Photos per row of the before/after view. */
export const LEARNT_TOP = 6;

/** Before and after: a few recent searches' top results under the base model and the taste. */
export class TuningLearnt {
  #rows = $state<LearntOrder[]>([]);
  #error = $state<string | null>(null);

  constructor(private readonly deps: LearntDeps) {}

  get rows(): LearntOrder[] {
    return this.#rows;
  }
  /** Rows whose top results the taste changed. */
  get changed(): LearntOrder[] {
    return this.#rows.filter((r) => r.before.join() !== r.after.join());
  }
  get error(): string | null {
    return this.#error;
  }

  async refresh(): Promise<void> {
    try {
      const queries = await this.deps.queries();
      this.#rows =
        queries.length === 0
          ? []
          : await this.deps.client.learntOrders(
              this.deps.profileId,
              this.deps.taste(),
              queries,
              LEARNT_TOP,
            );
      this.#error = null;
    } catch (e) {
      this.#error = errorMessage(e);
    }
  }
}
