import type { PreferencePair } from '../../../workers/tuning/protocol';
import { normaliseQuery } from '../../core/store/query-history';
import {
  AskedDuos,
  chosenPair,
  dislikePairs,
  duoKey,
  likePairs,
  markedIds,
  pickDuo,
  type Taste,
} from './tuning-taste-pairs';

export interface TasteDeps {
  /** The text query whose results are shown, or null when no text search is shown. */
  currentQuery: () => string | null;
  /** Photo ids of the shown results, in order. */
  shown: () => number[];
  /** Stores pairs; returns how many were new. */
  add: (pairs: PreferencePair[]) => Promise<number>;
  random?: () => number;
}

/** The person's own taste: likes and dislikes on results, and "which of these two?". */
export class TuningTaste {
  /** Marks per query and photo ("query\0id"); replaced whole so the page sees each change. */
  #marks = $state<Record<string, Taste>>({});
  #duo = $state<[number, number] | null>(null);
  #duoQuery: string | null = null;
  #message = $state<string | null>(null);
  readonly #asked = new AskedDuos();

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
    return this.#duo;
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

  /** Opens the prompt with two results not compared yet; says so when none are left. */
  ask(): void {
    const q = this.query;
    this.#message = null;
    if (!q) {
      this.#message = 'Search for something first: the two photos come from its results.';
      return;
    }
    const asked = this.#asked.of(q);
    this.#duo = pickDuo(this.deps.shown(), asked, this.deps.random ?? Math.random);
    this.#duoQuery = this.#duo ? q : null;
    if (!this.#duo) this.#message = 'Every pair of the top results has been compared already.';
  }

  /** The person preferred the photo on side 0 or 1; the next two follow. */
  async choose(side: 0 | 1): Promise<void> {
    const duo = this.#duo;
    const q = this.#duoQuery;
    if (!duo || !q) return;
    this.#asked.of(q).add(duoKey(duo[0], duo[1]));
    const winner = duo[side];
    const loser = duo[1 - side]!;
    await this.deps.add([chosenPair(q, winner, loser)]);
    this.ask();
  }

  skip(): void {
    const duo = this.#duo;
    if (duo && this.#duoQuery) this.#asked.of(this.#duoQuery).add(duoKey(duo[0], duo[1]));
    this.ask();
  }

  close(): void {
    this.#duo = null;
    this.#duoQuery = null;
  }
}
