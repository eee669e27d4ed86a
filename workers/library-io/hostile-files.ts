import { Zip, ZipDeflate, zipSync } from 'fflate';
import { encodeMetadata, type MetadataRow } from './metadata';
import { encodeNpy, npyHeader } from './npy';
import { THUMBNAILS_DIR, embeddingsPath, metadataPath } from './protocol';
import { DIM, MODEL, unitVector } from './test-library';

/** Hostile and broken exports for the fuzz spec, each built from a seed. */

/** mulberry32: a small seeded generator, so that every run throws the same cases. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function row(i: number, over: Partial<MetadataRow> = {}): MetadataRow {
  return {
    path: `x/${i}.jpg`,
    size: 1,
    width: 1,
    height: 1,
    sha256: '',
    mime: 'image/jpeg',
    lastModified: 0,
    model: MODEL,
    scorer: null,
    models: null,
    pixel: null,
    ...over,
  };
}

export function vectors(rows: number, dim = DIM): Float32Array {
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) out.set(unitVector(r + 1, dim), r * dim);
  return out;
}

/** The files of a valid export of `rows` photos, with a thumbnail each. */
export function exportFiles(rows = 3): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {
    [embeddingsPath(0)]: encodeNpy(vectors(rows), rows, DIM, '<f4'),
    [metadataPath(0)]: encodeMetadata(
      Array.from({ length: rows }, (_, i) => row(i)),
      {},
    ),
  };
  for (let i = 0; i < rows; i++) files[`${THUMBNAILS_DIR}/${i}.webp`] = Uint8Array.of(1, 2, 3, i);
  return files;
}

export const zipOf = (files: Record<string, Uint8Array>, level: 0 | 6 = 0) =>
  zipSync(files, { level });

/** A .npy of a raw header dict and data: for shapes and types encodeNpy refuses to write. */
export function rawNpy(dict: string, data: Uint8Array, version = 1): Uint8Array {
  const unpadded = 10 + dict.length + 1;
  const text = dict + ' '.repeat(Math.ceil(unpadded / 64) * 64 - unpadded) + '\n';
  const out = new Uint8Array(10 + text.length + data.length);
  out.set(npyHeader('<f4', 1, 1).subarray(0, 6));
  out[6] = version;
  new DataView(out.buffer).setUint16(8, text.length, true);
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  out.set(data, 10 + text.length);
  return out;
}

export const npyDict = (descr: string, shape: string, fortran = 'False') =>
  `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': (${shape}), }`;

const CENTRAL = 0x02014b50;
const EOCD = 0x06054b50;

function lastSignature(bytes: Uint8Array, signature: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = bytes.length - 4; i >= 0; i--) if (view.getUint32(i, true) === signature) return i;
  throw new Error('signature not found');
}

/** Rewrites the central record of `name`: its declared sizes, as a zip bomb or a liar would. */
export function withDeclaredSize(zip: Uint8Array, name: string, size: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  const encoded = new TextEncoder().encode(name);
  for (let i = 0; i + 46 <= out.length; i++) {
    if (view.getUint32(i, true) !== CENTRAL) continue;
    const length = view.getUint16(i + 28, true);
    const here = out.subarray(i + 46, i + 46 + length);
    if (length === encoded.length && here.every((b, k) => b === encoded[k])) {
      view.setUint32(i + 24, size, true);
      return out;
    }
  }
  throw new Error(`${name} not in the zip`);
}

/** Rewrites the end record's file count (the 16-bit one, at most 65,535). */
export function withEntryCount(zip: Uint8Array, count: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  const eocd = lastSignature(out, EOCD);
  view.setUint16(eocd + 8, count, true);
  view.setUint16(eocd + 10, count, true);
  return out;
}

/**
 * A zip whose Zip64 end record claims `count` files in a directory of `directorySize` bytes:
 * a 10⁶-entry zip's directory without its 46 MB of records.
 */
export function zip64Claiming(count: number, directorySize: number): Uint8Array {
  const record = new Uint8Array(56 + 20 + 22);
  const view = new DataView(record.buffer);
  view.setUint32(0, 0x06064b50, true);
  view.setBigUint64(4, 44n, true);
  view.setBigUint64(24, BigInt(count), true);
  view.setBigUint64(32, BigInt(count), true);
  view.setBigUint64(40, BigInt(directorySize), true);
  view.setBigUint64(48, 0n, true);
  view.setUint32(56, 0x07064b50, true);
  view.setBigUint64(64, 0n, true);
  view.setUint32(72, 1, true);
  view.setUint32(76, EOCD, true);
  view.setUint16(84, 0xffff, true);
  view.setUint16(86, 0xffff, true);
  view.setUint32(88, 0xffffffff, true);
  view.setUint32(92, 0xffffffff, true);
  return record;
}

/**
 * A zip bomb: a valid export whose vectors file is `megabytes` MiB of zeros, deflated to about
 * a thousandth of that, streamed so that the test itself never holds the inflated bytes.
 */
export function zipBomb(megabytes: number): Uint8Array {
  const parts: Uint8Array[] = [];
  const zip = new Zip((err, chunk) => {
    if (err) throw err;
    parts.push(chunk);
  });
  const files = exportFiles(1);
  for (const [name, bytes] of Object.entries(files)) {
    if (name === embeddingsPath(0)) continue;
    const file = new ZipDeflate(name, { level: 1 });
    zip.add(file);
    file.push(bytes, true);
  }
  const bomb = new ZipDeflate(embeddingsPath(0), { level: 9 });
  zip.add(bomb);
  const zeros = new Uint8Array(1 << 20);
  bomb.push(npyHeader('<f4', Math.floor((megabytes << 20) / 4 / DIM), DIM));
  for (let i = 0; i < megabytes; i++) bomb.push(zeros, i === megabytes - 1);
  zip.end();
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
