// The TIFF block of a HEIF/HEIC file's Exif item, found by walking its boxes here rather than
// by exifr: exifr ignores iloc's base_offset (so it misreads files that libheif writes) and
// walks top-level boxes by length without checking progress (a box of length 0 keeps it there
// for ever). Every read below is bounds-checked and every loop advances or stops.

/** Exif payloads above this are not a camera's: left unread. */
const MAX_EXIF = 1 << 20;
const MAX_BOXES = 4096;

class Bounds extends Error {}

interface Box {
  type: string;
  /** Where its content starts (after the header) and ends. */
  start: number;
  end: number;
}

export function heifExifTiff(bytes: Uint8Array): Uint8Array | undefined {
  try {
    return find(bytes);
  } catch (e) {
    if (e instanceof Bounds || e instanceof RangeError) return undefined;
    throw e;
  }
}

function find(b: Uint8Array): Uint8Array | undefined {
  const u8 = (at: number) => {
    if (at < 0 || at >= b.length) throw new Bounds();
    return b[at]!;
  };
  const u16 = (at: number) => (u8(at) << 8) | u8(at + 1);
  const u32 = (at: number) => (u16(at) * 65536 + u16(at + 2)) >>> 0;
  const uint = (at: number, size: number) =>
    size === 0 ? 0 : size === 4 ? u32(at) : size === 8 ? u32(at) * 2 ** 32 + u32(at + 4) : -1;
  const fourcc = (at: number) => String.fromCharCode(u8(at), u8(at + 1), u8(at + 2), u8(at + 3));

  /** The boxes from `start` to `end`, stopping at the first malformed one. */
  const boxes = (start: number, end: number): Box[] => {
    const out: Box[] = [];
    for (let at = start; at + 8 <= end && out.length < MAX_BOXES;) {
      let size = u32(at);
      let header = 8;
      if (size === 1) {
        size = uint(at + 8, 8);
        header = 16;
      } else if (size === 0) size = end - at;
      if (size < header || at + size > end) break;
      out.push({ type: fourcc(at + 4), start: at + header, end: at + size });
      at += size;
    }
    return out;
  };

  if (b.length < 16 || fourcc(4) !== 'ftyp') return undefined;
  const meta = boxes(0, b.length).find((x) => x.type === 'meta');
  if (!meta) return undefined;
  const children = boxes(meta.start + 4, meta.end); // meta is a full box
  const iinf = children.find((x) => x.type === 'iinf');
  const iloc = children.find((x) => x.type === 'iloc');
  const idat = children.find((x) => x.type === 'idat');
  if (!iinf || !iloc) return undefined;

  // iinf: which item is the Exif one.
  const iinfVersion = u8(iinf.start);
  const entriesAt = iinf.start + 4 + (iinfVersion === 0 ? 2 : 4);
  let exifId: number | undefined;
  for (const infe of boxes(entriesAt, iinf.end)) {
    if (infe.type !== 'infe') continue;
    const v = u8(infe.start);
    if (v < 2) continue;
    const idSize = v === 2 ? 2 : 4;
    const id = idSize === 2 ? u16(infe.start + 4) : u32(infe.start + 4);
    if (fourcc(infe.start + 4 + idSize + 2) === 'Exif') {
      exifId = id;
      break;
    }
  }
  if (exifId === undefined) return undefined;

  // iloc: where its bytes are.
  const v = u8(iloc.start);
  if (v > 2) return undefined;
  let at = iloc.start + 4;
  const sizes = u16(at);
  const offsetSize = sizes >> 12;
  const lengthSize = (sizes >> 8) & 15;
  const baseSize = (sizes >> 4) & 15;
  const indexSize = v === 0 ? 0 : sizes & 15;
  at += 2;
  const itemCount = v < 2 ? u16(at) : u32(at);
  at += v < 2 ? 2 : 4;
  for (let item = 0; item < itemCount && at < iloc.end; item++) {
    const id = v < 2 ? u16(at) : u32(at);
    at += v < 2 ? 2 : 4;
    const method = v === 0 ? 0 : u16(at) & 15;
    if (v !== 0) at += 2;
    at += 2; // data_reference_index
    const base = uint(at, baseSize);
    at += baseSize;
    const extentCount = u16(at);
    at += 2;
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let e = 0; e < extentCount && at < iloc.end; e++) {
      at += indexSize;
      const offset = uint(at, offsetSize);
      at += offsetSize;
      const length = uint(at, lengthSize);
      at += lengthSize;
      if (id !== exifId) continue;
      if (base < 0 || offset < 0 || length < 0) return undefined;
      const origin = method === 0 ? 0 : method === 1 && idat ? idat.start : -1;
      if (origin < 0) return undefined;
      const from = origin + base + offset;
      const to = length === 0 ? (method === 1 ? idat!.end : b.length) : from + length;
      if (to > b.length || from > to || (total += to - from) > MAX_EXIF) return undefined;
      parts.push(b.subarray(from, to));
    }
    if (id !== exifId) continue;
    const payload = parts.length === 1 ? parts[0]! : join(parts);
    // The payload starts with the offset of the TIFF header after these 4 bytes.
    const tiffAt = 4 + new DataView(payload.buffer, payload.byteOffset).getUint32(0);
    if (tiffAt + 8 > payload.length) return undefined;
    return payload.subarray(tiffAt);
  }
  return undefined;
}

function join(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
