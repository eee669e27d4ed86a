/**
 * How a taste's picks and the automatic pairs share the loss (issue 22).
 *
 * The rule: each pick keeps its origin weight (liked 2, chosen 3); when automatic pairs are
 * included, they are scaled so that their total weight is AUTO_SHARE times the picks' total.
 * With AUTO_SHARE = 0.5, 50 picks are two thirds of the loss however many thousand automatic
 * pairs there are (before, 50 picks against ~4,500 automatic pairs were ~3%). A taste without
 * picks yet trains on the automatic pairs alone, with weight 1, as before tastes existed.
 */
export const AUTO_SHARE = 0.5;

export interface WeightedPair {
  origin: 'auto' | 'liked' | 'chosen';
  weight: number;
}

export function tasteTrainingPairs<P extends WeightedPair>(
  pairs: readonly P[],
  options: { includeAuto: boolean; autoShare?: number },
): P[] {
  const picks = pairs.filter((p) => p.origin !== 'auto');
  const allAuto = pairs.filter((p) => p.origin === 'auto');
  // A taste without picks yet trains on the automatic pairs alone, as before tastes existed.
  if (picks.length === 0) return allAuto;
  const auto = options.includeAuto ? allAuto : [];
  if (auto.length === 0) return picks;
  const picksTotal = picks.reduce((sum, p) => sum + p.weight, 0);
  const autoTotal = auto.reduce((sum, p) => sum + p.weight, 0);
  const scale = ((options.autoShare ?? AUTO_SHARE) * picksTotal) / autoTotal;
  return [...picks, ...auto.map((p) => ({ ...p, weight: p.weight * scale }))];
}
