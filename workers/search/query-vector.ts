import { subtractConcepts } from '../../src/core/query/concept-arithmetic';
import { normalize } from '../../src/core/vectors';
import { SIMILAR_TEXT_WEIGHT } from './protocol';

/**
 * The query less each `-word`'s embedding, by λ (rclip's q − λ·t, renormalised); the query
 * itself when there is none to take away.
 */
export async function withoutNegatives(
  query: Float32Array,
  negatives: readonly string[] | undefined,
  embed: (texts: string[]) => Promise<Float32Array[]>,
  lambda: number,
): Promise<Float32Array> {
  const words = negatives?.map((w) => w.trim()).filter(Boolean) ?? [];
  if (!words.length) return query;
  return subtractConcepts(query, await embed(words), lambda);
}

/** "More like this" with words: the photo and the words at unit length each, weighted, summed. */
export function photoWithWords(
  photo: Float32Array,
  words: Float32Array,
  weight = SIMILAR_TEXT_WEIGHT,
): Float32Array {
  const p = normalize(Float32Array.from(photo));
  const w = normalize(Float32Array.from(words));
  return normalize(p.map((x, j) => x + weight * w[j]!));
}
