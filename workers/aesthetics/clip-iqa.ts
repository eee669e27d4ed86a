import { CLIP_IQA_PAIRS } from './protocol';

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Softmax over the two cosine similarities, scaled by CLIP's logit scale as CLIP does
 * for zero-shot classification. All vectors must be unit length.
 */
export function clipIqa(
  image: Float32Array,
  prompts: Float32Array[],
  logitScale: number,
): Record<string, number> {
  if (prompts.length !== CLIP_IQA_PAIRS.length * 2) {
    throw new Error(
      `expected ${CLIP_IQA_PAIRS.length * 2} prompt embeddings, got ${prompts.length}`,
    );
  }
  const out: Record<string, number> = {};
  CLIP_IQA_PAIRS.forEach((pair, i) => {
    const pos = logitScale * dot(image, prompts[2 * i]!);
    const neg = logitScale * dot(image, prompts[2 * i + 1]!);
    out[pair.name] = 1 / (1 + Math.exp(neg - pos));
  });
  return out;
}

export function meanOf(values: Record<string, number>): number {
  const v = Object.values(values);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0;
}
