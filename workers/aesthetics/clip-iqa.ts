/**
 * CLIP-IQA: how much more an image resembles a positive than a negative description.
 * Needs no weights beyond CLIP itself. Changing the list changes PROMPTS_VERSION, which
 * re-scores the library instead of mixing old and new scores.
 */
export const CLIP_IQA_PAIRS = [
  { name: 'quality', positive: 'Good photo.', negative: 'Bad photo.' },
  { name: 'sharpness', positive: 'Sharp photo.', negative: 'Blurry photo.' },
  { name: 'brightness', positive: 'Bright photo.', negative: 'Dark photo.' },
  { name: 'colourfulness', positive: 'Colorful photo.', negative: 'Dull photo.' },
  { name: 'contrast', positive: 'High contrast photo.', negative: 'Low contrast photo.' },
  { name: 'noise', positive: 'Clean photo.', negative: 'Noisy photo.' },
  { name: 'beauty', positive: 'Beautiful photo.', negative: 'Ugly photo.' },
] as const;

export const PROMPTS_VERSION = 1;

export type ClipIqaPair = (typeof CLIP_IQA_PAIRS)[number]['name'];

/** The texts to embed, positive then negative for each pair, in CLIP_IQA_PAIRS order. */
export function promptTexts(): string[] {
  return CLIP_IQA_PAIRS.flatMap((p) => [p.positive, p.negative]);
}

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
