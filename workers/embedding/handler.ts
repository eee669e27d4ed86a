import { getProfile, modelKey, type Device } from '../../src/core/manifest';
import { openLibraryDb, type LumenDb } from '../../src/core/store/db';
import { ClipVision, configureHosting, pickDevice } from '../shared/clip-models';
import { browserHosting } from '../shared/hosting';
import { decodeImage, sha256Hex } from './decode-image';
import { IndexingJob } from './indexer';
import type {
  EmbeddingApi,
  IndexRequest,
  IndexingProgress,
  LoadRequest,
  LoadedModel,
  ModelLoadProgress,
} from './protocol';

/** The indexing worker: owns the image tower and writes the library. */
export class EmbeddingHandler implements EmbeddingApi {
  #vision: ClipVision | undefined;
  #loaded: LoadedModel | undefined;
  #job: IndexingJob | undefined;
  /** A pause asked for before the job started (the model was still loading) still counts. */
  #paused = false;
  #db: Promise<LumenDb> | undefined;

  async load(
    request: LoadRequest,
    onProgress: (p: ModelLoadProgress) => void,
  ): Promise<LoadedModel> {
    const { clip } = getProfile(request.profileId);
    const hosting = browserHosting(request.appBase);
    configureHosting(clip, hosting);
    let device: Device = await pickDevice(request.device);
    try {
      this.#vision = await ClipVision.load(clip, device, onProgress);
    } catch (e) {
      if (device !== 'webgpu' || request.device === 'webgpu') throw e;
      // Some adapters lack an operator the model needs: WASM always works.
      device = 'wasm';
      this.#vision = await ClipVision.load(clip, device, onProgress);
    }
    this.#loaded = {
      device,
      model: modelKey(clip),
      dim: clip.embeddingSize,
      threads: hosting.threads ?? 1,
    };
    onProgress({ state: 'ready', loaded: 0, total: 0 });
    return this.#loaded;
  }

  async index(
    request: IndexRequest,
    onProgress: (p: IndexingProgress) => void,
  ): Promise<IndexingProgress> {
    const vision = this.#vision;
    const loaded = this.#loaded;
    if (!vision || !loaded) throw new Error('The image model is not loaded yet.');
    if (this.#job) throw new Error('Indexing is already running.');
    this.#db ??= openLibraryDb();
    const db = await this.#db;
    await db.put('jobs', {
      id: 'current',
      rootName: request.rootName,
      total: request.sources.length,
      startedAt: Date.now(),
      ...(request.handle ? { handle: request.handle } : {}),
    });
    const job = new IndexingJob({
      db,
      model: loaded.model,
      dim: loaded.dim,
      decode: decodeImage,
      embed: (images) => vision.embed(images),
      hash: sha256Hex,
    });
    this.#job = job;
    if (this.#paused) job.pause();
    try {
      const result = await job.run(request.sources, onProgress);
      // A failed job stays recorded so the page can offer to resume it.
      if (result.state !== 'failed') await db.delete('jobs', 'current');
      return result;
    } finally {
      this.#job = undefined;
    }
  }

  pause(): void {
    this.#paused = true;
    this.#job?.pause();
  }

  resume(): void {
    this.#paused = false;
    this.#job?.resume();
  }

  cancel(): void {
    this.#job?.cancel();
  }
}
