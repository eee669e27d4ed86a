/** Where tuning put a photo by similarity, and where the base model had it (RankedHit.tuned). */
export interface TunedPlace {
  rank: number;
  baseRank: number | null;
}

/** "Why?" in words: how far the tuned model moved a photo from where the base model had it. */
export function describeTunedMove(place: TunedPlace, baseLimit: number): string {
  const { rank, baseRank } = place;
  if (baseRank === null) return `new: the base model ranked it below #${baseLimit}`;
  const by = baseRank - rank;
  if (by === 0) return `not moved (#${rank} on both)`;
  const places = Math.abs(by) === 1 ? 'place' : 'places';
  return `${by > 0 ? 'up' : 'down'} ${Math.abs(by)} ${places} (base #${baseRank} → #${rank})`;
}
