import { getContext, setContext } from 'svelte';
import { SvelteSet } from 'svelte/reactivity';

/** Photos picked in the grid, to be acted on together (removed from the library). */
export class PhotoSelection {
  /** While on, every result cell shows a box to pick it with. */
  active = $state(false);
  readonly #ids = new SvelteSet<number>();

  get size(): number {
    return this.#ids.size;
  }
  get ids(): number[] {
    return [...this.#ids];
  }
  has(id: number): boolean {
    return this.#ids.has(id);
  }
  toggle(id: number): void {
    if (!this.#ids.delete(id)) this.#ids.add(id);
  }
  /** Leaves selecting, forgetting what was picked. */
  stop(): void {
    this.#ids.clear();
    this.active = false;
  }
}

const SELECTION = Symbol('selection');

/** Every result cell can be picked; context spares the grid between passing it down. */
export function setSelectionContext(selection: PhotoSelection): void {
  setContext(SELECTION, selection);
}

/** Undefined where no page state provides it (a cell rendered on its own). */
export function getSelection(): PhotoSelection | undefined {
  return getContext<PhotoSelection | undefined>(SELECTION);
}
