import { describe, expect, it } from 'vitest';
import { APPEAL_WEIGHTS, appealScores, pixelStats, type Pixels } from './pixel-stats';

type Rgb = [number, number, number];

function image(width: number, height: number, colour: (x: number, y: number) => Rgb): Pixels {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = colour(x, y);
      const p = (y * width + x) * 4;
      data[p] = r;
      data[p + 1] = g;
      data[p + 2] = b;
      data[p + 3] = 255;
    }
  }
  return { data, width, height };
}

const flat = (size: number, rgb: Rgb): Pixels => image(size, size, () => rgb);

/** Maps every channel of every pixel, keeping alpha. */
function mapChannels(pixels: Pixels, f: (value: number, index: number) => number): Pixels {
  const data = new Uint8ClampedArray(pixels.data.length);
  pixels.data.forEach((value, i) => {
    data[i] = i % 4 === 3 ? value : f(value, i);
  });
  return { ...pixels, data };
}

/** A deterministic PRNG, so the "noisy" image is the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The "good photo": a warm/cool checkerboard of 8-pixel cells (hard edges) with a gentle
 * sinusoidal shading inside each cell, mean luminance ≈ 0.45 and no clipped pixels.
 */
function textured(size = 128): Pixels {
  return image(size, size, (x, y) => {
    const shade = 12 * Math.sin(x / 5) * Math.cos(y / 7);
    const warm = ((x >> 3) + (y >> 3)) % 2 === 0;
    return warm ? [230 + shade, 160 + shade, 90 + shade] : [30 + shade, 60 + shade, 140 + shade];
  });
}

/** Two passes of a (2r+1)² box blur approximate a Gaussian defocus. */
function boxBlur(pixels: Pixels, radius: number): Pixels {
  const { width, height } = pixels;
  let src = pixels.data;
  for (let pass = 0; pass < 2; pass++) {
    const out = new Uint8ClampedArray(src.length);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let c = 0; c < 4; c++) {
          let sum = 0;
          let n = 0;
          for (let dy = -radius; dy <= radius; dy++) {
            for (let dx = -radius; dx <= radius; dx++) {
              const sx = Math.min(width - 1, Math.max(0, x + dx));
              const sy = Math.min(height - 1, Math.max(0, y + dy));
              sum += src[(sy * width + sx) * 4 + c] ?? 0;
              n++;
            }
          }
          out[(y * width + x) * 4 + c] = sum / n;
        }
      }
    }
    src = out;
  }
  return { width, height, data: src };
}

const clean = textured();
const blurred = boxBlur(clean, 2);
const darkened = mapChannels(clean, (v) => v * 0.3);
const overexposed = mapChannels(clean, (v) => v * 2 + 60);
const washedOut = mapChannels(clean, (v) => 255 - (255 - v) * 0.35);
const lowContrast = mapChannels(clean, (v) => 118 + (v - 118) * 0.3);
const greyscale = image(clean.width, clean.height, (x, y) => {
  const p = (y * clean.width + x) * 4;
  const d = clean.data;
  const luma = 0.2126 * (d[p] ?? 0) + 0.7152 * (d[p + 1] ?? 0) + 0.0722 * (d[p + 2] ?? 0);
  return [luma, luma, luma];
});
const saturated = image(128, 128, (x, y) => {
  const palette: Rgb[] = [
    [230, 30, 40],
    [30, 200, 60],
    [40, 60, 230],
    [240, 210, 20],
  ];
  return palette[((x >> 4) + 2 * (y >> 4)) % 4] ?? [0, 0, 0];
});
const random = mulberry32(42);
const noisy = mapChannels(clean, (v) => v + (random() - 0.5) * 90);

const PHONE = [4000, 3000] as const;
const stats = (pixels: Pixels) => pixelStats(pixels, PHONE[0], PHONE[1]);
const appeal = (pixels: Pixels) => appealScores(stats(pixels));

describe('pixelStats', () => {
  it('measures a flat mid-grey image as flat, unclipped and colourless', () => {
    const s = stats(flat(16, [118, 118, 118]));
    expect(s.meanLuminance).toBeCloseTo(118 / 255, 10);
    expect(s.sharpness).toBe(0);
    expect(s.contrast).toBeCloseTo(0, 10);
    expect(s.colourfulness).toBeCloseTo(0, 10);
    expect(s.noise).toBe(0);
    expect(s.shadowClip).toBe(0);
    expect(s.highlightClip).toBe(0);
    expect(s.megapixels).toBe(12);
  });

  it('detects clipping in all-black and all-white images', () => {
    const black = stats(flat(16, [0, 0, 0]));
    expect(black.shadowClip).toBe(1);
    expect(black.highlightClip).toBe(0);
    expect(black.meanLuminance).toBe(0);
    const white = stats(flat(16, [255, 255, 255]));
    expect(white.highlightClip).toBe(1);
    expect(white.shadowClip).toBe(0);
    expect(white.meanLuminance).toBeCloseTo(1, 10);
  });

  it('puts the clipping thresholds exactly at 2/255 and 253/255', () => {
    const levels = [2, 3, 252, 253];
    const strip = image(4, 1, (x) => {
      const v = levels[x] ?? 0;
      return [v, v, v];
    });
    const s = pixelStats(strip, 4, 1);
    expect(s.shadowClip).toBe(0.25);
    expect(s.highlightClip).toBe(0.25);
  });

  it('computes the Hasler–Süsstrunk metric for pure red (only the mean term)', () => {
    // rg = 255, yb = 127.5 everywhere, so both deviations are 0.
    const s = stats(flat(8, [255, 0, 0]));
    expect(s.colourfulness).toBeCloseTo(0.3 * Math.hypot(255, 127.5), 10);
  });

  it('finds the clean texture sharper than its blurred copy', () => {
    expect(stats(clean).sharpness).toBeGreaterThan(4 * stats(blurred).sharpness);
  });

  it('finds the noisy copy noisier than the clean one (and does not mistake edges for noise)', () => {
    expect(stats(clean).noise).toBeLessThan(4);
    expect(stats(noisy).noise).toBeGreaterThan(15);
  });

  it('ranks colourfulness: saturated blocks > textured photo > its greyscale copy', () => {
    const grey = stats(greyscale).colourfulness;
    expect(grey).toBeLessThan(1);
    expect(stats(clean).colourfulness).toBeGreaterThan(grey + 20);
    expect(stats(saturated).colourfulness).toBeGreaterThan(stats(clean).colourfulness);
  });

  it('ranks RMS contrast: normal > reduced', () => {
    const normal = stats(clean).contrast;
    expect(normal).toBeGreaterThan(0.15);
    expect(normal).toBeLessThan(0.5);
    expect(stats(lowContrast).contrast).toBeCloseTo(normal * 0.3, 2);
  });

  it('handles a full 256×256 copy and stays within the documented ranges', () => {
    const s = pixelStats(textured(256), 4032, 3024);
    expect(s.megapixels).toBeCloseTo(12.192768, 9);
    expect(s.meanLuminance).toBeGreaterThan(0.4);
    expect(s.meanLuminance).toBeLessThan(0.5);
    expect(s.contrast).toBeGreaterThan(0);
    expect(s.contrast).toBeLessThanOrEqual(0.5);
    // Same texture at twice the size: the edge density halves, the edge strength does not.
    expect(s.sharpness).toBeGreaterThan(stats(clean).sharpness / 3);
    for (const value of Object.values(s)) expect(Number.isFinite(value)).toBe(true);
  });

  it('returns 0 sharpness and noise for images too small for a 3×3 neighbourhood', () => {
    for (const size of [1, 2]) {
      const s = pixelStats(flat(size, [200, 10, 10]), size, size);
      expect(s.sharpness).toBe(0);
      expect(s.noise).toBe(0);
      for (const value of Object.values(appealScores(s))) expect(Number.isFinite(value)).toBe(true);
    }
    const checker = image(2, 2, (x, y) => ((x + y) % 2 ? [255, 255, 255] : [0, 0, 0]));
    expect(pixelStats(checker, 2, 2).sharpness).toBe(0);
  });

  it('rejects a buffer that does not match its dimensions, and an empty image', () => {
    const short = { data: new Uint8ClampedArray(10), width: 2, height: 2 };
    expect(() => pixelStats(short, 2, 2)).toThrow(RangeError);
    expect(() => pixelStats({ data: new Uint8ClampedArray(), width: 0, height: 0 }, 0, 0)).toThrow(
      RangeError,
    );
  });
});

describe('appealScores', () => {
  it('keeps every component and the overall score within 0..1', () => {
    const images = [clean, blurred, darkened, overexposed, washedOut, noisy, greyscale, saturated];
    for (const pixels of images) {
      for (const value of Object.values(appeal(pixels))) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
    }
    expect(appealScores(stats(flat(8, [0, 0, 0]))).exposure).toBeLessThan(0.01);
    expect(appealScores(stats(flat(8, [255, 255, 255]))).exposure).toBeLessThan(0.01);
  });

  it('prefers sharp to blurred', () => {
    expect(appeal(clean).sharpness).toBeGreaterThan(appeal(blurred).sharpness + 0.2);
  });

  it('prefers a well-exposed image to under- and over-exposed ones', () => {
    const good = appeal(clean).exposure;
    expect(good).toBeGreaterThan(0.9);
    expect(appeal(darkened).exposure).toBeLessThan(good - 0.3);
    expect(appeal(overexposed).exposure).toBeLessThan(good - 0.3);
    expect(appeal(washedOut).exposure).toBeLessThan(good - 0.3);
    expect(stats(overexposed).highlightClip).toBeGreaterThan(0.3);
  });

  it('prefers normal contrast to low contrast, and colour to grey', () => {
    expect(appeal(lowContrast).contrast).toBeLessThan(appeal(clean).contrast - 0.3);
    expect(appeal(clean).colourfulness).toBeGreaterThan(appeal(greyscale).colourfulness + 0.3);
    expect(appeal(saturated).colourfulness).toBeGreaterThan(appeal(clean).colourfulness);
  });

  it('prefers clean to noisy', () => {
    expect(appeal(noisy).noise).toBeLessThan(0.2);
    expect(appeal(clean).noise).toBe(1);
  });

  it('penalises tiny originals but does not reward megapixels beyond a phone photo', () => {
    const base = stats(clean);
    const at = (megapixels: number) => appealScores({ ...base, megapixels }).resolution;
    expect(at(0.3)).toBeLessThan(at(12) - 0.3);
    expect(at(48)).toBeCloseTo(at(12), 3);
    expect(at(2)).toBeGreaterThan(0.95);
  });

  it('scores the clean textured photo above every degraded variant overall', () => {
    const best = appeal(clean).overall;
    const variants = { blurred, darkened, overexposed, washedOut, lowContrast, noisy, greyscale };
    for (const [name, pixels] of Object.entries(variants)) {
      expect(appeal(pixels).overall, name).toBeLessThan(best);
    }
    expect(appealScores(pixelStats(clean, 320, 240)).overall).toBeLessThan(best);
  });

  it('combines components with weights that sum to 1', () => {
    const total = Object.values(APPEAL_WEIGHTS).reduce((sum, w) => sum + w, 0);
    expect(total).toBeCloseTo(1, 12);
  });
});
