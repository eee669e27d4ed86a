/**
 * The lightbox's arithmetic (PhotoViewer.svelte): where ← and → go in the shown results, how far
 * a zoom may go, and how far a zoomed photo may be dragged. Kept apart so it is tested alone.
 */

/** A shown list: holes are results a paged browse has not fetched yet. */
export type Shown = readonly ({ id: number } | undefined)[];

/** The photo's place in the shown results, or -1 when it is not among them. */
export function indexOfId(hits: Shown, id: number | null): number {
  if (id === null) return -1;
  return hits.findIndex((h) => h?.id === id);
}

/**
 * The index one step (delta ±1) from `index`, or null at either end: the lightbox stops at the
 * first and last result rather than wrapping round. A photo not in the list goes nowhere.
 */
export function stepIndex(length: number, index: number, delta: number): number | null {
  if (index < 0 || index >= length) return null;
  const next = index + delta;
  return next >= 0 && next < length ? next : null;
}

/** 1: the whole photo fits the window; at most 8 times that. */
export const MIN_ZOOM = 1;
export const MAX_ZOOM = 8;
/** One press of + or −, one double-click's first step, one notch of a wheel (about). */
export const ZOOM_STEP = 1.5;

export function clampZoom(zoom: number): number {
  if (!Number.isFinite(zoom)) return MIN_ZOOM;
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));
}

export interface Point {
  x: number;
  y: number;
}

/**
 * Limits a pan (the photo's offset from the centre, in screen pixels) so that a zoomed photo
 * always covers the middle of the frame: it may move by at most half of what the zoom added
 * to its size on each axis. At zoom 1 it does not move at all.
 */
export function clampPan(pan: Point, zoom: number, size: { width: number; height: number }): Point {
  const limX = (size.width * (zoom - 1)) / 2;
  const limY = (size.height * (zoom - 1)) / 2;
  // `+ 0` turns -0 into 0: a photo at rest is at 0, not -0.
  const clamp = (v: number, lim: number) => Math.min(lim, Math.max(-lim, v)) + 0;
  return { x: clamp(pan.x, limX), y: clamp(pan.y, limY) };
}

/**
 * The zoom and pan after zooming to `next` about a point (the pointer, relative to the frame's
 * centre), so that what is under the pointer stays under it; then clamped.
 */
export function zoomAbout(
  zoom: number,
  pan: Point,
  next: number,
  at: Point,
  size: { width: number; height: number },
): { zoom: number; pan: Point } {
  const z = clampZoom(next);
  const k = z / zoom;
  const moved = { x: at.x - (at.x - pan.x) * k, y: at.y - (at.y - pan.y) * k };
  return { zoom: z, pan: clampPan(moved, z, size) };
}

/** Pixels a touch must travel sideways to count as a swipe. */
export const SWIPE_MIN = 50;

/**
 * What a finished one-finger drag at zoom 1 means: +1 (swiped left: the next photo), -1 (swiped
 * right: the previous one), or 0 (too short, or more up and down than sideways).
 */
export function swipeStep(dx: number, dy: number): -1 | 0 | 1 {
  if (Math.abs(dx) < SWIPE_MIN || Math.abs(dx) < 1.5 * Math.abs(dy)) return 0;
  return dx < 0 ? 1 : -1;
}
