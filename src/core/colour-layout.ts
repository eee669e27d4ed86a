/**
 * A photo's colour layout: the mean red, green and blue of each cell of an 8 × 8 grid over the
 * whole picture (192 bytes), measured where the photo is decoded. The moments worker compares two
 * layouts two ways (workers/moments, docs/moments.md):
 *
 * - colour distance: the root mean square difference of the 4 × 4 grid's mean colours (grey
 *   levels). A re-encode, a resize or a 5 % crop barely moves it; another exposure, another
 *   background or another scene does. It is not a binary perceptual hash on purpose: frames of
 *   one burst can have the same pHash (the hash ignores light), and the light is what tells two
 *   frames from two copies of one.
 * - structure: the correlation of the 8 × 8 grid's luminance (−1 to 1). It ignores exposure and
 *   contrast and barely sees noise, blur or compression, so two frames of one moment score high
 *   however differently each is spoiled, while the same subject on another background does not.
 *
 * Changing the grid or how cells are averaged changes COLOUR_LAYOUT_VERSION, so stored layouts
 * are never compared across versions.
 */

export const COLOUR_LAYOUT_VERSION = 1;
export const LAYOUT_SIDE = 8;
const CELLS = LAYOUT_SIDE * LAYOUT_SIDE;
/** Bytes per layout: red, green and blue per cell, cell by cell in rows. */
export const LAYOUT_BYTES = CELLS * 3;

export interface LayoutPixels {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
}

/** The mean colour of each grid cell (every pixel counted once, in the cell its position falls in). */
export function colourLayout(pixels: LayoutPixels): Uint8Array {
  const { data, width, height } = pixels;
  const sums = new Float64Array(LAYOUT_BYTES);
  const counts = new Float64Array(CELLS);
  for (let y = 0; y < height; y++) {
    const row = Math.floor((y * LAYOUT_SIDE) / height) * LAYOUT_SIDE;
    for (let x = 0; x < width; x++) {
      const cell = row + Math.floor((x * LAYOUT_SIDE) / width);
      const p = (y * width + x) * 4;
      sums[cell * 3]! += data[p]!;
      sums[cell * 3 + 1]! += data[p + 1]!;
      sums[cell * 3 + 2]! += data[p + 2]!;
      counts[cell]! += 1;
    }
  }
  const out = new Uint8Array(LAYOUT_BYTES);
  for (let i = 0; i < LAYOUT_BYTES; i++) {
    const n = counts[Math.floor(i / 3)]!;
    out[i] = n > 0 ? Math.round(sums[i]! / n) : 0;
  }
  return out;
}

/**
 * RMS difference of the 4 × 4 grid's mean colours (each cell the mean of 2 × 2 cells of the
 * layout), 0–255. `a` and `b` hold layouts at byte offsets `ao` and `bo`.
 */
export function layoutColourDistance(a: Uint8Array, ao: number, b: Uint8Array, bo: number): number {
  const half = LAYOUT_SIDE / 2;
  let sum = 0;
  for (let cy = 0; cy < half; cy++) {
    for (let cx = 0; cx < half; cx++) {
      for (let ch = 0; ch < 3; ch++) {
        let d = 0;
        for (let dy = 0; dy < 2; dy++) {
          for (let dx = 0; dx < 2; dx++) {
            const at = ((2 * cy + dy) * LAYOUT_SIDE + 2 * cx + dx) * 3 + ch;
            d += a[ao + at]! - b[bo + at]!;
          }
        }
        sum += (d / 4) ** 2;
      }
    }
  }
  return Math.sqrt(sum / (half * half * 3));
}

/** Correlation of the two layouts' 8 × 8 luminance, −1 to 1 (0 when either is flat). */
export function layoutStructure(a: Uint8Array, ao: number, b: Uint8Array, bo: number): number {
  let sa = 0;
  let sb = 0;
  let saa = 0;
  let sbb = 0;
  let sab = 0;
  for (let c = 0; c < CELLS; c++) {
    const x = luma(a, ao + c * 3);
    const y = luma(b, bo + c * 3);
    sa += x;
    sb += y;
    saa += x * x;
    sbb += y * y;
    sab += x * y;
  }
  const va = saa - (sa * sa) / CELLS;
  const vb = sbb - (sb * sb) / CELLS;
  if (va <= 1e-9 || vb <= 1e-9) return 0;
  return (sab - (sa * sb) / CELLS) / Math.sqrt(va * vb);
}

function luma(v: Uint8Array, at: number): number {
  return 0.299 * v[at]! + 0.587 * v[at + 1]! + 0.114 * v[at + 2]!;
}
