import { describe, expect, it } from 'vitest';
import { WORKING_SIDE, jpegDecodeSize } from './decode-image';

describe('jpegDecodeSize', () => {
  it.each([
    [4000, 3000, 500, 375], // 1/8: the smallest scale libjpeg offers
    [3000, 4000, 375, 500],
    [2000, 1500, 500, 375], // 2/8, since 1/8 (250 × 188) would be below the working size
    [1000, 750, 375, 282], // 3/8
    [300, 200, 300, 200], // full size: nothing smaller covers the working size
  ])('asks for %i × %i at %i × %i', (w, h, dw, dh) => {
    const size = jpegDecodeSize(w, h);
    expect(size).toEqual({ width: dw, height: dh });
    expect(Math.min(size.width, size.height)).toBeGreaterThanOrEqual(Math.min(WORKING_SIDE, w, h));
  });
});
