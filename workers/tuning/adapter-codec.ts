/**
 * The adapter file: small, versioned, self-checking binary. Layout (little-endian):
 *   0  "LMNA" magic
 *   4  u16 format version, u16 reserved (0)
 *   8  u32 header length H
 *   12 H bytes of UTF-8 JSON { baseModel, dim, rank, summary }, zero-padded to 4 bytes
 *   .. r·d f32 A (row-major), then d·r f32 B (row-major)
 *   .. u32 CRC-32 of every byte before it
 * A person may import a file from elsewhere, so decoding checks everything before
 * trusting it and names what is wrong.
 */
import type { AdapterWeights, TrainSettings, TrainSummary } from './protocol';

const MAGIC = [0x4c, 0x4d, 0x4e, 0x41]; // "LMNA"
export const ADAPTER_FORMAT_VERSION = 1;
const MAX_DIM = 8192;
const MAX_RANK = 256;
const MAX_HEADER = 64 * 1024;
const MAX_TASTE_NAME = 200;

export interface DecodedAdapter {
  weights: AdapterWeights;
  summary: TrainSummary;
}

let crcTable: Uint32Array | undefined;

function crc32(bytes: Uint8Array, end: number): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < end; i++) crc = crcTable[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const align4 = (x: number) => (x + 3) & ~3;

export function encodeAdapter(weights: AdapterWeights, summary: TrainSummary): Uint8Array {
  const { baseModel, dim, rank, a, b } = weights;
  if (a.length !== rank * dim || b.length !== dim * rank) {
    throw new Error('Adapter matrices do not match its rank and dim');
  }
  const header = new TextEncoder().encode(JSON.stringify({ baseModel, dim, rank, summary }));
  const weightsAt = align4(12 + header.length);
  const total = weightsAt + 8 * rank * dim + 4;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint16(4, ADAPTER_FORMAT_VERSION, true);
  view.setUint16(6, 0, true);
  view.setUint32(8, header.length, true);
  bytes.set(header, 12);
  let at = weightsAt;
  for (const matrix of [a, b]) {
    for (const value of matrix) {
      view.setFloat32(at, value, true);
      at += 4;
    }
  }
  view.setUint32(at, crc32(bytes, at), true);
  return bytes;
}

function fail(reason: string): never {
  throw new Error(`Not a usable Lumen adapter file: ${reason}`);
}

function field<T>(record: Record<string, unknown>, key: string, ok: (v: unknown) => v is T): T {
  const value = record[key];
  if (!ok(value)) fail(`header field "${key}" is missing or invalid`);
  return value;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isPositiveInt = (v: unknown): v is number =>
  isFiniteNumber(v) && Number.isInteger(v) && v >= 1;

function readSettings(value: Record<string, unknown>): TrainSettings {
  const n = (key: keyof TrainSettings) => field(value, key, isFiniteNumber);
  return {
    rank: n('rank'),
    beta: n('beta'),
    labelSmoothing: n('labelSmoothing'),
    semanticWeight: n('semanticWeight'),
    // Files written before the KL was sampled trained over every candidate.
    klSample: value['klSample'] === undefined ? 0 : n('klSample'),
    learningRate: n('learningRate'),
    batchSize: n('batchSize'),
    maxEpochs: n('maxEpochs'),
    validationShare: n('validationShare'),
    patience: n('patience'),
    seed: n('seed'),
    logitScale: n('logitScale'),
  };
}

function readSummary(value: unknown): TrainSummary {
  if (!isRecord(value)) fail('header has no training summary');
  const n = (key: keyof TrainSummary) => field(value, key, isFiniteNumber);
  return {
    baseModel: field(value, 'baseModel', isString),
    settings: readSettings(field(value, 'settings', isRecord)),
    trainPairs: n('trainPairs'),
    validationPairs: n('validationPairs'),
    droppedPairs: n('droppedPairs'),
    queries: n('queries'),
    epochs: n('epochs'),
    bestEpoch: n('bestEpoch'),
    steps: n('steps'),
    stoppedEarly: field(value, 'stoppedEarly', isBoolean),
    trainLoss: n('trainLoss'),
    validationLoss: n('validationLoss'),
    validationAccuracy: n('validationAccuracy'),
    baseValidationAccuracy: n('baseValidationAccuracy'),
    durationMs: n('durationMs'),
    ...readPairsByOrigin(value['pairsByOrigin']),
    ...readTaste(value['taste']),
    ...readHead(value['head']),
  };
}

/** A taste head: a finite direction and weight; its length is checked against the weights'. */
function readHead(value: unknown): Pick<TrainSummary, 'head'> {
  if (value === undefined) return {};
  if (!isRecord(value)) fail('head is not an object');
  const w = value['w'];
  if (!Array.isArray(w) || w.length > MAX_DIM || !w.every(isFiniteNumber)) {
    fail('head direction is not a list of numbers');
  }
  const n = (key: string) => field(value, key, isFiniteNumber);
  return { head: { w, lambda: n('lambda'), l2: n('l2'), pairs: n('pairs') } };
}

/** A taste's name becomes a taste in the library: a name, not a page of text. */
function readTaste(value: unknown): Pick<TrainSummary, 'taste'> {
  if (typeof value !== 'string') return {};
  const control = [...value].some((c) => c.charCodeAt(0) < 0x20);
  if (value.length > MAX_TASTE_NAME || control) {
    fail(`the taste's name is not a plausible name (${value.length} characters)`);
  }
  return { taste: value };
}

function readPairsByOrigin(value: unknown): Pick<TrainSummary, 'pairsByOrigin'> {
  if (value === undefined) return {};
  if (!isRecord(value)) fail('pairsByOrigin is not an object');
  const count = (key: string) => field(value, key, isFiniteNumber);
  return { pairsByOrigin: { auto: count('auto'), liked: count('liked'), chosen: count('chosen') } };
}

export function decodeAdapter(input: Uint8Array | ArrayBuffer): DecodedAdapter {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes.length < 16) fail(`only ${bytes.length} bytes (truncated?)`);
  if (MAGIC.some((m, i) => bytes[i] !== m)) fail('wrong magic bytes (a different kind of file)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(4, true);
  if (version !== ADAPTER_FORMAT_VERSION) {
    fail(`format version ${version}; this build reads version ${ADAPTER_FORMAT_VERSION}`);
  }
  const headerLength = view.getUint32(8, true);
  if (headerLength > MAX_HEADER || 12 + headerLength + 4 > bytes.length) {
    fail('header runs past the end of the file (truncated?)');
  }
  let header: unknown;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(12, 12 + headerLength)),
    );
  } catch {
    fail('header is not valid JSON');
  }
  if (!isRecord(header)) fail('header is not a JSON object');
  const baseModel = field(header, 'baseModel', isString);
  const dim = field(header, 'dim', isPositiveInt);
  const rank = field(header, 'rank', isPositiveInt);
  if (dim > MAX_DIM || rank > MAX_RANK || rank > dim)
    fail(`implausible shape dim ${dim}, rank ${rank}`);
  const weightsAt = align4(12 + headerLength);
  const expected = weightsAt + 8 * rank * dim + 4;
  if (bytes.length < expected) fail(`${bytes.length} bytes, expected ${expected} (truncated)`);
  if (bytes.length > expected) fail(`${bytes.length} bytes, expected ${expected} (trailing data)`);
  const storedCrc = view.getUint32(expected - 4, true);
  if (storedCrc !== crc32(bytes, expected - 4)) fail('checksum mismatch (file is corrupt)');
  const summary = readSummary(header.summary);
  if (summary.baseModel !== baseModel) fail('summary names a different base model');
  if (summary.settings.rank !== rank) fail('summary rank differs from the weights');
  if (summary.head && summary.head.w.length !== dim) fail('head direction differs from dim');
  const a = new Float32Array(rank * dim);
  const b = new Float32Array(dim * rank);
  let at = weightsAt;
  for (const matrix of [a, b]) {
    for (let i = 0; i < matrix.length; i++, at += 4) {
      const value = view.getFloat32(at, true);
      if (!Number.isFinite(value)) fail('weights contain NaN or infinity');
      matrix[i] = value;
    }
  }
  return { weights: { baseModel, dim, rank, a, b }, summary };
}
