import { LibraryConnection } from '../../src/core/store/db';
import { loadPlaceLookup } from '../places/place-lookup';
import { loadWorkerTower, type ClipVision } from '../shared/clip-models';
import { decodeImage, sha256Hex } from './decode-image';
import { DecoderPool, decodersFor } from './decoder-pool';
import { IndexingJob } from './indexer';
import { fillMetadata } from './metadata-fill';
import type {
  EmbeddingApi,
  IndexRequest,
  IndexingProgress,
  LoadRequest,
  LoadedModel,
  MetadataFillProgress,
  MetadataFillRequest,
  MetadataFillResult,
  ModelLoadProgress,
} from './protocol';

/** The indexing worker: owns the image tower and writes the library. */
export class EmbeddingHandler implements EmbeddingApi {
  #vision: ClipVision | undefined;
  #loaded: LoadedModel | undefined;
  #job: IndexingJob | undefined;
  /** A pause asked for before the job started (the model was still loading) still counts. */
  #paused = false;
  #library = new LibraryConnection();
  #fillCancelled = false;

  async load(
    request: LoadRequest,
    onProgress: (p: ModelLoadProgress) => void,
  ): Promise<LoadedModel> {
    const { tower, model } = await loadWorkerTower('vision', request, onProgress);
    this.#vision = tower;
    this.#loaded = model;
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
    const db = await this.#library.get();
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
      // skipMetadata: the indexing bench's comparison only (no places, no metadata read).
      ...(request.skipMetadata ? {} : { places: () => loadPlaceLookup() }),
      // Decoder workers where the browser has them (it does; Node's tests do not).
      preparer: (index) =>
        typeof Worker === 'undefined'
          ? undefined
          : new DecoderPool(
              request.decoders ?? decodersFor(request.sources.map((s) => s.file)),
              index.byHash,
              loaded.model,
              !request.skipMetadata,
            ),
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
    this.#fillCancelled = true;
  }

  async fillMetadata(
    request: MetadataFillRequest,
    onProgress: (p: MetadataFillProgress) => void,
  ): Promise<MetadataFillResult> {
    this.#fillCancelled = false;
    const db = await this.#library.get();
    const deps = { db, hash: sha256Hex, places: () => loadPlaceLookup() };
    return fillMetadata(deps, request.sources, onProgress, () => this.#fillCancelled);
  }

  modelRate(batchSize: number, runs: number): Promise<number> {
    if (!this.#vision) throw new Error('The image model is not loaded yet.');
    return this.#vision.modelRate(batchSize, runs);
  }
}
