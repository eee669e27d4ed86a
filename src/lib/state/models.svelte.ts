import type {
  LoadRequest,
  LoadedModel,
  ModelLoadProgress,
} from '../../../workers/embedding/protocol';
import { errorMessage } from '../../core/errors';

export interface TowerStatus {
  state: 'idle' | 'loading' | 'ready' | 'failed';
  progress?: ModelLoadProgress;
  message?: string;
  loaded?: LoadedModel;
}

export type Tower = 'vision' | 'text';

/** A worker that can load one CLIP tower (EmbeddingClient, SearchClient; fakes in specs). */
export interface TowerLoader {
  load: (request: LoadRequest, onProgress: (p: ModelLoadProgress) => void) => Promise<LoadedModel>;
}

/**
 * The two CLIP towers, each loaded once in its worker and on first need: the image
 * tower for indexing, the text tower for search and scoring prompts.
 */
export class ModelsManager {
  #vision = $state<TowerStatus>({ state: 'idle' });
  #text = $state<TowerStatus>({ state: 'idle' });
  readonly #loads: Partial<Record<Tower, Promise<LoadedModel>>> = {};
  readonly #generation: Record<Tower, number> = { vision: 0, text: 0 };

  constructor(
    private readonly loaders: Record<Tower, TowerLoader>,
    private readonly request: LoadRequest,
  ) {}

  get vision(): TowerStatus {
    return this.#vision;
  }

  get text(): TowerStatus {
    return this.#text;
  }

  visionModel(): Promise<LoadedModel> {
    return (this.#loads.vision ??= this.#load('vision'));
  }

  textModel(): Promise<LoadedModel> {
    return (this.#loads.text ??= this.#load('text'));
  }

  /**
   * Forgets a loaded tower, so the next use loads it again: a replacement worker
   * starts without the model its predecessor held.
   */
  forget(tower: Tower): void {
    delete this.#loads[tower];
    this.#generation[tower]++;
    if (this.#status(tower).state !== 'failed') this.#set(tower, { state: 'idle' });
  }

  reset(): void {
    this.forget('vision');
    this.forget('text');
  }

  #status(tower: Tower): TowerStatus {
    return tower === 'vision' ? this.#vision : this.#text;
  }

  #set(tower: Tower, status: TowerStatus) {
    if (tower === 'vision') this.#vision = status;
    else this.#text = status;
  }

  #load(tower: Tower): Promise<LoadedModel> {
    // A load that was forgotten meanwhile must not overwrite the status of its successor.
    const generation = ++this.#generation[tower];
    const current = () => this.#generation[tower] === generation;
    this.#set(tower, { state: 'loading' });
    const onProgress = (progress: ModelLoadProgress) => {
      if (current()) this.#set(tower, { state: 'loading', progress });
    };
    return this.loaders[tower].load(this.request, onProgress).then(
      (loaded) => {
        if (current()) this.#set(tower, { state: 'ready', loaded });
        return loaded;
      },
      (e: unknown) => {
        if (current()) {
          this.#set(tower, { state: 'failed', message: errorMessage(e) });
          delete this.#loads[tower];
        }
        throw e;
      },
    );
  }
}
