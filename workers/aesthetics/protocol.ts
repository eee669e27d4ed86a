import type { ScoringProgress } from './scorer';

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
