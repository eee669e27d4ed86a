/** Similarity of two photos if they may share a group, else null. */
export type PairJudge = (a: number, b: number) => number | null;

/**
 * Complete linkage, greedily: edges are taken from the most similar down, and two groups merge
 * only if every pair across them may group (`judge`) and the merged group passes `accept`. Unlike
 * single linkage, a chain A~B~C with A unlike C stays two groups, whatever the order.
 * Deterministic: ties are broken by the slots.
 */
export function completeLinkage(
  slots: readonly number[],
  edges: [number, number, number][],
  judge: PairJudge,
  accept: (merged: number[]) => boolean,
): number[][] {
  const groupOf = new Map<number, number[]>();
  for (const s of slots) groupOf.set(s, [s]);
  const sorted = edges.slice().sort((x, y) => y[2] - x[2] || x[0] - y[0] || x[1] - y[1]);
  for (const [a, b] of sorted) {
    const ga = groupOf.get(a);
    const gb = groupOf.get(b);
    if (!ga || !gb || ga === gb) continue;
    if (!allPairsGroup(ga, gb, judge)) continue;
    const merged = ga.concat(gb);
    if (!accept(merged)) continue;
    for (const s of merged) groupOf.set(s, merged);
  }
  return [...new Set(groupOf.values())];
}

function allPairsGroup(ga: number[], gb: number[], judge: PairJudge): boolean {
  for (const x of ga) for (const y of gb) if (judge(x, y) === null) return false;
  return true;
}
