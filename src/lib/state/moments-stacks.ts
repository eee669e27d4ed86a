import type { MomentGroup } from '../../../workers/moments/protocol';

/** A group as the grid needs it: its members (best first) and the suggested keeper. */
export type StackGroup = Pick<MomentGroup, 'id' | 'members' | 'best'>;

/** Photo id → its group, for every photo in a group of two or more. */
export function groupIndex<G extends StackGroup>(groups: readonly G[]): Map<number, G> {
  const byPhoto = new Map<number, G>();
  for (const g of groups) for (const id of g.members) byPhoto.set(id, g);
  return byPhoto;
}

/**
 * A complete, ranked list with each group shown once: at the place of its highest-ranked
 * member, by its best member among those the list holds (the list has already passed the
 * cutoff and filters, so a best shot that did not is never brought back), and with how many
 * of the group's photos the list holds. Photos in no group pass through.
 */
export function stackHits<T extends { id: number }>(
  hits: readonly T[],
  byPhoto: ReadonlyMap<number, StackGroup>,
): { hit: T; stack: number }[] {
  const inList = new Map<StackGroup, T[]>();
  for (const h of hits) {
    const g = byPhoto.get(h.id);
    if (g) inList.set(g, [...(inList.get(g) ?? []), h]);
  }
  const rankInGroup = (g: StackGroup, id: number) => g.members.indexOf(id);
  const out: { hit: T; stack: number }[] = [];
  const placed = new Set<StackGroup>();
  for (const h of hits) {
    const g = byPhoto.get(h.id);
    if (!g) {
      out.push({ hit: h, stack: 1 });
      continue;
    }
    if (placed.has(g)) continue;
    placed.add(g);
    const members = inList.get(g)!;
    const cover = members.reduce((a, b) => (rankInGroup(g, b.id) < rankInGroup(g, a.id) ? b : a));
    out.push({ hit: cover, stack: members.length });
  }
  return out;
}

/** The list less rejected photos (culling), unless the person asked to see them. */
export function withoutRejected<T extends { id: number }>(
  hits: readonly T[],
  decisions: Readonly<Record<number, 'keep' | 'reject'>>,
): T[] {
  return hits.filter((h) => decisions[h.id] !== 'reject');
}
