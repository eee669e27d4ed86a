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

export interface ScoringProgress {
  state: 'running' | 'done' | 'cancelled' | 'failed';
  done: number;
  total: number;
  message?: string;
}

export interface ScoreRequest {
  profileId: string;
  appBase: string;
  /** Unit-length CLIP-IQA prompt embeddings from the text tower, in CLIP_IQA_PAIRS order. */
  prompts: Float32Array[];
}

/** The aesthetics worker's interface; the page reaches it through Comlink. */
export interface AestheticsApi {
  /** Scores every photo that lacks scores from the profile's scorers; resumable. */
  score(request: ScoreRequest, onProgress: (p: ScoringProgress) => void): Promise<ScoringProgress>;
  cancel(): void;
}
