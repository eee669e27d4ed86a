/**
 * Which rephrasing the current results use, for which query, and the ones before it
 * so the person can undo an edit or "use my words only".
 */
export class AppliedRephrasing {
  #text = $state<string | null>(null);
  #forQuery = $state<string | null>(null);
  #history = $state<(string | null)[]>([]);

  get text(): string | null {
    return this.#text;
  }

  get forQuery(): string | null {
    return this.#forQuery;
  }

  get canUndo(): boolean {
    return this.#history.length > 0;
  }

  /** The rephrasing in use for this query, or null when the person's words are used alone. */
  textFor(query: string): string | null {
    return this.#forQuery === query ? this.#text : null;
  }

  use(query: string, text: string | null): void {
    if (this.#forQuery === query && this.#text !== text) this.#history.push(this.#text);
    else if (this.#forQuery !== query) this.#history = [];
    this.#forQuery = query;
    this.#text = text;
  }

  /** Goes back to the previous rephrasing (or to none) and returns it. */
  undo(): string | null {
    if (this.#history.length) this.#text = this.#history.pop() ?? null;
    return this.#text;
  }
}
