import {
  promptTexts,
  type ScoreRequest,
  type ScoringProgress,
} from '../../../workers/aesthetics/protocol';
import { errorMessage } from '../../core/errors';
import type { ModelsManager } from './models.svelte';

/** What scoring needs of the aesthetics worker (AestheticsClient; a fake in specs). */
export interface ScoringClient {
  score: (
    request: ScoreRequest,
    onProgress: (p: ScoringProgress) => void,
  ) => Promise<ScoringProgress>;
}

/** CLIP-IQA prompts are embedded by the text tower, which lives in the search worker. */
export interface PromptEmbedder {
  embedTexts: (texts: string[]) => Promise<Float32Array[]>;
}

/** Aesthetic scores for every photo, computed in the background as photos arrive. */
export class ScoringManager {
  #progress = $state<ScoringProgress | null>(null);
  #error = $state<string | null>(null);
  #prompts: Promise<Float32Array[]> | undefined;
  #again = false;

  constructor(
    private readonly client: ScoringClient,
    private readonly embedder: PromptEmbedder,
    private readonly models: Pick<ModelsManager, 'textModel' | 'forget'>,
    private readonly request: Omit<ScoreRequest, 'prompts'>,
    /** Called when photos got new scores, so what is shown can be re-ordered. */
    private readonly onScored: () => Promise<void> = async () => {},
  ) {}

  get progress(): ScoringProgress | null {
    return this.#progress;
  }

  get running(): boolean {
    return this.#progress?.state === 'running';
  }

  get error(): string | null {
    return this.#error;
  }

  /** Scores every photo that lacks aesthetic scores; safe to call often. */
  async scoreLibrary(): Promise<void> {
    if (this.running) {
      this.#again = true;
      return;
    }
    this.#progress = { state: 'running', done: 0, total: 0 };
    this.#error = null;
    let prompts: Float32Array[];
    try {
      await this.models.textModel();
      this.#prompts ??= this.embedder.embedTexts(promptTexts());
      prompts = await this.#prompts;
    } catch (e) {
      // The search worker may have died with the text tower in it.
      this.models.forget('text');
      return this.#failed(e);
    }
    try {
      this.#progress = await this.client.score({ ...this.request, prompts }, (p) => {
        this.#progress = p;
      });
    } catch (e) {
      return this.#failed(e);
    }
    if (this.#progress.total > 0) await this.onScored();
    if (this.#again) {
      this.#again = false;
      await this.scoreLibrary();
    }
  }

  #failed(e: unknown) {
    this.#prompts = undefined;
    this.#again = false;
    this.#error = `Aesthetic scores are unavailable: ${errorMessage(e)} Search still works, ordered by relevance.`;
    this.#progress = null;
  }
}
