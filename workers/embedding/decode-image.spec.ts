import { describe, expect, it } from 'vitest';
import { WORKING_SIDE, jpegDecodeSize } from './decode-image';

describe('jpegDecodeSize', () => {
  it.each([
    [4000, 3000, 1000, 750], // 2/8: 1/8 (500 × 375) is below the sharpness measure's 512
    [3000, 4000, 750, 1000],
    [8000, 6000, 1000, 750], // 1/8: the smallest scale libjpeg offers
    [2000, 1500, 750, 563], // 3/8, for the measure's 512 on the long side
    [1000, 750, 625, 469], // 5/8
    [300, 200, 300, 200], // full size: nothing smaller covers the working size
  ])('asks for %i × %i at %i × %i', (w, h, dw, dh) => {
    const size = jpegDecodeSize(w, h);
    expect(size).toEqual({ width: dw, height: dh });
    expect(Math.min(size.width, size.height)).toBeGreaterThanOrEqual(Math.min(WORKING_SIDE, w, h));
    expect(Math.max(size.width, size.height)).toBeGreaterThanOrEqual(Math.min(512, Math.max(w, h)));
  });
});
