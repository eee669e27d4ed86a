import { inflateSync } from 'fflate';

/**
 * Reads single entries of a zip through its central directory, slicing the Blob for each:
 * an export of 100k thumbnails is never held in memory at once, as fflate's unzip would.
 * Stored and deflated entries, Zip64 sizes and offsets; every entry's CRC-32 is checked.
 */

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

export class ZipFormatError extends Error {
  override name = 'ZipFormatError';
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const U32_MAX = 0xffffffff;
/** A central record is at least 46 bytes; a directory cannot list more than its size allows. */
const CENTRAL_MIN = 46;
/**
 * Room for a library of half a million photos with thumbnails; a zip listing more is refused
 * before its directory is read, so a forged count never allocates.
 */
export const MAX_ZIP_ENTRIES = 600_000;
/**
 * How far one entry may inflate beyond its compressed bytes. Exports hold floats, WebP and
 * Snappy-compressed Parquet, which deflate cannot shrink by more than a few times; a zip bomb
 * inflates a thousand times. Keeps an import's memory within 2× its input plus 64 MiB.
 */
const INFLATE_SLACK = 64 << 20;
const INFLATE_RATIO = 2;

async function bytesOf(blob: Blob, start: number, end: number): Promise<DataView> {
  if (start < 0 || end > blob.size || start > end) {
    throw new ZipFormatError('The zip points outside itself; it is cut short or damaged.');
  }
  return new DataView(await blob.slice(start, end).arrayBuffer());
}

function u64(view: DataView, at: number): number {
  const v = view.getBigUint64(at, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError('A zip size is too large.');
  return Number(v);
}

/** Lists the files of a zip (folders left out) by their paths. */
export async function readZipDirectory(zip: Blob): Promise<Map<string, ZipEntry>> {
  // The end record sits in the last 22 bytes plus up to 64 KiB of comment.
  const tailStart = Math.max(0, zip.size - 22 - 0xffff);
  const tail = await bytesOf(zip, tailStart, zip.size);
  let eocd = -1;
  for (let i = tail.byteLength - 22; i >= 0; i--) {
    if (tail.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipFormatError('It is not a zip file, or it is cut short.');
  let count = tail.getUint16(eocd + 10, true);
  let directorySize = tail.getUint32(eocd + 12, true);
  let directoryOffset = tail.getUint32(eocd + 16, true);
  if (count === 0xffff || directorySize === U32_MAX || directoryOffset === U32_MAX) {
    const at = eocd - 20;
    if (at < 0 || tail.getUint32(at, true) !== ZIP64_LOCATOR) {
      throw new ZipFormatError('The zip claims Zip64 sizes but has no Zip64 record.');
    }
    const recordOffset = u64(tail, at + 8);
    const record = await bytesOf(zip, recordOffset, recordOffset + 56);
    if (record.getUint32(0, true) !== ZIP64_EOCD) throw new ZipFormatError('Bad Zip64 record.');
    count = u64(record, 32);
    directorySize = u64(record, 40);
    directoryOffset = u64(record, 48);
  }
  if (count > MAX_ZIP_ENTRIES) {
    throw new ZipFormatError(
      `The zip lists ${count.toLocaleString('en')} files; Lumen imports at most ${MAX_ZIP_ENTRIES.toLocaleString('en')}.`,
    );
  }
  if (count * CENTRAL_MIN > directorySize) {
    throw new ZipFormatError('The zip directory is damaged (it lists more files than it holds).');
  }
  const dir = await bytesOf(zip, directoryOffset, directoryOffset + directorySize);
  const decoder = new TextDecoder();
  const entries = new Map<string, ZipEntry>();
  let at = 0;
  for (let n = 0; n < count; n++) {
    if (at + 46 > dir.byteLength || dir.getUint32(at, true) !== CENTRAL) {
      throw new ZipFormatError('The zip directory is damaged.');
    }
    const flags = dir.getUint16(at + 8, true);
    const method = dir.getUint16(at + 10, true);
    const crc = dir.getUint32(at + 16, true);
    let compressedSize = dir.getUint32(at + 20, true);
    let size = dir.getUint32(at + 24, true);
    const nameLength = dir.getUint16(at + 28, true);
    const extraLength = dir.getUint16(at + 30, true);
    const commentLength = dir.getUint16(at + 32, true);
    let localOffset = dir.getUint32(at + 42, true);
    const nameStart = dir.byteOffset + at + 46;
    if (at + 46 + nameLength + extraLength > dir.byteLength) {
      throw new ZipFormatError('The zip directory is damaged.');
    }
    const name = decoder.decode(new Uint8Array(dir.buffer, nameStart, nameLength));
    // Zip64: the 64-bit values follow, in this order, only for fields saturated at 0xffffffff.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = dir.getUint16(extra, true);
      const length = dir.getUint16(extra + 2, true);
      if (id === 0x0001) {
        let field = extra + 4;
        if (size === U32_MAX) {
          size = u64(dir, field);
          field += 8;
        }
        if (compressedSize === U32_MAX) {
          compressedSize = u64(dir, field);
          field += 8;
        }
        if (localOffset === U32_MAX) localOffset = u64(dir, field);
      }
      extra += 4 + length;
    }
    at = extraEnd + commentLength;
    if (name.endsWith('/')) continue;
    if (flags & 1) throw new ZipFormatError(`${name} is encrypted; Lumen cannot read it.`);
    if (entries.has(name)) throw new ZipFormatError(`The zip holds ${name} twice; it is damaged.`);
    // Names are only keys here, never paths to write to; one that climbs is still not an export's.
    if (/(^|[\\/])\.\.([\\/]|$)/.test(name)) {
      throw new ZipFormatError(`The zip holds ${name}, which climbs out of its folder.`);
    }
    entries.set(name, { name, method, crc, compressedSize, size, localOffset });
  }
  return entries;
}

/** The bytes of one entry, inflated and checked against its CRC-32. */
export async function readZipEntry(zip: Blob, entry: ZipEntry): Promise<Uint8Array> {
  const stored = entry.method === 0;
  if (stored ? entry.size !== entry.compressedSize : entry.size > inflateLimit(entry)) {
    throw new ZipFormatError(
      stored
        ? `${entry.name} is damaged: its sizes disagree.`
        : `${entry.name} would inflate to ${entry.size} bytes from ${entry.compressedSize}: a zip bomb, or not an export.`,
    );
  }
  const local = await bytesOf(zip, entry.localOffset, entry.localOffset + 30);
  if (local.getUint32(0, true) !== LOCAL) {
    throw new ZipFormatError(`${entry.name}: the zip is damaged (no local header).`);
  }
  const start = entry.localOffset + 30 + local.getUint16(26, true) + local.getUint16(28, true);
  const raw = new Uint8Array((await bytesOf(zip, start, start + entry.compressedSize)).buffer);
  let bytes: Uint8Array;
  if (stored) bytes = raw;
  else if (entry.method === 8) {
    try {
      // Into a buffer of the declared size: fflate stops there, so a lying size cannot grow it.
      bytes = inflateSync(raw, { out: new Uint8Array(entry.size) });
    } catch (e) {
      throw new ZipFormatError(`${entry.name}: the compressed data is damaged (${String(e)}).`);
    }
  } else {
    throw new ZipFormatError(`${entry.name} uses zip compression method ${entry.method}.`);
  }
  if (bytes.length !== entry.size || crc32(bytes) !== entry.crc) {
    throw new ZipFormatError(`${entry.name} is damaged: its checksum does not match.`);
  }
  return bytes;
}

function inflateLimit(entry: ZipEntry): number {
  return entry.compressedSize * INFLATE_RATIO + INFLATE_SLACK;
}

let table: Uint32Array | undefined;

/** CRC-32 as zip uses it (polynomial 0xEDB88320). */
export function crc32(bytes: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
