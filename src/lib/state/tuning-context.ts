import { getContext, setContext } from 'svelte';
import type { TuningTaste } from './tuning-taste.svelte';

const TASTE = Symbol('taste');

/** Likes live on every result cell; context spares the grid between passing them down. */
export function setTasteContext(taste: TuningTaste): void {
  setContext(TASTE, taste);
}

/** Undefined where no page state provides it (a cell rendered on its own). */
export function getTaste(): TuningTaste | undefined {
  return getContext<TuningTaste | undefined>(TASTE);
}
