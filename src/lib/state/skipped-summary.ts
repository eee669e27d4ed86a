import type { SkipReason, SkippedRecord } from '../../core/store/db';

/** Each reason as a person would count it: "3 cut off", "40 not images". */
const LABELS: Record<SkipReason, [one: string, many: string]> = {
  'not-an-image': ['not an image', 'not images'],
  empty: ['empty', 'empty'],
  truncated: ['cut off', 'cut off'],
  corrupt: ['damaged', 'damaged'],
  'unsupported-format': [
    'in a format the browser cannot decode',
    'in formats the browser cannot decode',
  ],
  'too-large': ['too large', 'too large'],
  'svg-not-indexed': ['SVG drawing', 'SVG drawings'],
  unreadable: ['unreadable', 'unreadable'],
};

export interface ReasonCount {
  reason: SkipReason;
  count: number;
  label: string;
}

/** Skipped files counted by reason, the most common first (ties in a fixed order). */
export function countByReason(records: readonly Pick<SkippedRecord, 'reason'>[]): ReasonCount[] {
  const counts = new Map<SkipReason, number>();
  for (const r of records) counts.set(r.reason, (counts.get(r.reason) ?? 0) + 1);
  const order = Object.keys(LABELS) as SkipReason[];
  return [...counts]
    .sort(([a, x], [b, y]) => y - x || order.indexOf(a) - order.indexOf(b))
    .map(([reason, count]) => {
      const [one, many] = LABELS[reason] ?? [reason, reason];
      return { reason, count, label: `${count.toLocaleString('en')} ${count === 1 ? one : many}` };
    });
}

/**
 * How many skipped files the list shows before "Show all": a photo export can hold a sidecar
 * file (.json, .AAE) or a video beside every photo, tens of thousands of rows.
 */
export const SKIPPED_SHOWN = 200;
