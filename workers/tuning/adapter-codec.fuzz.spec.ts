import 'fake-indexeddb/auto';
import { afterAll, describe, expect, it } from 'vitest';
import { getProfile, modelKey } from '../../src/core/manifest';
import { openLibraryDb, type LumenDb } from '../../src/core/store/db';
import { encodeAdapter } from './adapter-codec';
import { TuningHandler } from './handler';
import type { TrainSummary } from './protocol';
import { mulberry32 } from './random';

/**
 * The tuned-model file input meets a few hundred seeded hostile or broken files. Each is
 * refused with the codec's or the importer's own message, and nothing is stored: no adapter,
 * no taste.
 */

const profile = getProfile('tiny-world');
const model = modelKey(profile.clip);
const dim = profile.clip.embeddingSize;
const rank = 2;
const collect = (globalThis as { gc?: () => void }).gc;
const MEMORY_SLACK = 64 << 20;

const summary = (over: Partial<TrainSummary> = {}): TrainSummary => ({
  baseModel: model,
  settings: {
    rank,
    beta: 0.1,
    labelSmoothing: 0,
    semanticWeight: 0.5,
    klSample: 0,
    learningRate: 0.01,
    batchSize: 32,
    maxEpochs: 5,
    validationShare: 0.2,
    patience: 2,
    seed: 1,
    logitScale: 100,
  },
  trainPairs: 10,
  validationPairs: 2,
  droppedPairs: 0,
  queries: 3,
  epochs: 2,
  bestEpoch: 1,
  steps: 4,
  stoppedEarly: false,
  trainLoss: 0.5,
  validationLoss: 0.6,
  validationAccuracy: 0.7,
  baseValidationAccuracy: 0.6,
  durationMs: 100,
  ...over,
});

function adapter(over: { baseModel?: string; dim?: number; rank?: number } = {}) {
  const d = over.dim ?? dim;
  const r = over.rank ?? rank;
  const baseModel = over.baseModel ?? model;
  const a = Float32Array.from({ length: r * d }, (_, i) => Math.sin(i) / 10);
  const b = Float32Array.from({ length: d * r }, (_, i) => Math.cos(i) / 10);
  return { baseModel, dim: d, rank: r, a, b };
}

const valid = encodeAdapter(
  adapter(),
  summary({ taste: 'Evening light', pairsByOrigin: { auto: 1, liked: 2, chosen: 3 } }),
);

let table: Uint32Array | undefined;
function crc32(bytes: Uint8Array): number {
  table ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (const byte of bytes) crc = table[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A file of any header text and weights, with a checksum that matches: only its content lies. */
function rawFile(header: string, weights: Float32Array, version = 1): Uint8Array {
  const text = new TextEncoder().encode(header);
  const weightsAt = (12 + text.length + 3) & ~3;
  const out = new Uint8Array(weightsAt + weights.byteLength + 4);
  const view = new DataView(out.buffer);
  out.set([0x4c, 0x4d, 0x4e, 0x41]);
  view.setUint16(4, version, true);
  view.setUint32(8, text.length, true);
  out.set(text, 12);
  out.set(new Uint8Array(weights.buffer), weightsAt);
  view.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

const headerOf = (over: Record<string, unknown>, summaryOver: Record<string, unknown> = {}) =>
  JSON.stringify({
    baseModel: model,
    dim,
    rank,
    summary: { ...summary(), ...summaryOver },
    ...over,
  });
const weights = (n = 2 * rank * dim, value = 0.01) => new Float32Array(n).fill(value);

const cases: [string, Uint8Array][] = [];
const add = (name: string, bytes: Uint8Array) => cases.push([name, bytes]);
const rand = mulberry32(24);
const pick = (n: number) => Math.floor(rand() * n);

for (let i = 0; i < 60; i++) add(`cut at byte ${i}`, valid.subarray(0, pick(valid.length)));
for (let i = 0; i < 100; i++) {
  const damaged = valid.slice();
  for (let k = 1 + pick(3); k > 0; k--) {
    const at = pick(damaged.length);
    damaged[at] = (damaged[at]! + 1 + pick(255)) % 256;
  }
  add(`bytes overwritten (${i})`, damaged);
}
for (let i = 0; i < 20; i++)
  add(
    `random bytes (${i})`,
    Uint8Array.from({ length: pick(4096) }, () => pick(256)),
  );
add('an empty file', new Uint8Array(0));
add('trailing data', Uint8Array.from([...valid, 0, 0, 0, 0]));
// Valid files of another model: another key, another width.
add(
  'a file of another model',
  encodeAdapter(adapter({ baseModel: 'other@1' }), summary({ baseModel: 'other@1' })),
);
add('a file of a wider model', encodeAdapter(adapter({ dim: dim * 2 }), summary()));
add('a file of a narrower model', encodeAdapter(adapter({ dim: dim / 2 }), summary()));
// Shapes and types that lie, behind a checksum that holds.
for (const [d, r] of [
  [0, 2],
  [-64, 2],
  [1e9, 2],
  [dim, 0],
  [dim, dim + 1],
  [dim, 1e6],
  [64.5, 2],
  [dim, -1],
  [2 ** 53, 1],
] as const) {
  add(`dim ${d}, rank ${r}`, rawFile(headerOf({ dim: d, rank: r }), weights()));
}
for (const bad of [NaN, Infinity, -Infinity])
  add(`weights with ${bad}`, rawFile(headerOf({}), weights(2 * rank * dim, bad)));
for (const [field, value] of [
  ['dim', '64'],
  ['rank', null],
  ['baseModel', 42],
  ['summary', []],
  ['summary', 'x'],
] as const) {
  add(
    `header ${field} = ${JSON.stringify(value)}`,
    rawFile(headerOf({ [field]: value }), weights()),
  );
}
for (const [field, value] of [
  ['trainPairs', 'NaN'],
  ['settings', null],
  ['stoppedEarly', 1],
  ['baseModel', 'other@1'],
  ['taste', 'x'.repeat(60_000)],
  ['taste', 'a\u0000b'],
  ['pairsByOrigin', [1, 2]],
  ['pairsByOrigin', { auto: 'many' }],
] as const) {
  add(
    `summary ${field} = ${JSON.stringify(value).slice(0, 20)}`,
    rawFile(headerOf({}, { [field]: value }), weights()),
  );
}
add(
  'a summary rank that differs',
  rawFile(headerOf({}, { settings: { ...summary().settings, rank: 3 } }), weights()),
);
add('a header that is not JSON', rawFile('{"baseModel": ', weights()));
add('a header that is an array', rawFile('[1,2,3]', weights()));
add('a header of invalid UTF-8', rawFile('\ud800', weights()));
add('a header past 64 KiB', rawFile(headerOf({ padding: 'p'.repeat(70_000) }), weights()));
add('format version 2', rawFile(headerOf({}), weights(), 2));
add(
  'a header length past the end',
  (() => {
    const f = valid.slice();
    new DataView(f.buffer).setUint32(8, 0xfffffff0, true);
    return f;
  })(),
);

let largestRise = 0;
afterAll(() => {
  console.log(
    `hostile tuned-model files: ${cases.length} cases; largest memory rise ${(largestRise / 2 ** 20).toFixed(1)} MiB`,
  );
});

async function stored(db: LumenDb): Promise<number[]> {
  return Promise.all([db.count('adapters'), db.count('tastes'), db.count('meta')]);
}

describe('hostile tuned-model files', () => {
  it('throws a few hundred cases, and a valid file imports', async () => {
    expect(cases.length).toBeGreaterThan(200);
    const db = await openLibraryDb('adapter-fuzz-valid');
    const info = await new TuningHandler(() => Promise.resolve(db)).importAdapter(
      'tiny-world',
      valid,
    );
    expect(info.label).toMatch(/^Imported: Evening light/);
    db.close();
  });

  let n = 0;
  it.each(cases)('%s', async (_, bytes) => {
    const db = await openLibraryDb(`adapter-fuzz-${++n}`);
    const tuning = new TuningHandler(() => Promise.resolve(db));
    const before = await stored(db);
    const m = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    // The bench exposes the collector, so that one case's garbage is not the next one's rise.
    collect?.();
    const start = m();
    const error = await tuning.importAdapter('tiny-world', bytes).then(
      () => undefined,
      (e: unknown) => e,
    );
    const rise = m() - start;
    largestRise = Math.max(largestRise, rise);
    expect(rise).toBeLessThanOrEqual(2 * bytes.length + MEMORY_SLACK);
    expect(error, 'the hostile file was imported').toBeInstanceOf(Error);
    const { message } = error as Error;
    expect(message, message).toMatch(/^Not a usable Lumen adapter file: |Nothing was changed\.$/);
    expect(message.length).toBeLessThan(500);
    expect(await stored(db)).toEqual(before);
    db.close();
  });
});
