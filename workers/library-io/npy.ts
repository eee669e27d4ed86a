/**
 * NumPy's .npy format, version 1.0, written here rather than through a library: the format is
 * a magic string, a Python-literal header padded to 64 bytes, and the raw little-endian data
 * (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html).
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ALIGN = 64;
const MAX_HEADER = 1 << 16;

export type NpyDescr = '<f4' | '<f2';

/** A matrix read from a .npy file, widened to float32 whatever it was stored as. */
export interface NpyMatrix {
  descr: NpyDescr;
  rows: number;
  cols: number;
  data: Float32Array;
}

export class NpyFormatError extends Error {
  override name = 'NpyFormatError';
}

// Typed arrays use the platform's byte order; .npy says '<' (little-endian), as every browser is.
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** The header of a C-order (rows, cols) matrix: magic, version 1.0, length, padded dict. */
export function npyHeader(descr: NpyDescr, rows: number, cols: number): Uint8Array {
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  // 6 magic + 2 version + 2 length bytes, then the dict, spaces, and a closing newline.
  const unpadded = 10 + dict.length + 1;
  const total = Math.ceil(unpadded / ALIGN) * ALIGN;
  const text = dict + ' '.repeat(total - unpadded) + '\n';
  if (text.length > 0xffff) throw new NpyFormatError('The .npy header is too long.');
  const out = new Uint8Array(total);
  out.set(MAGIC);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, text.length, true);
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  return out;
}

/** The bytes of a matrix as .npy data: float32 as it is, float16 rounded to nearest even. */
export function npyData(vectors: Float32Array, descr: NpyDescr): Uint8Array {
  if (!LITTLE_ENDIAN) throw new NpyFormatError('A big-endian platform cannot write .npy here.');
  const typed = descr === '<f4' ? vectors : toFloat16Bits(vectors);
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

export function encodeNpy(vectors: Float32Array, rows: number, cols: number, descr: NpyDescr) {
  if (vectors.length !== rows * cols) {
    throw new NpyFormatError(`${vectors.length} values do not make a ${rows}×${cols} matrix.`);
  }
  const header = npyHeader(descr, rows, cols);
  const data = npyData(vectors, descr);
  const out = new Uint8Array(header.length + data.length);
  out.set(header);
  out.set(data, header.length);
  return out;
}

/** Reads a 2-D float32 or float16 .npy matrix; anything else is refused with the reason. */
export function decodeNpy(bytes: Uint8Array): NpyMatrix {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new NpyFormatError('It is not a .npy file (its first bytes are not \\x93NUMPY).');
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let start: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new NpyFormatError('The .npy header is cut short.');
    headerLength = view.getUint32(8, true);
    start = 12;
  } else {
    throw new NpyFormatError(`.npy version ${major} is not supported.`);
  }
  if (start + headerLength > bytes.length)
    throw new NpyFormatError('The .npy header is cut short.');
  // NumPy writes a header of a few hundred bytes; a huge one is not a matrix of vectors.
  if (headerLength > MAX_HEADER) throw new NpyFormatError('The .npy header is implausibly long.');
  let header = '';
  for (let i = start; i < start + headerLength; i++) header += String.fromCharCode(bytes[i]!);

  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shape === undefined) {
    throw new NpyFormatError('The .npy header lacks descr, fortran_order or shape.');
  }
  if (descr !== '<f4' && descr !== '<f2') {
    throw new NpyFormatError(`The vectors are of type ${descr}; float32 or float16 are expected.`);
  }
  if (fortran === 'True') throw new NpyFormatError('Fortran-ordered .npy files are not supported.');
  const dims = shape
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (dims.length !== 2 || !dims.every((d) => /^\d+$/.test(d))) {
    throw new NpyFormatError(`The vectors have shape (${shape}); a 2-D matrix is expected.`);
  }
  const [rows, cols] = dims.map(Number) as [number, number];
  const size = descr === '<f4' ? 4 : 2;
  const dataStart = start + headerLength;
  const expected = rows * cols * size;
  if (bytes.length - dataStart !== expected) {
    throw new NpyFormatError(
      `The .npy data is ${bytes.length - dataStart} bytes; a ${rows}×${cols} ${descr} matrix takes ${expected}.`,
    );
  }
  if (!LITTLE_ENDIAN) throw new NpyFormatError('A big-endian platform cannot read .npy here.');
  // A copy: the data may start at an offset a typed array cannot be aligned on.
  const raw = bytes.slice(dataStart, dataStart + expected);
  const data =
    descr === '<f4' ? new Float32Array(raw.buffer) : fromFloat16Bits(new Uint16Array(raw.buffer));
  return { descr, rows, cols, data };
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary16 bits of a number, rounded to nearest, ties to even (as NumPy does). */
export function toFloat16(x: number): number {
  f32[0] = x;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal in half precision (or zero): shift the full significand into 10 bits.
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    let half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to infinity).
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half;
}

export function fromFloat16(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >>> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

export function toFloat16Bits(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toFloat16(values[i]!);
  return out;
}

let halves: Float32Array | undefined;

/** Widens float16 bits through a table of all 65,536 values: a lookup per value, not a power. */
export function fromFloat16Bits(bits: Uint16Array): Float32Array {
  if (!halves) {
    halves = new Float32Array(0x10000);
    for (let h = 0; h < 0x10000; h++) halves[h] = fromFloat16(h);
  }
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = halves[bits[i]!]!;
  return out;
}
