import type { Order, TimeSection } from './protocol';

const DAY = 86_400_000;
/** Results spanning more than this are headed by month, fewer by day. */
export const DAY_HEADINGS_MAX_SPAN = 60 * DAY;

/**
 * `items` by time taken, newest or oldest first; photos without a time (NaN) last, and ties in
 * the order given (a stable sort), so equal times keep their relevance order.
 */
export function byTaken<T>(items: T[], takenAt: (item: T) => number, newest: boolean): T[] {
  const sign = newest ? -1 : 1;
  return items
    .map((item, i) => ({ item, t: takenAt(item), i }))
    .sort((a, b) => {
      const an = Number.isNaN(a.t);
      const bn = Number.isNaN(b.t);
      if (an || bn) return an === bn ? a.i - b.i : an ? 1 : -1;
      return sign * (a.t - b.t) || a.i - b.i;
    })
    .map((x) => x.item);
}

/** First wall-clock ms of the day or month a time falls in (NaN stays NaN). */
function startOf(t: number, unit: 'day' | 'month'): number {
  if (Number.isNaN(t)) return t;
  if (unit === 'day') return Math.floor(t / DAY) * DAY;
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/**
 * Headings for results already in time order: a section per day, or per month when the dated
 * results span more than DAY_HEADINGS_MAX_SPAN; the undated ones form a last section.
 */
export function timeSections(times: ArrayLike<number>): TimeSection[] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < times.length; i++) {
    const t = times[i]!;
    if (t < min) min = t;
    if (t > max) max = t;
  }
  const unit = max - min > DAY_HEADINGS_MAX_SPAN ? 'month' : 'day';
  const sections: TimeSection[] = [];
  let current: TimeSection | undefined;
  for (let i = 0; i < times.length; i++) {
    const at = startOf(times[i]!, unit);
    if (current && (current.at === at || (Number.isNaN(at) && Number.isNaN(current.at)))) {
      current.count++;
    } else {
      current = { start: i, count: 1, at, unit };
      sections.push(current);
    }
  }
  return sections;
}

/**
 * Ranked hits in time order: only those that pass the relevance cutoff (the head), newest or
 * oldest taken first, with their sections.
 */
export function headByTime<T extends { inHead: boolean; takenAt?: number }>(
  hits: T[],
  newest: boolean,
): { hits: T[]; sections: TimeSection[] } {
  const sorted = byTaken(
    hits.filter((h) => h.inHead),
    (h) => h.takenAt ?? Number.NaN,
    newest,
  );
  return { hits: sorted, sections: timeSections(sorted.map((h) => h.takenAt ?? Number.NaN)) };
}

/** Ranked hits as the order asks: by time taken (the head only, with sections), else as they are. */
export function inOrder<T extends { inHead: boolean; takenAt?: number }>(
  hits: T[],
  order: Order,
): { hits: T[]; sections?: TimeSection[] } {
  if (order !== 'taken-newest' && order !== 'taken-oldest') return { hits };
  return headByTime(hits, order === 'taken-newest');
}
