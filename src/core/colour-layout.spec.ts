import { describe, expect, it } from 'vitest';
import {
  colourLayout,
  LAYOUT_BYTES,
  layoutColourDistance,
  layoutStructure,
  type LayoutPixels,
} from './colour-layout';

/** A picture drawn by `paint(x, y)` (coordinates 0–1) at width × height. */
function picture(
  width: number,
  height: number,
  paint: (x: number, y: number) => [number, number, number],
): LayoutPixels {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = paint((x + 0.5) / width, (y + 0.5) / height);
      data.set([r, g, b, 255], (y * width + x) * 4);
    }
  }
  return { data, width, height };
}

/** A red disc on a blue-to-green gradient, lit by `light`. */
const scene =
  (light = 1, background = 0) =>
  (x: number, y: number): [number, number, number] => {
    const inDisc = (x - 0.45) ** 2 + (y - 0.55) ** 2 < 0.06;
    if (inDisc) return [200 * light, 40 * light, 30 * light];
    return background === 0
      ? [30 * light, (60 + 150 * x) * light, (200 - 120 * y) * light]
      : [(220 - 150 * y) * light, 200 * light, (40 + 120 * x) * light];
  };

const distance = (a: Uint8Array, b: Uint8Array) => layoutColourDistance(a, 0, b, 0);
const structure = (a: Uint8Array, b: Uint8Array) => layoutStructure(a, 0, b, 0);

describe('colour layout', () => {
  it('is the mean colour of each of 8 × 8 cells', () => {
    const layout = colourLayout(picture(16, 8, (x) => (x < 0.5 ? [255, 0, 0] : [0, 0, 255])));
    expect(layout.length).toBe(LAYOUT_BYTES);
    expect(Array.from(layout.subarray(0, 3))).toEqual([255, 0, 0]);
    expect(Array.from(layout.subarray(7 * 3, 8 * 3))).toEqual([0, 0, 255]);
  });

  it('barely moves for a resized or 5 % cropped copy', () => {
    const original = colourLayout(picture(128, 96, scene()));
    const resized = colourLayout(picture(64, 48, scene()));
    const cropped = colourLayout(
      picture(128, 96, (x, y) => scene()(0.025 + 0.95 * x, 0.025 + 0.95 * y)),
    );
    expect(distance(original, resized)).toBeLessThan(1.5);
    expect(structure(original, resized)).toBeGreaterThan(0.99);
    expect(distance(original, cropped)).toBeLessThan(5);
    expect(structure(original, cropped)).toBeGreaterThan(0.95);
  });

  it('tells another exposure by colour, while its structure stays', () => {
    const original = colourLayout(picture(128, 96, scene()));
    const darker = colourLayout(picture(128, 96, scene(0.85)));
    expect(distance(original, darker)).toBeGreaterThan(8);
    expect(structure(original, darker)).toBeGreaterThan(0.99);
  });

  it('tells the same subject on another background by structure', () => {
    const original = colourLayout(picture(128, 96, scene()));
    const other = colourLayout(picture(128, 96, scene(1, 1)));
    expect(structure(original, other)).toBeLessThan(0.8);
    expect(distance(original, other)).toBeGreaterThan(30);
  });

  it('reads a flat picture as no structure', () => {
    const flat = colourLayout(picture(32, 32, () => [90, 90, 90]));
    expect(structure(flat, colourLayout(picture(32, 32, scene())))).toBe(0);
  });
});
