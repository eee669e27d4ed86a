import { describe, expect, it } from 'vitest';
import {
  NpyFormatError,
  decodeNpy,
  encodeNpy,
  fromFloat16,
  npyHeader,
  toFloat16,
  toFloat16Bits,
} from './npy';

const text = (bytes: Uint8Array) => String.fromCharCode(...bytes);

describe('.npy', () => {
  it('writes a version 1.0 header padded to 64 bytes, as NumPy does', () => {
    const header = npyHeader('<f4', 3, 512);
    expect(header.length % 64).toBe(0);
    expect(Array.from(header.subarray(0, 8))).toEqual([0x93, 78, 85, 77, 80, 89, 1, 0]);
    const length = header[8]! | (header[9]! << 8);
    expect(10 + length).toBe(header.length);
    const dict = text(header.subarray(10));
    expect(dict).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(3, 512\), \} +\n$/);
  });

  it('round-trips float32 exactly and float16 to half precision', () => {
    const values = Float32Array.from({ length: 6 * 5 }, (_, i) => Math.sin(i) * 3);
    const f4 = decodeNpy(encodeNpy(values, 6, 5, '<f4'));
    expect(f4).toMatchObject({ descr: '<f4', rows: 6, cols: 5 });
    expect(Array.from(f4.data)).toEqual(Array.from(values));
    const f2 = decodeNpy(encodeNpy(values, 6, 5, '<f2'));
    expect(f2).toMatchObject({ descr: '<f2', rows: 6, cols: 5 });
    f2.data.forEach((v, i) => expect(Math.abs(v - values[i]!)).toBeLessThanOrEqual(2 ** -9));
  });

  it('reads data that starts at an odd offset of a larger buffer', () => {
    const values = Float32Array.of(1, -2, 3.5, 0.25);
    const bytes = encodeNpy(values, 2, 2, '<f4');
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    expect(Array.from(decodeNpy(padded.subarray(3)).data)).toEqual([1, -2, 3.5, 0.25]);
  });

  it('rounds to float16 like IEEE 754: nearest, ties to even, subnormals, overflow', () => {
    expect(toFloat16(0)).toBe(0);
    expect(toFloat16(-0)).toBe(0x8000);
    expect(toFloat16(1)).toBe(0x3c00);
    expect(toFloat16(-2)).toBe(0xc000);
    expect(toFloat16(65504)).toBe(0x7bff);
    expect(toFloat16(65520)).toBe(0x7c00); // rounds up past the largest half: infinity
    expect(toFloat16(1e9)).toBe(0x7c00);
    expect(toFloat16(-Infinity)).toBe(0xfc00);
    expect(toFloat16(NaN) & 0x7c00).toBe(0x7c00);
    expect(toFloat16(NaN) & 0x3ff).not.toBe(0);
    expect(toFloat16(2 ** -24)).toBe(1); // smallest subnormal
    expect(toFloat16(2 ** -25)).toBe(0); // a tie: to even, zero
    expect(toFloat16(3 * 2 ** -25)).toBe(2); // a tie between 1 and 2: to even
    expect(toFloat16(2 ** -14)).toBe(0x0400); // smallest normal
    // 1 + 2^-11 lies halfway between 1 and the next half (1 + 2^-10): ties to even (1).
    expect(toFloat16(1 + 2 ** -11)).toBe(0x3c00);
    expect(toFloat16(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(toFloat16(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01);
    for (const h of [0, 1, 0x3ff, 0x400, 0x3c00, 0x3555, 0x7bff, 0x8001, 0xc000, 0xfbff]) {
      expect(toFloat16(fromFloat16(h))).toBe(h);
    }
    expect(fromFloat16(0x7c00)).toBe(Infinity);
    expect(Number.isNaN(fromFloat16(0x7e00))).toBe(true);
    expect(Array.from(toFloat16Bits(Float32Array.of(0.5, -0.25)))).toEqual([0x3800, 0xb400]);
  });

  it('refuses what is not a 2-D float32 or float16 C-order matrix, saying why', () => {
    const good = encodeNpy(Float32Array.of(1, 2, 3, 4), 2, 2, '<f4');
    const withHeader = (dict: string, dataBytes: number) => {
      const header = npyHeader('<f4', 2, 2);
      const padded = dict.padEnd(header.length - 11) + '\n';
      const out = new Uint8Array(10 + padded.length + dataBytes);
      out.set(header.subarray(0, 8));
      out[8] = padded.length & 0xff;
      out[9] = padded.length >> 8;
      for (let i = 0; i < padded.length; i++) out[10 + i] = padded.charCodeAt(i);
      return out;
    };
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array(0), /not a \.npy file/],
      [Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0, 0, 0, 0]), /not a \.npy file/],
      [good.subarray(0, 40), /header is cut short/],
      [good.subarray(0, good.length - 1), /data is 15 bytes; a 2×2 <f4 matrix takes 16/],
      [withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", 32), /type <f8/],
      [withHeader("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }", 16), /type >f4/],
      [withHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", 16), /Fortran/],
      [withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", 16), /2-D/],
      [withHeader("{'descr': '<f4', 'shape': (2, 2), }", 16), /lacks/],
    ];
    for (const [bytes, reason] of cases) {
      expect(() => decodeNpy(bytes)).toThrow(NpyFormatError);
      expect(() => decodeNpy(bytes)).toThrow(reason);
    }
    const v9 = good.slice();
    v9[6] = 9;
    expect(() => decodeNpy(v9)).toThrow(/version 9/);
  });
});
