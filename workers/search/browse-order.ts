import type { MetaColumns } from './meta-columns';
import { filters, type BrowseOptions, type TimeSection } from './protocol';
import type { ScoreIndex } from './score-index';
import type { LibraryScan } from './scan/library-scan';
import { byTaken, timeSections } from './time-order';

/**
 * The photos of a browse, in its order: newest added, most beautiful, or newest taken first
 * (with sections); narrowed by the filter, and by the beauty threshold.
 */
export function browseOrder(
  options: BrowseOptions,
  scan: LibraryScan,
  scores: ScoreIndex,
  meta: MetaColumns,
): { ids: number[]; sections?: TimeSection[] } {
  const rows = filters(options.filter) ? meta.rows(options.filter) : undefined;
  const { ids: rowIds } = scan.matrix;
  let ids: number[];
  let sections: TimeSection[] | undefined;
  if (options.order === 'taken') {
    const kept = rows ? Array.from(rows) : Array.from(rowIds, (_, row) => row);
    const sorted = byTaken(kept, (row) => meta.takenAt[row]!, true);
    sections = timeSections(sorted.map((row) => meta.takenAt[row]!));
    ids = sorted.map((row) => rowIds[row]!);
  } else {
    const keep = rows && new Set(Array.from(rows, (row) => rowIds[row]!));
    ids =
      options.order === 'beauty' ? scores.bestFirst() : Array.from(rowIds).sort((a, b) => b - a);
    if (keep) ids = ids.filter((id) => keep.has(id));
  }
  if (options.minBeauty > 0) {
    ids = ids.filter((id) => (scores.view(id)?.combined ?? 1) >= options.minBeauty);
    // Hidden photos leave their sections: count them again over what is left.
    if (sections) sections = timeSections(ids.map((id) => meta.takenAt[scan.rowOf(id)]!));
  }
  return { ids, ...(sections ? { sections } : {}) };
}
