// Just enough of the HEIF container (ISO/IEC 23008-12, boxes as in ISO BMFF) to size a photo
// and to tell a whole file from one cut short, before any decoder is loaded.

interface Box {
  type: string;
  /** Where the box's payload starts and ends (end may lie past the bytes read). */
  start: number;
  end: number;
}

const fourcc = (b: Uint8Array, at: number) =>
  String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);

/** The boxes between from and to, in order; stops at one whose header does not fit. */
function* boxes(b: Uint8Array, from: number, to: number): Generator<Box> {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = from;
  while (at + 8 <= to) {
    let size = v.getUint32(at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > to) return;
      size = v.getUint32(at + 8) * 2 ** 32 + v.getUint32(at + 12);
      header = 16;
    } else if (size === 0) {
      size = to - at; // to the end of the enclosing box (or file)
    }
    if (size < header) return;
    yield { type: fourcc(b, at + 4), start: at + header, end: at + size };
    at += size;
  }
}

function find(b: Uint8Array, parent: Box, type: string): Box | undefined {
  for (const box of boxes(b, parent.start, Math.min(parent.end, b.length)))
    if (box.type === type) return box;
  return undefined;
}

/**
 * One past the file's last top-level box, or undefined when a box runs past the end of the
 * bytes (a file cut short: its image data, in mdat, usually comes last).
 */
export function heifEnd(b: Uint8Array): number | undefined {
  let last: Box | undefined;
  for (const box of boxes(b, 0, b.length)) last = box;
  if (!last) return undefined;
  if (last.end <= b.length) return last.end;
  // A box that runs past the end but has no box type's name is damage inside the file, not a
  // file cut short: the decoder says what is wrong with it.
  return /^[a-z0-9 ]{4}$/i.test(last.type) ? undefined : b.length;
}

/**
 * The primary image's size as shown: its ispe property, turned by a quarter-turn irot. Undefined
 * when the head of the file does not hold it (meta is at the start in every camera's files).
 */
export function heifDisplaySize(b: Uint8Array): { width: number; height: number } | undefined {
  try {
    return displaySize(b);
  } catch {
    return undefined; // a damaged header: the decoder will say what is wrong
  }
}

function displaySize(b: Uint8Array): { width: number; height: number } | undefined {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const top: Box = { type: '', start: 0, end: b.length };
  const meta = find(b, top, 'meta');
  if (!meta || meta.end > b.length) return undefined;
  const inMeta: Box = { ...meta, start: meta.start + 4 }; // a full box: version and flags
  const pitm = find(b, inMeta, 'pitm');
  const iprp = find(b, inMeta, 'iprp');
  const ipco = iprp && find(b, iprp, 'ipco');
  const ipma = iprp && find(b, iprp, 'ipma');
  if (!pitm || !ipco || !ipma) return undefined;
  const primary = b[pitm.start] === 0 ? v.getUint16(pitm.start + 4) : v.getUint32(pitm.start + 4);
  const properties = [...boxes(b, ipco.start, ipco.end)];
  const indices = associations(b, ipma, primary);
  let width = 0;
  let height = 0;
  let quarterTurns = 0;
  for (const index of indices) {
    const p = properties[index - 1];
    if (p?.type === 'ispe' && p.start + 12 <= p.end) {
      width = v.getUint32(p.start + 4);
      height = v.getUint32(p.start + 8);
    } else if (p?.type === 'irot' && p.start < p.end) {
      quarterTurns = b[p.start]! & 3;
    }
  }
  if (!width || !height) return undefined;
  return quarterTurns % 2 ? { width: height, height: width } : { width, height };
}

/** The 1-based property indices ipma assigns to one item. */
function associations(b: Uint8Array, ipma: Box, item: number): number[] {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const version = b[ipma.start]!;
  const wideIndex = (b[ipma.start + 3]! & 1) === 1;
  let at = ipma.start + 4;
  const count = v.getUint32(at);
  at += 4;
  for (let i = 0; i < count && at < ipma.end; i++) {
    const id = version < 1 ? v.getUint16(at) : v.getUint32(at);
    at += version < 1 ? 2 : 4;
    const n = b[at++]!;
    const indices: number[] = [];
    for (let k = 0; k < n; k++) {
      indices.push(wideIndex ? v.getUint16(at) & 0x7fff : b[at]! & 0x7f);
      at += wideIndex ? 2 : 1;
    }
    if (id === item) return indices;
  }
  return [];
}
