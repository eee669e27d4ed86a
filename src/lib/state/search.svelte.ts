import type { RankedHit, SearchOptions, SearchResponse } from '../../../workers/search/protocol';
import { errorMessage } from '../../core/errors';
import { BrowsePages } from './browse-pages';
import { textQuery, type SearchDeps } from './search-deps';

export type { QueryRephraser, SearchDeps, SearchWorker } from './search-deps';
export type ResultMode = 'library' | 'best' | 'text' | 'similar';
export const RESULT_LIMIT = 500;

/** What is shown: the library, best shots, a text search or "more like this". */
export class SearchManager {
  /** The search box; bound to the input, so it is public. */
  query = $state('');
  #mode = $state<ResultMode>('library');
  #similarTo = $state<number | null>(null);
  /** Raw: 100k hits are replaced, never edited. Holes are browse pages not fetched yet. */
  #hits = $state.raw<(RankedHit | undefined)[]>([]);
  #pages: BrowsePages | undefined;
  /** Changes with each new list (not when a page fills in, nor when a view is shown anew). */
  #listId = $state(0);
  #scored = $state(0);
  #searching = $state(false);
  #error = $state<string | null>(null);
  #answer = $state.raw<Pick<SearchResponse, 'tookMs' | 'unknownWords'> | null>(null);
  /** Numbers each request: the answer to an older one (a slow browse) never replaces a newer. */
  #latest = 0;
  /** What the grid last showed: a view refreshed in place fetches it before it is swapped in. */
  #range: [number, number] = [0, 0];

  constructor(private readonly deps: SearchDeps) {}

  get mode(): ResultMode {
    return this.#mode;
  }
  get similarTo(): number | null {
    return this.#similarTo;
  }
  get hits(): (RankedHit | undefined)[] {
    return this.#hits;
  }
  /** Identifies the list shown: the grid goes back to the top when it changes. */
  get listId(): number {
    return this.#listId;
  }
  /** How many photos carry aesthetic scores from the current scorers. */
  get scored(): number {
    return this.#scored;
  }
  get searching(): boolean {
    return this.#searching;
  }
  get error(): string | null {
    return this.#error;
  }
  /** The last search's own answer: how long it took, and the words its model did not know. */
  get answer(): Pick<SearchResponse, 'tookMs' | 'unknownWords'> | null {
    return this.#answer;
  }

  /** The person is in the search box: a last query restored after this must not overwrite it. */
  holdQuery(): void {
    this.deps.lastQuery.hold();
    // The text model loads while they type (a failure shows in the model status).
    this.deps.models.textModel().catch(() => undefined);
  }

  /** Shows what the person last searched for (unless they are typing already), else the library. */
  async start(): Promise<void> {
    const last = this.deps.lastQuery.toRestore;
    // The text model loads lazily: browsing the library needs no model at all.
    if (last) {
      this.query = last;
      await this.runSearch();
    } else if (this.deps.embedded() > 0 && !this.query.trim()) await this.showLibrary();
  }

  /** The library, newest or most beautiful first; `inPlace` keeps the person's place in it. */
  async showLibrary(best = false, inPlace = false): Promise<void> {
    const mode = best ? 'best' : 'library';
    inPlace &&= this.#mode === mode;
    this.#mode = mode;
    this.#similarTo = null;
    this.#error = null;
    this.#searching = false;
    const request = ++this.#latest;
    this.#pages = undefined;
    if (this.deps.embedded() === 0) {
      this.#hits = [];
      return;
    }
    const { client, ranking, profileId } = this.deps;
    try {
      // Browsing reads stored vectors only; the search worker opens without its model.
      await client.useProfile(profileId);
      const { pages, scored } = await BrowsePages.open(
        client,
        { order: best ? 'beauty' : 'recent', minBeauty: ranking.options.minBeauty },
        inPlace ? this.#range : undefined,
      );
      if (request !== this.#latest) return;
      this.#pages = pages;
      this.#hits = pages.snapshot();
      this.#scored = scored;
      if (!inPlace) this.#listId++;
      // Else fetch where the person is now: they may have scrolled on meanwhile.
      else await this.showRange(...this.#range);
    } catch (e) {
      if (request === this.#latest) this.#error = errorMessage(e);
    }
  }

  /** The grid shows [from, to): fetches the browse pages there that are still missing. */
  async showRange(from: number, to: number): Promise<void> {
    this.#range = [from, to];
    const pages = this.#pages;
    if (!pages) return;
    try {
      const got = await pages.load(from, to);
      if (pages !== this.#pages) return;
      if (got === 'loaded') this.#hits = pages.snapshot();
      else if (got === 'stale') await this.refresh();
    } catch (e) {
      if (pages === this.#pages) this.#error = errorMessage(e);
    }
  }

  async runSearch(): Promise<void> {
    const text = this.query.trim();
    this.deps.lastQuery.remember(text);
    if (!text) return this.showLibrary();
    this.#mode = 'text';
    this.#similarTo = null;
    // The history is a nicety: a failure to store it must not stop the search.
    void this.deps.remember?.(text).catch(() => undefined);
    // The person's own words answer at once; a rephrasing refines the results when it arrives.
    const { rephraser } = this.deps;
    await this.#searchText(text);
    if (rephraser.enabled && !rephraser.decidedFor(text)) {
      const rephrased = await rephraser.run(text);
      if (rephrased && this.query.trim() === text) await this.#searchText(text);
    }
  }

  /** Searches again after the person edited, applied or undid a rephrasing. */
  async searchWithRephrasing(): Promise<void> {
    const text = this.query.trim();
    if (text) await this.#searchText(text);
  }

  async clearSearch(): Promise<void> {
    this.query = '';
    await this.runSearch();
  }

  async moreLikeThis(photoId: number): Promise<void> {
    this.#mode = 'similar';
    this.#similarTo = photoId;
    await this.#run((options) => this.deps.client.searchSimilar(photoId, options));
  }

  /** Shows the current view again, where the person is (`inPlace`) or from the top. */
  async refresh(inPlace = true): Promise<void> {
    if (this.#mode === 'library' || this.#mode === 'best')
      await this.showLibrary(this.#mode === 'best', inPlace);
    else if (this.#mode === 'text' && this.query.trim()) await this.searchWithRephrasing();
    else if (this.#mode === 'similar' && this.#similarTo !== null)
      await this.moreLikeThis(this.#similarTo);
  }

  #searchText(text: string) {
    const { rephraser } = this.deps;
    const query = textQuery(text, rephraser.appliedFor(text), rephraser.blend);
    return this.#run((options) => this.deps.client.searchText(query, options));
  }

  async #run(search: (options: SearchOptions) => Promise<SearchResponse>) {
    this.#searching = true;
    this.#error = null;
    const request = ++this.#latest;
    this.#pages = undefined;
    try {
      await this.deps.models.textModel();
      const res = await search({ limit: RESULT_LIMIT, rank: this.deps.ranking.options });
      if (request !== this.#latest) return;
      this.#hits = res.hits;
      this.#listId++;
      this.#scored = res.scored;
      this.#answer = res;
    } catch (e) {
      if (request !== this.#latest) return;
      this.#error = errorMessage(e);
      this.#hits = [];
      // Most likely the worker died and took the text tower with it: load it again next time.
      this.deps.models.forget('text');
    } finally {
      if (request === this.#latest) this.#searching = false;
    }
  }
}
