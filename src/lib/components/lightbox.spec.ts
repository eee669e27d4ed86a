import { describe, expect, it } from 'vitest';
import {
  MAX_ZOOM,
  MIN_ZOOM,
  clampPan,
  clampZoom,
  indexOfId,
  stepIndex,
  swipeStep,
  zoomAbout,
} from './lightbox';

describe('lightbox navigation', () => {
  const hits = [{ id: 10 }, { id: 11 }, undefined, { id: 13 }];

  it('finds the open photo among the shown results, holes and all', () => {
    expect(indexOfId(hits, 10)).toBe(0);
    expect(indexOfId(hits, 13)).toBe(3);
    expect(indexOfId(hits, 99)).toBe(-1);
    expect(indexOfId(hits, null)).toBe(-1);
  });

  it('steps one result either way and stops at the ends', () => {
    expect(stepIndex(4, 0, 1)).toBe(1);
    expect(stepIndex(4, 1, -1)).toBe(0);
    expect(stepIndex(4, 0, -1)).toBeNull();
    expect(stepIndex(4, 3, 1)).toBeNull();
    // A hole is still a place to go: the viewer fetches its page.
    expect(stepIndex(4, 1, 1)).toBe(2);
  });

  it('goes nowhere from a photo that is not in the list (opened from elsewhere)', () => {
    expect(stepIndex(4, -1, 1)).toBeNull();
    expect(stepIndex(0, 0, 1)).toBeNull();
  });
});

describe('lightbox zoom', () => {
  const size = { width: 800, height: 600 };

  it('keeps the zoom between the whole photo and eight times it', () => {
    expect(clampZoom(0.2)).toBe(MIN_ZOOM);
    expect(clampZoom(3)).toBe(3);
    expect(clampZoom(100)).toBe(MAX_ZOOM);
    expect(clampZoom(Number.NaN)).toBe(MIN_ZOOM);
  });

  it('lets a zoomed photo move only as far as it still covers the frame', () => {
    expect(clampPan({ x: 500, y: -500 }, 1, size)).toEqual({ x: 0, y: 0 });
    // At 2×, the photo is 1600×1200: 400 px spare on each side horizontally, 300 vertically.
    expect(clampPan({ x: 500, y: -500 }, 2, size)).toEqual({ x: 400, y: -300 });
    expect(clampPan({ x: 10, y: 20 }, 2, size)).toEqual({ x: 10, y: 20 });
  });

  it('zooms about the pointer, so what is under it stays there', () => {
    const at = { x: 100, y: -50 };
    const { zoom, pan } = zoomAbout(1, { x: 0, y: 0 }, 2, at, size);
    expect(zoom).toBe(2);
    // The point 100 px right of centre on the photo was under the pointer; at 2× it is 200 px
    // right of the photo's centre, so the photo moves 100 px left to keep it there.
    expect(pan).toEqual({ x: -100, y: 50 });
    expect(at.x - pan.x).toBe(2 * at.x);
  });

  it('zooming back out to the whole photo centres it again', () => {
    const { zoom, pan } = zoomAbout(4, { x: 300, y: 200 }, 0.5, { x: 0, y: 0 }, size);
    expect(zoom).toBe(MIN_ZOOM);
    expect(pan).toEqual({ x: 0, y: 0 });
  });
});

describe('swipes', () => {
  it('a swipe to the left is the next photo, to the right the previous', () => {
    expect(swipeStep(-120, 10)).toBe(1);
    expect(swipeStep(120, -10)).toBe(-1);
  });

  it('a short drag or a mostly vertical one is not a swipe', () => {
    expect(swipeStep(-30, 0)).toBe(0);
    expect(swipeStep(-80, 100)).toBe(0);
  });
});
