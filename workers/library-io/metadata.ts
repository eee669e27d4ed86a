import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer';
import type { PhotoMetadata } from '../../src/core/photo-metadata';
import type { ModelScores, ScoreRecord } from '../../src/core/store/db';
import type { AppealScores, PixelStats } from '../../src/core/store/pixel-scores';
import { meanOf } from '../aesthetics/clip-iqa';
import { CLIP_IQA_PAIRS } from '../aesthetics/protocol';
import { captureColumns, captureOf } from './capture-columns';

/**
 * metadata_N.parquet: one row per exported photo, in the order of the vectors. Written and read
 * with hyparquet-writer and hyparquet (maintained, dependency-free, run in a worker). Columns
 * clip-retrieval knows (image_path) come first; the rest keep every stored score, so an import
 * needs no re-scoring, and give servers the aesthetic figures to filter on.
 */
export interface MetadataRow {
  /** Relative path including the added folder's name, as stored. */
  path: string;
  size: number;
  width: number;
  height: number;
  sha256: string;
  mime: string;
  lastModified: number;
  /** Model key (`id@revision`) of the model that made the row's vector. */
  model: string;
  /** Scorer key of `models`; null when the photo had no scores from the current scorers. */
  scorer: string | null;
  models: ModelScores | null;
  pixel: ScoreRecord['pixel'] | null;
  /** When, where and with what it was taken (capture-columns.ts); absent in older exports. */
  capture?: PhotoMetadata | null;
}

/** Longer than any file system's path: a row with more is not a photo's. */
const MAX_PATH = 4096;
/** A model key names a model and its version, as modelKey() makes it. */
const MAX_MODEL_KEY = 256;

export class MetadataError extends Error {
  override name = 'MetadataError';
}

const STAT_COLUMNS: Record<keyof PixelStats, string> = {
  sharpness: 'pixel_sharpness',
  meanLuminance: 'pixel_mean_luminance',
  shadowClip: 'pixel_shadow_clip',
  highlightClip: 'pixel_highlight_clip',
  contrast: 'pixel_contrast',
  colourfulness: 'pixel_colourfulness',
  megapixels: 'pixel_megapixels',
  noise: 'pixel_noise',
};

/** `overall` is the combined pixel appeal, the figure the beauty ranking uses. */
const APPEAL_COLUMNS: Record<keyof AppealScores, string> = {
  overall: 'pixel_appeal',
  sharpness: 'appeal_sharpness',
  exposure: 'appeal_exposure',
  contrast: 'appeal_contrast',
  colourfulness: 'appeal_colourfulness',
  resolution: 'appeal_resolution',
  noise: 'appeal_noise',
};

const iqaColumn = (pair: string) => `clip_iqa_${pair}`;

type Entries<T> = [keyof T & string, string][];
const statEntries = Object.entries(STAT_COLUMNS) as Entries<PixelStats>;
const appealEntries = Object.entries(APPEAL_COLUMNS) as Entries<AppealScores>;

export function encodeMetadata(
  rows: MetadataRow[],
  info: Record<string, unknown>,
  includeLocation = true,
): Uint8Array {
  const column = <T>(pick: (r: MetadataRow) => T) => rows.map(pick);
  const numbers = (name: string, pick: (r: MetadataRow) => number | null | undefined) => ({
    name,
    data: column((r) => pick(r) ?? null),
    type: 'DOUBLE' as const,
  });
  const columnData: ColumnSource[] = [
    { name: 'image_path', data: column((r) => r.path), type: 'STRING', nullable: false },
    { name: 'size', data: column((r) => BigInt(r.size)), type: 'INT64', nullable: false },
    { name: 'width', data: column((r) => r.width), type: 'INT32', nullable: false },
    { name: 'height', data: column((r) => r.height), type: 'INT32', nullable: false },
    { name: 'sha256', data: column((r) => r.sha256), type: 'STRING' },
    { name: 'mime', data: column((r) => r.mime), type: 'STRING' },
    {
      name: 'last_modified',
      data: column((r) => BigInt(Math.round(r.lastModified))),
      type: 'INT64',
    },
    { name: 'model', data: column((r) => r.model), type: 'STRING', nullable: false },
    numbers('aesthetic_laion', (r) => r.models?.laion),
    numbers('clip_iqa', (r) => (r.models ? meanOf(r.models.clipIqa) : null)),
    ...CLIP_IQA_PAIRS.map((p) => numbers(iqaColumn(p.name), (r) => r.models?.clipIqa[p.name])),
    { name: 'scorer', data: column((r) => r.scorer), type: 'STRING' },
    ...appealEntries.map(([key, name]) => numbers(name, (r) => r.pixel?.appeal[key])),
    {
      name: 'pixel_version',
      data: column((r) => r.pixel?.version ?? null),
      type: 'INT32',
    },
    ...statEntries.map(([key, name]) => numbers(name, (r) => r.pixel?.stats[key])),
    ...captureColumns(
      rows.map((r) => r.capture ?? null),
      includeLocation,
    ),
  ];
  const buffer = parquetWriteBuffer({
    columnData,
    kvMetadata: [{ key: 'lumen', value: JSON.stringify(info) }],
    createdBy: 'Lumen (hyparquet-writer)',
  });
  return new Uint8Array(buffer);
}

const optionalNumber = (v: unknown): number | null =>
  typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : null;

/** Reads metadata rows; a row that cannot be a photo refuses the whole file. */
export async function decodeMetadata(bytes: Uint8Array, file: string): Promise<MetadataRow[]> {
  const buffer = new Uint8Array(bytes).buffer;
  let records: Record<string, unknown>[];
  let columns: Set<string>;
  try {
    const meta = parquetMetadata(buffer);
    columns = new Set(meta.schema.slice(1).map((s) => s.name));
    // Only the schema's own columns: a damaged file's stray column chunk is then never read,
    // where hyparquet would leave its failure an unhandled rejection.
    const names = parquetSchema(meta).children.map((c) => c.element.name);
    records = await parquetReadObjects({ file: buffer, columns: names });
    if (records.length !== Number(meta.num_rows)) throw new Error('row count mismatch');
  } catch (e) {
    // hyparquet's own errors say what is wrong; a TypeError or RangeError says only that it fell.
    const reason =
      e instanceof Error && e.name === 'Error' ? e.message : 'it is damaged or cut short';
    throw new MetadataError(`${file} is not a readable Parquet file (${reason}).`, { cause: e });
  }
  for (const required of ['image_path', 'model']) {
    if (!columns.has(required)) {
      throw new MetadataError(
        `${file} has no ${required} column. Lumen imports exports that name the model of their vectors.`,
      );
    }
  }
  return records.map((r, i) => {
    const fail = (what: string) => {
      throw new MetadataError(`${file}, row ${i}: ${what}.`);
    };
    const path = r.image_path;
    if (typeof path !== 'string' || path.trim() === '') fail('image_path is empty');
    else if (path.length > MAX_PATH) fail(`image_path is ${path.length} characters long`);
    else if (/(^|[\\/])\.\.([\\/]|$)|\0/.test(path))
      fail(`image_path ${path} climbs out of its folder`);
    const model = r.model;
    if (typeof model !== 'string' || model === '') fail('model is empty');
    else if (model.length > MAX_MODEL_KEY) fail(`model is ${model.length} characters long`);
    const count = (name: string) => {
      const v = optionalNumber(r[name]) ?? 0;
      if (!Number.isFinite(v) || v < 0) fail(`${name} is ${String(r[name])}`);
      return v;
    };
    const scorer = typeof r.scorer === 'string' ? r.scorer : null;
    const laion = optionalNumber(r.aesthetic_laion);
    const pairs = CLIP_IQA_PAIRS.map((p) => [p.name, optionalNumber(r[iqaColumn(p.name)])]);
    const models: ModelScores | null =
      scorer !== null && laion !== null && pairs.every(([, v]) => v !== null)
        ? { laion, clipIqa: Object.fromEntries(pairs) as Record<string, number> }
        : null;
    const version = optionalNumber(r.pixel_version);
    const stats = statEntries.map(([key, name]) => [key, optionalNumber(r[name])]);
    const appeal = appealEntries.map(([key, name]) => [key, optionalNumber(r[name])]);
    const pixel =
      version !== null && [...stats, ...appeal].every(([, v]) => v !== null)
        ? {
            version,
            stats: Object.fromEntries(stats) as unknown as PixelStats,
            appeal: Object.fromEntries(appeal) as unknown as AppealScores,
          }
        : null;
    const capture = captureOf(r, columns);
    return {
      path: path as string,
      size: count('size'),
      width: count('width'),
      height: count('height'),
      sha256: typeof r.sha256 === 'string' ? r.sha256 : '',
      mime: typeof r.mime === 'string' ? r.mime : '',
      lastModified: count('last_modified'),
      model: model as string,
      scorer: models ? scorer : null,
      models,
      pixel,
      ...(capture ? { capture } : {}),
    };
  });
}
