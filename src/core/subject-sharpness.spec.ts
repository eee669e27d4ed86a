import { describe, expect, it } from 'vitest';
import { measureSize, subjectSharpness, type RgbaPixels } from './subject-sharpness';

const W = 512;
const H = 384;

/** A grey image from a function of (x, y) → 0–255. */
function image(f: (x: number, y: number) => number): RgbaPixels {
  const data = new Uint8ClampedArray(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const v = f(x, y);
      const p = (y * W + x) * 4;
      data[p] = data[p + 1] = data[p + 2] = v;
      data[p + 3] = 255;
    }
  }
  return { data, width: W, height: H };
}

/** Box blur of radius r, repeated: a soft version of an image. */
function blurred(src: RgbaPixels, r: number, times = 2): RgbaPixels {
  let cur = src;
  for (let k = 0; k < times; k++) {
    const out = new Uint8ClampedArray(cur.data.length);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        let s = 0;
        let n = 0;
        for (let dy = -r; dy <= r; dy++) {
          for (let dx = -r; dx <= r; dx++) {
            const xx = Math.min(W - 1, Math.max(0, x + dx));
            const yy = Math.min(H - 1, Math.max(0, y + dy));
            s += cur.data[(yy * W + xx) * 4]!;
            n++;
          }
        }
        const p = (y * W + x) * 4;
        out[p] = out[p + 1] = out[p + 2] = s / n;
        out[p + 3] = 255;
      }
    }
    cur = { data: out, width: W, height: H };
  }
  return cur;
}

const checker = (x: number, y: number) => ((Math.floor(x / 4) + Math.floor(y / 4)) % 2 ? 200 : 60);

describe('subjectSharpness', () => {
  it('rates a sharp subject on a blurred background above an evenly soft frame', () => {
    const soft = blurred(image(checker), 1);
    const background = blurred(image(checker), 3);
    const sharp = image(checker);
    // The subject: a sharp 96-px square in the middle of the blurred background.
    const portrait = image((x, y) => {
      const inside = Math.abs(x - W / 2) < 48 && Math.abs(y - H / 2) < 48;
      return (inside ? sharp : background).data[(y * W + x) * 4]!;
    });
    expect(subjectSharpness(portrait)).toBeGreaterThan(subjectSharpness(soft));
  });

  it('rates a frame sharper than its blurred copy, and a flat frame at zero', () => {
    const sharp = image(checker);
    expect(subjectSharpness(sharp)).toBeGreaterThan(subjectSharpness(blurred(sharp, 1)));
    expect(subjectSharpness(image(() => 128))).toBe(0);
  });

  it('measures at 512 px on the long side, never enlarging', () => {
    expect(measureSize(4000, 3000)).toEqual({ width: 512, height: 384 });
    expect(measureSize(3000, 4000)).toEqual({ width: 384, height: 512 });
    expect(measureSize(300, 200)).toEqual({ width: 300, height: 200 });
  });
});
