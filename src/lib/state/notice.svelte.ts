/** The one line of news for the person: a warning, what went wrong, what happens next. */
export class Notice {
  #message = $state<string | null>(null);

  get message(): string | null {
    return this.#message;
  }

  show(message: string): void {
    this.#message = message;
  }

  clear(): void {
    this.#message = null;
  }
}
