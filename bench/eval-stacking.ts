// Issue 23: the eval's figures with stacking off (today's rows) and on (each moment or copy group
// once, by its best member that passed the cutoff), on the same base searches.
import type { TruthImage, TruthQuery } from '../src/core/eval/ground-truth';
import { distinctCombinations, meanQuality, precisionAt } from '../src/core/eval/metrics';
import { groupIndex, stackHits, type StackGroup } from '../src/lib/state/moments-stacks';

export interface StackingRow {
  /** Mean over the queries of precision@n, true quality and distinct combinations in the top n. */
  precision: number;
  quality: number;
  distinct: number;
}

export interface StackingFigures {
  off: StackingRow;
  on: StackingRow;
  /** Groups of two or more the library holds, and the photos in them. */
  groups: number;
  grouped: number;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function rowOf(
  queries: readonly Pick<TruthQuery, 'relevant'>[],
  tops: readonly TruthImage[][],
  n: number,
): StackingRow {
  return {
    precision: mean(tops.map((top, i) => precisionAt(n, top, queries[i]!))),
    quality: mean(tops.map((top) => meanQuality(top, n))),
    distinct: mean(tops.map((top) => distinctCombinations(top.slice(0, n)))),
  };
}

/** `hitLists[i]` is query i's ranked, cut-off list (longer than n, so stacks can refill the top). */
export function stackingFigures(
  queries: readonly Pick<TruthQuery, 'relevant'>[],
  hitLists: readonly (readonly { id: number }[])[],
  truth: ReadonlyMap<number, TruthImage>,
  groups: readonly StackGroup[],
  n = 10,
): StackingFigures {
  const image = (id: number) => {
    const img = truth.get(id);
    if (!img) throw new Error(`photo ${id} is not in the ground truth`);
    return img;
  };
  const byPhoto = groupIndex(groups);
  const off = hitLists.map((hits) => hits.slice(0, n).map((h) => image(h.id)));
  const on = hitLists.map((hits) =>
    stackHits(hits, byPhoto)
      .slice(0, n)
      .map((s) => image(s.hit.id)),
  );
  return {
    off: rowOf(queries, off, n),
    on: rowOf(queries, on, n),
    groups: groups.length,
    grouped: groups.reduce((sum, g) => sum + g.members.length, 0),
  };
}
