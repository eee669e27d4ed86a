import type { NextPair, PreferencePair } from '../../../workers/tuning/protocol';
import { normaliseQuery } from '../../core/store/query-history';
import { chosenPair, dislikePairs, likePairs, markedIds, type Taste } from './tuning-taste-pairs';

export type PairStrategy = 'active' | 'random';

export interface TasteDeps {
  /** The text query whose results are shown, or null when no text search is shown. */
  currentQuery: () => string | null;
  /** Photo ids of the shown results, in order. */
  shown: () => number[];
  /** Stores pairs for the active taste; returns how many were new. */
  add: (pairs: PreferencePair[]) => Promise<number>;
  /**
   * The next pair for the active taste over recent searches and the training queries
   * (the tuning worker's chooser), never one asked before; null when none is left.
   */
  nextPair: (strategy: PairStrategy, seed: number) => Promise<NextPair | null>;
  /** Stores that a pair was put to the person (answered or skipped), across reloads. */
  markAsked: (pair: NextPair) => Promise<void>;
  /** Called after each answered pair with the answers given since the page opened. */
  onPick?: (picks: number) => void;
}

/** The person's own taste: likes and dislikes on results, and "which of these two?". */
export class TuningTaste {
  /** Marks per query and photo ("query\0id"); replaced whole so the page sees each change. */
  #marks = $state<Record<string, Taste>>({});
  // Raw: the pair goes to the worker as it is, and a state proxy cannot be cloned.
  #pair = $state.raw<NextPair | null>(null);
  #asking = $state(false);
  #picks = $state(0);
  #message = $state<string | null>(null);
  /**
   * 'active' asks what the taste's model is least sure of; 'random' any pair not asked yet
   * (the eval compares the two through this same path). The seed advances with each ask.
   */
  strategy: PairStrategy = 'active';
  seed = 1;

  constructor(private readonly deps: TasteDeps) {}

  /** The query likes and picks are recorded for, normalised as the history keeps it. */
  get query(): string | null {
    const q = this.deps.currentQuery();
    return q ? normaliseQuery(q) || null : null;
  }
  get message(): string | null {
    return this.#message;
  }
  /** The two photos of the open "which of these two?" prompt. */
  get duo(): [number, number] | null {
    const p = this.#pair;
    return p ? [p.a, p.b] : null;
  }
  /** The query the open pair is asked for (any recent search or training query). */
  get duoQuery(): string | null {
    return this.#pair?.query ?? null;
  }
  /** True while the next pair is being chosen. */
  get asking(): boolean {
    return this.#asking;
  }
  /** "Which of these two?" answers given since the page opened. */
  get picks(): number {
    return this.#picks;
  }

  markOf(id: number): Taste | null {
    const q = this.query;
    return q ? (this.#marks[`${q}\u0000${id}`] ?? null) : null;
  }

  async like(id: number): Promise<void> {
    await this.#mark(id, 'like');
  }

  async dislike(id: number): Promise<void> {
    await this.#mark(id, 'dislike');
  }

  async #mark(id: number, taste: Taste): Promise<void> {
    const q = this.query;
    if (!q) return;
    const same = markedIds(this.#marks, q, taste);
    const shown = this.deps.shown();
    const pairs =
      taste === 'like' ? likePairs(q, shown, id, same) : dislikePairs(q, shown, id, same);
    this.#marks = { ...this.#marks, [`${q}\u0000${id}`]: taste };
    const added = await this.deps.add(pairs);
    this.#message =
      pairs.length === 0
        ? 'Noted, but there is nothing to learn: no other result to compare it with.'
        : `${taste === 'like' ? 'Liked' : 'Disliked'}: ${added} new ${added === 1 ? 'pair' : 'pairs'} for “${q}”.`;
  }

  /** Opens the prompt with the pair that teaches the most; says so when none are left. */
  async ask(): Promise<void> {
    this.#message = null;
    this.#asking = true;
    try {
      this.#pair = await this.deps.nextPair(this.strategy, this.seed++);
      if (!this.#pair) {
        this.#message =
          'Every pair of the top results of your searches has been compared already: search for something new.';
      }
    } catch (e) {
      this.#pair = null;
      this.#message = e instanceof Error ? e.message : String(e);
    } finally {
      this.#asking = false;
    }
  }

  /** The person preferred the photo on side 0 or 1; the next two follow. */
  async choose(side: 0 | 1): Promise<void> {
    const pair = this.#pair;
    if (!pair || this.#asking) return;
    const winner = side === 0 ? pair.a : pair.b;
    const loser = side === 0 ? pair.b : pair.a;
    // The answered pair stays on screen (inert while asking) until the next one replaces it,
    // so the prompt does not blink closed between questions.
    this.#asking = true;
    try {
      await this.deps.markAsked(pair);
      await this.deps.add([chosenPair(pair.query, winner, loser)]);
    } catch (e) {
      this.#message = e instanceof Error ? e.message : String(e);
      this.#asking = false;
      return;
    }
    this.#picks++;
    this.deps.onPick?.(this.#picks);
    await this.ask();
  }

  /** "Similar" or "cannot say": the pair is not asked again, and nothing is learnt. */
  async skip(): Promise<void> {
    const pair = this.#pair;
    if (!pair || this.#asking) return;
    this.#asking = true;
    await this.deps.markAsked(pair).catch(() => undefined);
    await this.ask();
  }

  close(): void {
    this.#pair = null;
  }
}
