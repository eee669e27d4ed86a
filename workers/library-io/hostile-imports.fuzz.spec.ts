import 'fake-indexeddb/auto';
import { afterAll, describe, expect, it } from 'vitest';
import { openLibraryDb, type LumenDb } from '../../src/core/store/db';
import { filesArchive, zipArchive, type ArchiveReader } from './archive';
import {
  exportFiles,
  npyDict,
  rawNpy,
  row,
  seeded,
  vectors,
  withDeclaredSize,
  withEntryCount,
  zip64Claiming,
  zipBomb,
  zipOf,
} from './hostile-files';
import { importLibrary } from './importer';
import { encodeMetadata, type MetadataRow } from './metadata';
import { encodeNpy } from './npy';
import { embeddingsPath, metadataPath } from './protocol';
import { DIM, profile } from './test-library';

/**
 * Every import path (a zip, or a folder's files) meets a few hundred seeded hostile or broken
 * exports. Each is refused with one of the readers' own errors, which the Library view shows
 * as they are, stores nothing, and costs at most twice its size plus 64 MiB of memory.
 */

/** The errors an import documents; anything else (a TypeError, a RangeError) is a bug. */
const DOCUMENTED = new Set(['ImportRefusedError', 'ArchiveError', 'ZipFormatError']);
const collect = (globalThis as { gc?: () => void }).gc;
const MEMORY_SLACK = 64 << 20;

interface Case {
  name: string;
  /** A zip, or a folder's files by path. */
  input: Uint8Array | Record<string, Uint8Array>;
  /** When a mutation may leave the export valid, a complete import passes too. */
  mayImport?: boolean;
}

const rand = seeded(24);
const pick = (n: number) => Math.floor(rand() * n);
const files = exportFiles(3);
const validZip = zipOf(files);

function withFile(name: string, bytes: Uint8Array): Record<string, Uint8Array> {
  return { ...files, [name]: bytes };
}

/** Renames an entry in its local and central headers (same length): a zip holding a name twice. */
function renamed(zip: Uint8Array, from: string, to: string): Uint8Array {
  const out = zip.slice();
  const [a, b] = [from, to].map((s) => new TextEncoder().encode(s));
  for (let i = 0; i + a!.length <= out.length; i++) {
    if (a!.every((byte, k) => out[i + k] === byte)) out.set(b!, i);
  }
  return out;
}

function metadataOf(rows: MetadataRow[]): Uint8Array {
  return encodeMetadata(rows, {});
}

const cases: Case[] = [];
const add = (name: string, input: Case['input'], mayImport = false) =>
  cases.push({ name, input, mayImport });

// Zip bombs: by declared size, and by a declared size that lies about what inflates.
add('a 200 MiB zip bomb', zipBomb(200));
const deflated = zipOf(files, 6);
for (const size of [0x7fffffff, 0xfffffffe, 1 << 30, 300 << 20]) {
  add(
    `a vectors file declaring ${size} bytes`,
    withDeclaredSize(deflated, embeddingsPath(0), size),
  );
  add(`a metadata file declaring ${size} bytes`, withDeclaredSize(deflated, metadataPath(0), size));
}
for (let i = 0; i < 20; i++) {
  const lie = pick(files[embeddingsPath(0)]!.length);
  add(
    `a vectors file lying that it is ${lie} bytes`,
    withDeclaredSize(deflated, embeddingsPath(0), lie),
  );
}
// Entry counts no directory can hold, up to a million and more.
for (const count of [65_535, 60_000, 1_000])
  add(`a zip claiming ${count} files`, withEntryCount(validZip, count));
for (const count of [1_000_000, 10_000_000, 2 ** 40]) {
  add(`a Zip64 end record claiming ${count} files`, zip64Claiming(count, count * 46));
  add(`a Zip64 end record claiming ${count} files in 46 bytes`, zip64Claiming(count, 46));
}
// .npy vectors: absurd, negative and mismatched shapes, wrong types, NaN and infinity.
const data = new Uint8Array(vectors(3).buffer);
const shapes = [
  '99999999999999999999, 64',
  '-1, 64',
  '3, -64',
  '3',
  '3, 64, 1',
  '',
  '4, 64',
  '2, 64',
  '3, 32',
  '3, 128',
  '1e9, 64',

  'None, 64',
  '0, 64',
];
for (const shape of shapes)
  add(
    `vectors of shape (${shape})`,
    withFile(embeddingsPath(0), rawNpy(npyDict('<f4', shape), data)),
  );
for (const descr of ['<f8', '>f4', '|u1', '<i4', '<c8', 'O']) {
  add(
    `vectors of type ${descr}`,
    withFile(embeddingsPath(0), rawNpy(npyDict(descr, `3, ${DIM}`), data)),
  );
}
add(
  'Fortran-ordered vectors',
  withFile(embeddingsPath(0), rawNpy(npyDict('<f4', `3, ${DIM}`, 'True'), data)),
);
add(
  'a .npy of version 9',
  withFile(embeddingsPath(0), rawNpy(npyDict('<f4', `3, ${DIM}`), data, 9)),
);
add('a .npy with no header dict', withFile(embeddingsPath(0), rawNpy('{}', data)));
for (const bad of [NaN, Infinity, -Infinity, 1e30, 2]) {
  for (const at of [0, DIM + 5, 3 * DIM - 1]) {
    const v = vectors(3);
    v[at] = bad;
    add(`vectors with ${bad} at ${at}`, withFile(embeddingsPath(0), encodeNpy(v, 3, DIM, '<f4')));
  }
}
const zeroRow = vectors(3).fill(0, DIM, 2 * DIM);
add('a zero vector', withFile(embeddingsPath(0), encodeNpy(zeroRow, 3, DIM, '<f4')));
const npy = files[embeddingsPath(0)]!;
for (let i = 0; i < 30; i++) {
  const cut = pick(npy.length);
  add(`vectors cut at byte ${cut}`, withFile(embeddingsPath(0), npy.subarray(0, cut)));
}
// Parquet metadata: truncation, damage, paths that climb, enormous strings, duplicates.
const parquet = files[metadataPath(0)]!;
for (let i = 0; i < 40; i++) {
  const cut = pick(parquet.length);
  add(`metadata cut at byte ${cut}`, withFile(metadataPath(0), parquet.subarray(0, cut)));
}
for (let i = 0; i < 60; i++) {
  const damaged = parquet.slice();
  for (let k = 1 + pick(4); k > 0; k--) damaged[pick(damaged.length)] = pick(256);
  add(`metadata with bytes overwritten (${i})`, withFile(metadataPath(0), damaged), true);
}
const hostileRows: [string, Partial<MetadataRow>[]][] = [
  ['a ../ path', [{ path: '../../etc/passwd' }]],
  ['a ..\\ path', [{ path: 'a\\..\\..\\b.jpg' }]],
  ['a path of a million characters', [{ path: 'a/'.repeat(500_000) + 'b.jpg' }]],
  ['a path with NUL', [{ path: 'a\0b.jpg' }]],
  ['an empty path', [{ path: '   ' }]],
  ['a duplicate path', [{ path: 'same.jpg' }, { path: 'same.jpg' }]],
  ['another model', [{ model: 'openai/clip-vit-large@1' }]],
  ['two models', [{}, { model: 'other@1' }]],
  ['a negative size', [{ size: -5 }]],
  ['a negative height', [{ height: -1 }]],
  ['an empty model', [{ model: '' }]],
  ['a model key of a megabyte', [{ model: 'm'.repeat(1 << 20) }]],
];
for (const [name, overrides] of hostileRows) {
  const rows = [0, 1, 2].map((i) => row(i, overrides[i] ?? {}));
  add(`metadata with ${name}`, withFile(metadataPath(0), metadataOf(rows)));
}
add('metadata of 2 rows for 3 vectors', withFile(metadataPath(0), metadataOf([row(0), row(1)])));
add('a valid export of a wider model', {
  [embeddingsPath(0)]: encodeNpy(vectors(3, DIM * 2), 3, DIM * 2, '<f4'),
  [metadataPath(0)]: parquet,
});
add('no metadata', { [embeddingsPath(0)]: npy });
add('no vectors', { [metadataPath(0)]: parquet });
add('a second shard without metadata', { ...files, [embeddingsPath(1)]: npy });
add('a Parquet file as the vectors', withFile(embeddingsPath(0), parquet));
add('a .npy file as the metadata', withFile(metadataPath(0), npy));
// Whole zips cut short or overwritten; a damaged thumbnail is caught by its checksum.
for (let i = 0; i < 40; i++)
  add(`a zip cut at byte ${i}`, validZip.subarray(0, pick(validZip.length)));
for (let i = 0; i < 60; i++) {
  const damaged = validZip.slice();
  for (let k = 1 + pick(3); k > 0; k--) damaged[pick(damaged.length)] = pick(256);
  add(`a zip with bytes overwritten (${i})`, damaged, true);
}
add(
  'random bytes',
  Uint8Array.from({ length: 4096 }, () => pick(256)),
);
add('an empty file', new Uint8Array(0));
const climbing: Record<string, Uint8Array> = {};
for (const [name, bytes] of Object.entries(files)) climbing[`../../${name}`] = bytes;
add('a zip whose paths climb out with ../', zipOf(climbing));
add('a zip with a ..\\ path', zipOf({ ...files, 'a\\..\\..\\b': Uint8Array.of(1) }));
add('a zip with a file twice', renamed(validZip, 'thumbnails/1.webp', 'thumbnails/0.webp'));
add(
  'a zip with a name of 65,535 characters',
  zipOf({ ...files, ['n'.repeat(65_535)]: Uint8Array.of(1) }),
  true,
);

let dbs = 0;
let largestRise = { bytes: 0, name: '' };

async function storeCounts(db: LumenDb): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of db.objectStoreNames) out[name] = await db.count(name);
  return out;
}

async function archiveOf(input: Case['input']): Promise<ArchiveReader> {
  if (input instanceof Uint8Array) return zipArchive(new Blob([input as BlobPart]));
  const picked = Object.entries(input).map(([path, bytes]) => ({
    path: `export/${path}`,
    file: new File([bytes as BlobPart], path.slice(path.lastIndexOf('/') + 1)),
  }));
  return filesArchive(picked);
}

const used = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

afterAll(() => {
  console.log(
    `hostile imports: ${cases.length} cases; largest memory rise ${(largestRise.bytes / 2 ** 20).toFixed(1)} MiB (${largestRise.name})`,
  );
});

describe('hostile files in every import path', () => {
  it('throws a few hundred cases', () => {
    expect(cases.length).toBeGreaterThan(300);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const db = await openLibraryDb(`hostile-${++dbs}`);
    const before = await storeCounts(db);
    const inputBytes =
      c.input instanceof Uint8Array
        ? c.input.length
        : Object.values(c.input).reduce((n, b) => n + b.length, 0);
    // The bench exposes the collector, so that one case's garbage is not the next one's rise.
    collect?.();
    const start = used();
    let peak = start;
    const outcome = await archiveOf(c.input)
      .then((archive) => {
        peak = Math.max(peak, used());
        return importLibrary({
          db,
          profile,
          archive,
          cancelled: () => false,
          onProgress: () => (peak = Math.max(peak, used())),
        });
      })
      .then(
        (done) => ({ done }),
        (error: unknown) => ({ error }),
      );
    peak = Math.max(peak, used());
    const rise = peak - start;
    if (rise > largestRise.bytes) largestRise = { bytes: rise, name: c.name };
    expect(rise).toBeLessThanOrEqual(2 * inputBytes + MEMORY_SLACK);
    if ('done' in outcome && c.mayImport) {
      expect(outcome.done.state).toBe('done');
      db.close();
      return;
    }
    expect('error' in outcome, 'the hostile file was imported').toBe(true);
    const error = 'error' in outcome ? outcome.error : undefined;
    expect(error).toBeInstanceOf(Error);
    const { name, message } = error as Error;
    expect(DOCUMENTED, `${name}: ${message}`).toContain(name);
    expect(message, message).not.toMatch(
      /TypeError|RangeError|Cannot read prop|is not a function|\[object/,
    );
    expect(message.length).toBeLessThan(2_000);
    expect(await storeCounts(db)).toEqual(before);
    db.close();
  });
});
