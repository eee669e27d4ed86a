/**
 * The shape of the pixel statistics stored with each photo. The store owns these types so that it
 * never depends on the worker that computes them (workers/aesthetics/pixel-stats.ts).
 */

export interface PixelStats {
  /** Variance of the 4-neighbour Laplacian of luminance (0..255 scale), raw. */
  sharpness: number;
  /** 0..1. */
  meanLuminance: number;
  /** Fraction of pixels with luminance <= 2/255. */
  shadowClip: number;
  /** Fraction of pixels with luminance >= 253/255. */
  highlightClip: number;
  /** RMS contrast: standard deviation of luminance on 0..1, so 0..~0.5. */
  contrast: number;
  /** Hasler & Süsstrunk (2003) colourfulness M on 0..255 values. */
  colourfulness: number;
  /** Of the original photo, from the dimensions passed in (the pixels are a downsized copy). */
  megapixels: number;
  /**
   * Estimated standard deviation of additive noise in luminance (0..255 scale), by Immerkær's
   * fast estimator (1996). Not in the first sketch of this API: without it the Laplacian cannot
   * tell grain from detail, and a noisy photo would look sharper than the clean original.
   */
  noise: number;
}

/** Each component mapped to 0..1 where 1 is more appealing, and their combination. */
export interface AppealScores {
  sharpness: number;
  exposure: number;
  contrast: number;
  colourfulness: number;
  resolution: number;
  /** 1 for a clean image, falling towards 0 as grain becomes obvious. */
  noise: number;
  overall: number;
}
