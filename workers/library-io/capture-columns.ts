import type { ColumnSource } from 'hyparquet-writer';
import { TAKEN_SOURCES, type PhotoMetadata, type TakenSource } from '../../src/core/photo-metadata';

/**
 * The capture metadata columns of metadata_N.parquet, all nullable:
 *
 *   taken_at         string  wall-clock time where the photo was taken, ISO 8601 without a zone
 *                            ("2019-07-14T18:30:05"; milliseconds only when not zero)
 *   offset_min       int32   minutes east of UTC of that wall clock, when known
 *                            (so the instant is taken_at − offset_min)
 *   taken_at_source  string  'exif-offset', 'exif' or 'file' (the file's modification time)
 *   lat, lon         double  WGS84 degrees          ┐ left out of the file entirely
 *   place, region    string  city and its region    │ when the export is asked to
 *   country          string  ISO 3166-1 alpha-2     ┘ leave location out
 *   camera, lens     string  "Make Model", lens model
 *
 * An export made before these columns existed imports without metadata.
 */

export const LOCATION_COLUMNS = ['lat', 'lon', 'place', 'region', 'country'] as const;

const isoLocal = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$|Z$/, '');

export function captureColumns(
  rows: readonly (PhotoMetadata | null)[],
  includeLocation: boolean,
): ColumnSource[] {
  const strings = (name: string, pick: (m: PhotoMetadata) => string | undefined) => ({
    name,
    data: rows.map((m) => (m ? (pick(m) ?? null) : null)),
    type: 'STRING' as const,
  });
  const doubles = (name: string, pick: (m: PhotoMetadata) => number | undefined) => ({
    name,
    data: rows.map((m) => (m ? (pick(m) ?? null) : null)),
    type: 'DOUBLE' as const,
  });
  const when = (m: PhotoMetadata) => (m.takenAt === undefined ? undefined : m);
  const columns: ColumnSource[] = [
    strings('taken_at', (m) => (when(m) ? isoLocal(m.takenAt!) : undefined)),
    {
      name: 'offset_min',
      data: rows.map((m) => m?.offsetMin ?? null),
      type: 'INT32',
    },
    strings('taken_at_source', (m) => when(m)?.takenSource),
    strings('camera', (m) => m.camera),
    strings('lens', (m) => m.lens),
  ];
  if (includeLocation)
    columns.push(
      doubles('lat', (m) => m.lat),
      doubles('lon', (m) => m.lon),
      strings('place', (m) => m.place),
      strings('region', (m) => m.region),
      strings('country', (m) => m.country),
    );
  return columns;
}

const ISO_LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?$/;

const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const number = (v: unknown) =>
  typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;

/**
 * The capture metadata of one Parquet row; null when the export has none of these columns or
 * the row has no value in them.
 * A value that cannot be one (a bad date, a position off the globe) is left out.
 */
export function captureOf(r: Record<string, unknown>, columns: ReadonlySet<string>) {
  if (!columns.has('taken_at') && !columns.has('camera') && !columns.has('lat')) return null;
  const m: PhotoMetadata = {};
  const taken = text(r.taken_at);
  const takenAt = taken && ISO_LOCAL.test(taken) ? Date.parse(`${taken}Z`) : NaN;
  if (Number.isFinite(takenAt)) {
    m.takenAt = takenAt;
    const source = text(r.taken_at_source);
    if (source && source !== 'none' && (TAKEN_SOURCES as readonly string[]).includes(source))
      m.takenSource = source as TakenSource;
  }
  const offset = number(r.offset_min);
  if (offset !== undefined && Number.isInteger(offset) && Math.abs(offset) <= 18 * 60)
    m.offsetMin = offset;
  const lat = number(r.lat);
  const lon = number(r.lon);
  if (lat !== undefined && lon !== undefined && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
    m.lat = lat;
    m.lon = lon;
  }
  for (const key of ['place', 'region', 'country', 'camera', 'lens'] as const) {
    const s = text(r[key]);
    if (s) m[key] = s;
  }
  // All empty: the photo's metadata was never read (or held nothing); it is read when re-added.
  return Object.keys(m).length ? m : null;
}
