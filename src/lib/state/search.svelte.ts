import {
  filters,
  type RankedHit,
  type SearchFilter,
  type SearchOptions,
  type SearchResponse,
  type TimeSection,
} from '../../../workers/search/protocol';
import type { ParsedQuery, QueryChip } from '../../core/query/query-words';
import { withoutChip } from '../../core/query/query-words';
import { errorMessage } from '../../core/errors';
import { BrowsePages } from './browse-pages';
import { textQuery, type SearchDeps } from './search-deps';
import type { SearchFilters } from './search-filters.svelte';

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
  /** Headings of a list in time order; undefined for other orders. */
  #sections = $state.raw<TimeSection[] | undefined>(undefined);
  /** The last search's words as read: the times, places and `-word`s they named. */
  #parsed = $state.raw<ParsedQuery | null>(null);
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

  /** The filter bar's filters and the library's facets. */
  get filters(): SearchFilters {
    return this.deps.filters;
  }
  get sections(): TimeSection[] | undefined {
    return this.#sections;
  }
  /** The chips the last search's words gave (times, places, `-word`s). */
  get wordChips(): QueryChip[] {
    return this.#parsed?.chips ?? [];
  }

  /** Takes a chip's phrase out of the box and searches again. */
  async removeWordChip(chip: QueryChip): Promise<void> {
    this.query = withoutChip(this.query, chip).replace(/\s+/g, ' ').trim();
    await this.runSearch();
  }

  /** The bar's filter changed (or a filter chip went): the same view again, narrowed anew. */
  async setFilter(filter: SearchFilter): Promise<void> {
    this.deps.filters.filter = filter;
    if (this.#mode === 'text' || this.#mode === 'similar') await this.runSearch();
    else await this.showLibrary(this.#mode === 'best');
  }

  /** "More like this" no more: back to the words in the box. */
  async leaveSimilar(): Promise<void> {
    this.#mode = 'text';
    this.#similarTo = null;
    await this.runSearch();
  }

  /** The library's facets (the places the words may name), asked for once per library change. */
  async #facets(): Promise<void> {
    try {
      // Facets need no model, only the profile whose library to read.
      await this.deps.client.useProfile(this.deps.profileId);
      await this.deps.filters.loadFacets(this.deps.client);
    } catch {
      // Without facets, place names stay words and the bar offers no places: search still works.
    }
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
      void this.#facets();
      const filter = this.deps.filters.combined(this.#parsed ?? undefined);
      // A filter with no words lists what it keeps by time taken, newest first.
      const narrowed = filters(filter);
      const { pages, scored, sections } = await BrowsePages.open(
        client,
        {
          order: best ? 'beauty' : narrowed ? 'taken' : 'recent',
          minBeauty: ranking.options.minBeauty,
          ...(narrowed ? { filter } : {}),
        },
        inPlace ? this.#range : undefined,
      );
      if (request !== this.#latest) return;
      this.#pages = pages;
      this.#sections = sections;
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
    if (text && !this.deps.filters.facets) await this.#facets();
    const parsed = text ? this.deps.filters.parse(text) : null;
    this.#parsed = parsed;
    if (this.#mode === 'similar' && this.#similarTo !== null)
      return this.moreLikeThis(this.#similarTo);
    // Words that only said when or where (or nothing): the library, narrowed and by time.
    if (!parsed?.words && !parsed?.negatives.length) return this.showLibrary();
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
    this.#mode = 'library';
    this.#similarTo = null;
    await this.runSearch();
  }

  /** Photos like this one, and like the words in the box (less their `-word`s) when searched. */
  async moreLikeThis(photoId: number): Promise<void> {
    const entering = this.#mode !== 'similar' || this.#similarTo !== photoId;
    this.#mode = 'similar';
    this.#similarTo = photoId;
    // Entered from a result, the photo alone; words typed afterwards refine it.
    const parsed = entering ? null : this.#parsed;
    if (entering) this.#parsed = null;
    const words = parsed?.words ?? '';
    const negatives = parsed?.negatives ?? [];
    const text = words || negatives.length ? { text: words, negatives } : undefined;
    await this.#run((options) => this.deps.client.searchSimilar(photoId, options, text));
  }

  /** Shows the current view again, where the person is (`inPlace`) or from the top. */
  async refresh(inPlace = true): Promise<void> {
    // The library changed, or may have: its months, places and cameras too.
    if (this.#mode === 'text' || this.#mode === 'similar') void this.#facets();
    if (this.#mode === 'library' || this.#mode === 'best')
      await this.showLibrary(this.#mode === 'best', inPlace);
    else if (this.#mode === 'text' && this.query.trim()) await this.searchWithRephrasing();
    else if (this.#mode === 'similar' && this.#similarTo !== null)
      await this.moreLikeThis(this.#similarTo);
  }

  #searchText(text: string) {
    const { rephraser } = this.deps;
    // The words the box left for the model once times, places and `-word`s were read out.
    const parsed = this.#parsed;
    const words = parsed ? parsed.words : text;
    const query = textQuery(words, rephraser.appliedFor(text), rephraser.blend, parsed?.negatives);
    return this.#run((options) => this.deps.client.searchText(query, options));
  }

  async #run(search: (options: SearchOptions) => Promise<SearchResponse>) {
    this.#searching = true;
    this.#error = null;
    const request = ++this.#latest;
    this.#pages = undefined;
    try {
      await this.deps.models.textModel();
      const filter = this.deps.filters.combined(this.#parsed ?? undefined);
      const res = await search({
        limit: RESULT_LIMIT,
        rank: this.deps.ranking.options,
        ...(filters(filter) ? { filter } : {}),
      });
      if (request !== this.#latest) return;
      this.#hits = res.hits;
      this.#sections = res.sections;
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
