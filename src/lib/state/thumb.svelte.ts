import { getThumbnails } from './context';
import type { Thumb } from './thumbnail-cache';

/**
 * The thumbnail of the photo `id()` names, for a component to show: follows id changes and drops
 * an answer that arrives after the component moved on. Call while the component initialises.
 */
export function loadThumb(id: () => number): { readonly current: Thumb | undefined } {
  const thumbnails = getThumbnails();
  let thumb = $state<Thumb | undefined>();
  $effect(() => {
    let live = true;
    void thumbnails.get(id()).then((t) => {
      if (live) thumb = t;
    });
    return () => {
      live = false;
    };
  });
  return {
    get current() {
      return thumb;
    },
  };
}
