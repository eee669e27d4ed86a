import type {
  BrowseOptions,
  BrowseRanking,
  RankedHit,
  SearchResponse,
  TimeSection,
} from '../../../workers/search/protocol';

/** Photos per page of a browse: a few screens of the grid. */
export const BROWSE_PAGE = 240;

/** Asks the search worker for hits [from, from + count) of a kept browse order. */
export type PageFetch = (
  ranking: number,
  from: number,
  count: number,
) => Promise<RankedHit[] | null>;

/**
 * A browse of the whole library, fetched a page at a time as the grid shows it: the worker
 * keeps the order, so 100k photos never cross postMessage at once. Slots not fetched yet are
 * holes that the grid draws as placeholders.
 */
export class BrowsePages {
  /**
   * Browses anew. `screen`, the range the person is looking at, is fetched before this
   * resolves, so a view shown again in place never flashes placeholders there.
   */
  static async open(
    client: {
      browse: (o: BrowseOptions) => Promise<SearchResponse & { paged: BrowseRanking }>;
      browsePage: PageFetch;
    },
    options: Omit<BrowseOptions, 'pageSize'>,
    screen?: [number, number],
  ): Promise<{ pages: BrowsePages; scored: number; sections?: TimeSection[] }> {
    const res = await client.browse({ ...options, pageSize: BROWSE_PAGE });
    const pages = new BrowsePages(res.paged, res.hits, (...a) => client.browsePage(...a));
    // A failed page is asked for again when the grid next shows it.
    if (screen) await pages.load(...screen).catch(() => undefined);
    return { pages, scored: res.scored, ...(res.sections ? { sections: res.sections } : {}) };
  }

  readonly #hits: (RankedHit | undefined)[];
  /** First index of every page asked for (in flight or arrived). */
  readonly #asked = new Set<number>();

  constructor(
    readonly paged: BrowseRanking,
    first: RankedHit[],
    private readonly fetch: PageFetch,
  ) {
    this.#hits = new Array<RankedHit | undefined>(paged.total);
    first.forEach((h, i) => (this.#hits[i] = h));
    for (let at = 0; at + BROWSE_PAGE <= first.length; at += BROWSE_PAGE) this.#asked.add(at);
  }

  /** A new array each time, for the page to render (holes where pages are still missing). */
  snapshot(): (RankedHit | undefined)[] {
    return this.#hits.slice();
  }

  /**
   * Fetches the pages overlapping [from, to) that were never asked for. Resolves to 'loaded'
   * when hits arrived, 'none' when there was nothing to do, and 'stale' when the worker no
   * longer keeps this order (a newer browse, a restarted worker): the caller browses again.
   */
  async load(from: number, to: number): Promise<'loaded' | 'none' | 'stale'> {
    const end = Math.min(to, this.paged.total);
    const starts: number[] = [];
    for (let at = Math.floor(Math.max(0, from) / BROWSE_PAGE) * BROWSE_PAGE; at < end;) {
      if (!this.#asked.has(at)) starts.push(at);
      at += BROWSE_PAGE;
    }
    if (!starts.length) return 'none';
    for (const at of starts) this.#asked.add(at);
    const pages = await Promise.all(
      starts.map((at) =>
        this.fetch(this.paged.ranking, at, BROWSE_PAGE).catch((e: unknown) => {
          this.#asked.delete(at); // asked again when next scrolled to
          throw e;
        }),
      ),
    );
    if (pages.some((p) => p === null)) return 'stale';
    pages.forEach((page, i) => page!.forEach((h, j) => (this.#hits[starts[i]! + j] = h)));
    return 'loaded';
  }
}
