import { getThumbnails } from './context';
import type { Thumb } from './thumbnail-cache';

/** How long a cell must stay on screen before its thumbnail is read. */
const SETTLE_MS = 60;

/**
 * The thumbnail of the photo `id()` names, for a component to show: follows id changes and drops
 * an answer that arrives after the component moved on. Call while the component initialises.
 */
export function loadThumb(id: () => number): { readonly current: Thumb | undefined } {
  const thumbnails = getThumbnails();
  let thumb = $state<Thumb | undefined>();
  $effect(() => {
    const want = id();
    let live = true;
    // A reused cell shows no other photo's thumbnail while this one loads.
    thumb = undefined;
    const show = () =>
      void thumbnails.get(want).then((t) => {
        if (live) thumb = t;
      });
    // A cell that a fast scroll moves on from within SETTLE_MS never reads its thumbnail:
    // a fling through 100k photos reads only where it stops.
    const timer = thumbnails.has(want) ? show() : setTimeout(show, SETTLE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  });
  return {
    get current() {
      return thumb;
    },
  };
}
