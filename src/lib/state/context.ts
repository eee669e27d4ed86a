import { getContext } from 'svelte';
import type { ThumbnailCache } from './thumbnail-cache';

const THUMBNAILS = Symbol('thumbnails');

/**
 * Thumbnails are read deep in the grid and in the viewer; context spares the layers
 * between. Given to mount(), so the root component need not set it.
 */
export function pageContext(thumbnails: ThumbnailCache): Map<symbol, unknown> {
  return new Map([[THUMBNAILS, thumbnails]]);
}

export function getThumbnails(): ThumbnailCache {
  return getContext<ThumbnailCache>(THUMBNAILS);
}
