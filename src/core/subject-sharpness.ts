/**
 * Sharpness of a photo's subject: the peak over tiles of the Laplacian's energy, so that a sharp
 * subject on a blurred background (a portrait, a macro) scores as sharp as it looks, where the
 * whole-picture figure of the pixel statistics calls it soft. Measured on a copy whose long side
 * is MEASURE_LONG_SIDE (the 256-px thumbnail hides the difference between near-identical frames),
 * at the same size for every photo so that a resized copy measures like its original.
 *
 * The figure is the root mean square of the 4-neighbour Laplacian of luminance (grey levels),
 * averaged over the PEAK_TILES sharpest of TILES_LONG × n tiles. Changing any of this changes
 * SUBJECT_SHARPNESS_VERSION, so stored figures are never compared across versions.
 */

export const SUBJECT_SHARPNESS_VERSION = 1;
export const MEASURE_LONG_SIDE = 512;
const TILES_LONG = 8;
const PEAK_TILES = 2;

export interface RgbaPixels {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** The size to draw a width × height picture at for measuring (never enlarged). */
export function measureSize(width: number, height: number): { width: number; height: number } {
  const k = Math.min(1, MEASURE_LONG_SIDE / Math.max(width, height, 1));
  return { width: Math.max(1, Math.round(width * k)), height: Math.max(1, Math.round(height * k)) };
}

export function subjectSharpness(pixels: RgbaPixels): number {
  const { data, width, height } = pixels;
  if (width < 3 || height < 3) return 0;
  const y = new Float32Array(width * height);
  for (let i = 0, p = 0; i < y.length; i++, p += 4) {
    y[i] = 0.2126 * data[p]! + 0.7152 * data[p + 1]! + 0.0722 * data[p + 2]!;
  }
  const across =
    width >= height ? TILES_LONG : Math.max(1, Math.round((TILES_LONG * width) / height));
  const down = height > width ? TILES_LONG : Math.max(1, Math.round((TILES_LONG * height) / width));
  const energy = new Float64Array(across * down);
  const count = new Float64Array(across * down);
  for (let r = 1; r < height - 1; r++) {
    const tr = Math.min(down - 1, Math.floor((r * down) / height));
    for (let c = 1; c < width - 1; c++) {
      const i = r * width + c;
      const lap = 4 * y[i]! - y[i - 1]! - y[i + 1]! - y[i - width]! - y[i + width]!;
      const t = tr * across + Math.min(across - 1, Math.floor((c * across) / width));
      energy[t]! += lap * lap;
      count[t]! += 1;
    }
  }
  const rms = Array.from(energy, (e, t) => (count[t]! > 0 ? Math.sqrt(e / count[t]!) : 0));
  rms.sort((a, b) => b - a);
  const top = rms.slice(0, Math.min(PEAK_TILES, rms.length));
  return top.reduce((s, v) => s + v, 0) / top.length;
}

/** A 0–1 reading of the figure for display and for mixing with other scores. */
export function sharpnessScore(figure: number): number {
  return figure / (figure + 10);
}
