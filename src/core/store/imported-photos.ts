import type { LumenDb } from './db';

/**
 * Which photos came from an imported export. Their originals were never on this device, so
 * the viewer says so instead of asking for the folder again. Kept in `meta` as id ranges:
 * an import fills an empty library, so its ids are one or a few runs.
 */
export const IMPORTED_KEY = 'importedPhotos';

export interface IdRange {
  from: number;
  to: number;
}

/** Sorted, merged inclusive ranges covering `ids`. */
export function idRanges(ids: Iterable<number>): IdRange[] {
  const sorted = [...ids].sort((a, b) => a - b);
  const out: IdRange[] = [];
  for (const id of sorted) {
    const last = out.at(-1);
    if (last && id <= last.to + 1) last.to = Math.max(last.to, id);
    else out.push({ from: id, to: id });
  }
  return out;
}

export function inRanges(ranges: readonly IdRange[], id: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid]!;
    if (id < r.from) hi = mid - 1;
    else if (id > r.to) lo = mid + 1;
    else return true;
  }
  return false;
}

function isRanges(v: unknown): v is IdRange[] {
  return (
    Array.isArray(v) &&
    v.every(
      (r: unknown) =>
        typeof r === 'object' &&
        r !== null &&
        typeof (r as IdRange).from === 'number' &&
        typeof (r as IdRange).to === 'number',
    )
  );
}

export async function importedRanges(db: LumenDb): Promise<IdRange[]> {
  const v = await db.get('meta', IMPORTED_KEY);
  return isRanges(v) ? v : [];
}

/**
 * Set while an import stores its photos, cleared in the transaction that finishes it. Found
 * set, an import was cut off (tab closed, worker crashed) before it could undo itself; what
 * it left is everything stored since `at`, in blocks other than `blocksBefore`.
 */
export const IMPORT_PENDING_KEY = 'importPending';

export interface PendingImport {
  at: number;
  model: string;
  blocksBefore: number[];
}

export async function pendingImport(db: LumenDb): Promise<PendingImport | undefined> {
  const v = await db.get('meta', IMPORT_PENDING_KEY);
  if (typeof v !== 'object' || v === null) return undefined;
  const p = v as Partial<PendingImport>;
  return typeof p.at === 'number' && typeof p.model === 'string' && Array.isArray(p.blocksBefore)
    ? (p as PendingImport)
    : undefined;
}
