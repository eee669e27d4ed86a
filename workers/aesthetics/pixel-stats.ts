/**
 * Pixel statistics of visual appeal: cheap, model-free signals that complement the learned
 * aesthetic scores. They run on the small decoded copy of each photo the indexer already makes,
 * so they must stay a few typed-array passes with no per-pixel allocation.
 *
 * Luminance is Y = 0.2126 R + 0.7152 G + 0.0722 B applied to the sRGB-encoded values directly:
 * every statistic here is about perceived tone, and gamma-encoded values are already roughly
 * perceptual, so linearising would only cost time and move the thresholds. Alpha is ignored
 * because decoded photos are opaque.
 */

export interface Pixels {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

import type { AppealScores, PixelStats } from '../../src/core/store/pixel-scores';

/**
 * Weights of the overall score. Sharpness and exposure dominate because blur and bad exposure
 * are the defects people reject first; colourfulness stays small so that good black-and-white
 * photos are not buried; resolution is small because the thumbnails hide most of it.
 */
export const APPEAL_WEIGHTS: Readonly<Record<Exclude<keyof AppealScores, 'overall'>, number>> = {
  sharpness: 0.3,
  exposure: 0.25,
  contrast: 0.15,
  colourfulness: 0.1,
  resolution: 0.1,
  noise: 0.1,
};

// Luminance is computed in integers scaled by 10^4 so that the clipping thresholds are exact:
// in floating point, white would come out as 254.99999999999997 on some paths.
const Y_SCALE = 10_000;
const SHADOW_CLIP_MAX = 2 * Y_SCALE;
const HIGHLIGHT_CLIP_MIN = 253 * Y_SCALE;

function assertDimension(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
}

export function pixelStats(
  pixels: Pixels,
  originalWidth: number,
  originalHeight: number,
): PixelStats {
  const { data, width, height } = pixels;
  assertDimension(width, 'width');
  assertDimension(height, 'height');
  assertDimension(originalWidth, 'originalWidth');
  assertDimension(originalHeight, 'originalHeight');
  const count = width * height;
  if (count === 0) throw new RangeError('pixelStats needs an image of at least 1×1 pixels');
  if (data.length < count * 4) {
    throw new RangeError(
      `a ${width}×${height} RGBA image needs ${count * 4} bytes, got ${data.length}`,
    );
  }

  const luminance = new Float64Array(count);
  let sumY = 0;
  let sumY2 = 0;
  let shadow = 0;
  let highlight = 0;
  let sumRg = 0;
  let sumRg2 = 0;
  let sumYb = 0;
  let sumYb2 = 0;
  for (let i = 0, p = 0; i < count; i++, p += 4) {
    const r = data[p] ?? 0;
    const g = data[p + 1] ?? 0;
    const b = data[p + 2] ?? 0;
    const scaled = 2126 * r + 7152 * g + 722 * b;
    if (scaled <= SHADOW_CLIP_MAX) shadow++;
    if (scaled >= HIGHLIGHT_CLIP_MIN) highlight++;
    const y = scaled / Y_SCALE;
    luminance[i] = y;
    sumY += y;
    sumY2 += y * y;
    const rg = r - g;
    const yb = 0.5 * (r + g) - b;
    sumRg += rg;
    sumRg2 += rg * rg;
    sumYb += yb;
    sumYb2 += yb * yb;
  }

  const meanY = sumY / count;
  const varianceY = Math.max(0, sumY2 / count - meanY * meanY);
  const meanRg = sumRg / count;
  const meanYb = sumYb / count;
  const varianceRg = Math.max(0, sumRg2 / count - meanRg * meanRg);
  const varianceYb = Math.max(0, sumYb2 / count - meanYb * meanYb);
  const colourfulness =
    Math.sqrt(varianceRg + varianceYb) + 0.3 * Math.sqrt(meanRg * meanRg + meanYb * meanYb);

  const { laplacianVariance, noiseSigma } = secondDerivatives(luminance, width, height);

  return {
    sharpness: laplacianVariance,
    meanLuminance: meanY / 255,
    shadowClip: shadow / count,
    highlightClip: highlight / count,
    contrast: Math.sqrt(varianceY) / 255,
    colourfulness,
    megapixels: (originalWidth * originalHeight) / 1e6,
    noise: noiseSigma,
  };
}

/**
 * One pass over the interior 3×3 neighbourhoods computes both the Laplacian (edges and detail)
 * and Immerkær's kernel [1 -2 1; -2 4 -2; 1 -2 1], the product of horizontal and vertical second
 * differences: it ignores straight edges and smooth gradients, so what remains is mostly noise.
 * Images thinner than 3 pixels have no interior and report 0 for both.
 */
function secondDerivatives(
  y: Float64Array,
  width: number,
  height: number,
): { laplacianVariance: number; noiseSigma: number } {
  if (width < 3 || height < 3) return { laplacianVariance: 0, noiseSigma: 0 };
  let sum = 0;
  let sum2 = 0;
  let absNoise = 0;
  for (let row = 1; row < height - 1; row++) {
    const above = (row - 1) * width;
    const here = row * width;
    const below = (row + 1) * width;
    for (let col = 1; col < width - 1; col++) {
      const n = y[above + col] ?? 0;
      const s = y[below + col] ?? 0;
      const w = y[here + col - 1] ?? 0;
      const e = y[here + col + 1] ?? 0;
      const c = y[here + col] ?? 0;
      const corners =
        (y[above + col - 1] ?? 0) +
        (y[above + col + 1] ?? 0) +
        (y[below + col - 1] ?? 0) +
        (y[below + col + 1] ?? 0);
      const edges = n + s + w + e;
      const laplacian = edges - 4 * c;
      sum += laplacian;
      sum2 += laplacian * laplacian;
      absNoise += Math.abs(corners - 2 * edges + 4 * c);
    }
  }
  const interior = (width - 2) * (height - 2);
  const mean = sum / interior;
  return {
    laplacianVariance: Math.max(0, sum2 / interior - mean * mean),
    noiseSigma: (Math.sqrt(Math.PI / 2) * absNoise) / (6 * interior),
  };
}

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));

const logistic = (x: number, centre: number, width: number): number =>
  1 / (1 + Math.exp(-(x - centre) / width));

const smoothstep = (edge0: number, edge1: number, x: number): number => {
  const t = clamp01((x - edge0) / (edge1 - edge0));
  return t * t * (3 - 2 * t);
};

export function appealScores(stats: PixelStats): AppealScores {
  // Laplacian variance spans orders of magnitude (flat ~0, soft ~10s, crisp ~1000s on a
  // 256-pixel copy), so it is judged on a log scale; the logistic centred at 10^2 saturates
  // because beyond "crisp" more edge energy is texture, not better focus.
  const sharpness = logistic(Math.log10(1 + stats.sharpness), 2, 0.25);

  // A mean between 0.45 and 0.5 is well exposed; outside that band appeal falls off as a
  // Gaussian so that low-key and high-key photos are penalised gently, not zeroed. Clipping is a
  // separate factor: a few percent of pure black or white is normal, a quarter is a defect.
  const meanDistance = Math.max(0, Math.abs(stats.meanLuminance - 0.475) - 0.025);
  const meanAppeal = Math.exp(-((meanDistance / 0.2) ** 2));
  const clipAppeal = 1 - smoothstep(0.02, 0.3, stats.shadowClip + stats.highlightClip);
  const exposure = meanAppeal * clipAppeal;

  // RMS contrast of typical photos is 0.15..0.3; below that the image looks flat, above it gains
  // nothing (harshness shows up as clipping instead), hence a curve that plateaus near 0.2.
  const contrast = 1 - Math.exp(-((stats.contrast / 0.1) ** 2));

  // Hasler & Süsstrunk rate M ≈ 33 "moderately" and ≈ 59 "quite" colourful; saturate there,
  // because garish beyond that is not more appealing.
  const colourfulness = 1 - Math.exp(-stats.colourfulness / 35);

  // Thumbnails and old web images are penalised; past ~2 MP (a small phone photo) every photo
  // looks the same on screen, so 12 MP and 48 MP score alike.
  const resolution = 1 - Math.exp(-stats.megapixels / 0.5);

  // The estimator reads a few grey levels even on clean photos (corners and fine texture also
  // excite its kernel), and light grain vanishes in the downsized copy, so the penalty starts at
  // σ ≈ 5 and is complete at σ ≈ 20, where grain is obvious at any size.
  const noise = 1 - smoothstep(5, 20, stats.noise);

  const w = APPEAL_WEIGHTS;
  const weighted =
    w.sharpness * sharpness +
    w.exposure * exposure +
    w.contrast * contrast +
    w.colourfulness * colourfulness +
    w.resolution * resolution +
    w.noise * noise;
  const totalWeight =
    w.sharpness + w.exposure + w.contrast + w.colourfulness + w.resolution + w.noise;
  return {
    sharpness,
    exposure,
    contrast,
    colourfulness,
    resolution,
    noise,
    overall: weighted / totalWeight,
  };
}
