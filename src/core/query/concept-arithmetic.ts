// `-word` in the search box takes a concept away from the query, as rclip does for
// `apple - fruit`: the text embedding of each taken-away word is subtracted, weighted by λ,
// and the result is scaled back to unit length so that scores stay cosines. λ is per model
// (manifest `negationWeight`): how far apart a model puts its concepts decides how hard it
// must push, and the tiny world's value was measured (models/negation-sweep.mjs).
import type { Profile } from '../manifest';
import { normalize } from '../vectors';

/** λ for a profile that records none: rclip's weight of 1, not measured on CLIP here. */
export const DEFAULT_NEGATION_WEIGHT = 1;

/**
 * normalise(q − λ·Σ t̂ᵢ), where each t̂ᵢ is the i-th negative's embedding at unit length.
 * A fresh vector; `q` and the negatives are left as they are. With no negatives or λ = 0 it
 * is q at unit length.
 */
export function subtractConcepts(
  q: Float32Array,
  negatives: readonly Float32Array[],
  lambda: number,
): Float32Array {
  const out = Float32Array.from(q);
  for (const t of negatives) {
    if (t.length !== q.length)
      throw new Error(`A concept of ${t.length} dimensions cannot be taken from ${q.length}.`);
    const unit = normalize(Float32Array.from(t));
    for (let i = 0; i < out.length; i++) out[i]! -= lambda * unit[i]!;
  }
  return normalize(out);
}

/** The profile's λ for `-word`, or the default where the manifest records none. */
export function negationWeightOf(profile: Pick<Profile, 'negationWeight'>): number {
  return profile.negationWeight ?? DEFAULT_NEGATION_WEIGHT;
}
