import {
  PROMPTS_VERSION,
  promptTexts,
  type ScoreRequest,
  type ScoringProgress,
} from '../../../workers/aesthetics/protocol';
import { errorMessage } from '../../core/errors';
import type { LumenDb } from '../../core/store/db';
import { loadPromptVectors, savePromptVectors } from '../../core/store/prompt-store';
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

/**
 * Where the prompts' embeddings are kept between visits (IndexedDB in the app), so a start
 * with nothing new to score, or only a few photos, does not load the text tower for them.
 */
export interface PromptStore {
  load: (count: number) => Promise<Float32Array[] | undefined>;
  save: (vectors: Float32Array[]) => Promise<void>;
}

/** The app's PromptStore: the library's IndexedDB, per text model and prompt list. */
export function storedPrompts(db: () => Promise<LumenDb>, model: string): PromptStore {
  return {
    load: async (count) => loadPromptVectors(await db(), model, PROMPTS_VERSION, count),
    save: async (vectors) => savePromptVectors(await db(), model, PROMPTS_VERSION, vectors),
  };
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
    private readonly store?: PromptStore,
    /** Runs the scoring pass holding the cross-tab scoring lock (waiting for another tab's). */
    private readonly exclusive: <T>(task: () => Promise<T>) => Promise<T> = (task) => task(),
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
      this.#prompts ??= this.#embedPrompts();
      prompts = await this.#prompts;
    } catch (e) {
      // The search worker may have died with the text tower in it.
      this.models.forget('text');
      return this.#failed(e);
    }
    try {
      this.#progress = await this.exclusive(() =>
        this.client.score({ ...this.request, prompts }, (p) => {
          this.#progress = p;
        }),
      );
    } catch (e) {
      return this.#failed(e);
    }
    if (this.#progress.total > 0) await this.onScored();
    if (this.#again) {
      this.#again = false;
      await this.scoreLibrary();
    }
  }

  /** The stored embeddings, or the text tower's (then stored; a failed save only costs time). */
  async #embedPrompts(): Promise<Float32Array[]> {
    const texts = promptTexts();
    const stored = await this.store?.load(texts.length).catch(() => undefined);
    if (stored) return stored;
    await this.models.textModel();
    const vectors = await this.embedder.embedTexts(texts);
    await this.store?.save(vectors).catch(() => undefined);
    return vectors;
  }

  #failed(e: unknown) {
    this.#prompts = undefined;
    this.#again = false;
    this.#error = `Aesthetic scores are unavailable: ${errorMessage(e)} Search still works, ordered by relevance.`;
    this.#progress = null;
  }
}
