import { errorMessage } from '../../src/core/errors';
import type { LumenDb, SkippedRecord } from '../../src/core/store/db';
import {
  commitBatch,
  loadLibraryIndex,
  type LibraryIndex,
  type PhotoWrite,
} from '../../src/core/store/photo-store';
import { HEAD_BYTES, TAIL_BYTES, inspectHeader, type HeaderInfo } from './image-header';
import {
  startingProgress,
  type FileSource,
  type ImagePixels,
  type IndexingProgress,
  type PreparedImage,
} from './protocol';

export interface IndexingDeps {
  db: LumenDb;
  /** Model key and vector size of the embedder; every vector written is tagged with it. */
  model: string;
  dim: number;
  /** Decodes and downsizes one image; throws when the bytes cannot be decoded. */
  decode(file: Blob, info: HeaderInfo): Promise<PreparedImage>;
  /** Unit-length embeddings, one per image, in order. */
  embed(images: ImagePixels[]): Promise<Float32Array[]>;
  hash(bytes: ArrayBuffer): Promise<string>;
  now?: () => number;
  batchSize?: number;
  /** Images decoded at once; each full-size decode can take hundreds of MB. */
  decodeConcurrency?: number;
}

type Outcome =
  | { kind: 'unchanged' }
  | { kind: 'touched'; id: number; size: number; lastModified: number }
  | { kind: 'skip'; record: SkippedRecord }
  | { kind: 'write'; write: PhotoWrite; hash: string; prepared?: PreparedImage };

export class StorageFullError extends Error {
  override name = 'StorageFullError';
}

function isQuotaError(e: unknown): boolean {
  return e instanceof Error && (e.name === 'QuotaExceededError' || /quota/i.test(e.message));
}

/**
 * Indexes a list of files into the library: skips what is stored and unchanged,
 * recognises duplicates by content, reports files it cannot use, and commits in
 * batches so that stopping at any moment keeps every finished batch.
 */
export class IndexingJob {
  #paused = false;
  #cancelled = false;
  #wake: (() => void) | undefined;
  readonly #deps: Required<Omit<IndexingDeps, 'now'>> & { now: () => number };

  constructor(deps: IndexingDeps) {
    this.#deps = { batchSize: 16, decodeConcurrency: 4, now: () => Date.now(), ...deps };
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#wake?.();
  }

  cancel(): void {
    this.#cancelled = true;
    this.#wake?.();
  }

  async run(
    sources: FileSource[],
    onProgress: (p: IndexingProgress) => void,
  ): Promise<IndexingProgress> {
    const { db, batchSize } = this.#deps;
    const index = await loadLibraryIndex(db);
    const progress = startingProgress(sources.length);
    const started = this.#deps.now();
    let timedFiles = 0;
    let timedMs = 0;
    onProgress({ ...progress });

    for (let at = 0; at < sources.length; at += batchSize) {
      await this.#waitWhilePaused(progress, onProgress);
      if (this.#cancelled) return this.#finish(progress, 'cancelled', onProgress);
      const batchStart = this.#deps.now();
      const batch = sources.slice(at, at + batchSize);
      progress.current = batch[0]?.path;
      try {
        const outcomes = await this.#prepareBatch(batch, index);
        const worked = await this.#commit(outcomes, index, progress);
        if (worked) {
          timedFiles += batch.length;
          timedMs += this.#deps.now() - batchStart;
        }
      } catch (e) {
        if (isQuotaError(e)) {
          progress.message = `Storage is full: indexing stopped after ${progress.indexed} new photos. Everything indexed before this point is kept; free some disk space and add the folder again to continue.`;
          return this.#finish(progress, 'failed', onProgress);
        }
        progress.message = `Indexing stopped: ${errorMessage(e)}. Everything indexed before this point is kept.`;
        return this.#finish(progress, 'failed', onProgress);
      }
      progress.processed = Math.min(sources.length, at + batch.length);
      // Rate counts files that needed work: skipping unchanged files is instant and would
      // make the estimate for the rest meaningless.
      progress.rate = timedMs > 0 ? (timedFiles * 1000) / timedMs : 0;
      const remaining = sources.length - progress.processed;
      progress.etaSeconds = progress.rate > 0 ? remaining / progress.rate : null;
      onProgress({ ...progress });
    }
    progress.elapsedSeconds = (this.#deps.now() - started) / 1000;
    return this.#finish(progress, 'done', onProgress);
  }

  #finish(
    progress: IndexingProgress,
    state: IndexingProgress['state'],
    onProgress: (p: IndexingProgress) => void,
  ): IndexingProgress {
    progress.state = state;
    progress.etaSeconds = null;
    delete progress.current;
    onProgress({ ...progress });
    return progress;
  }

  async #waitWhilePaused(progress: IndexingProgress, onProgress: (p: IndexingProgress) => void) {
    if (!this.#paused || this.#cancelled) return;
    onProgress({ ...progress, state: 'paused' });
    while (this.#paused && !this.#cancelled) {
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    onProgress({ ...progress });
  }

  async #prepareBatch(batch: FileSource[], index: LibraryIndex): Promise<Outcome[]> {
    const outcomes: Outcome[] = new Array<Outcome>(batch.length);
    let next = 0;
    const worker = async () => {
      while (next < batch.length) {
        const i = next++;
        outcomes[i] = await this.#prepare(batch[i]!, index);
      }
    };
    await Promise.all(Array.from({ length: this.#deps.decodeConcurrency }, worker));
    return outcomes;
  }

  async #prepare(source: FileSource, index: LibraryIndex): Promise<Outcome> {
    const { file, path } = source;
    const { model } = this.#deps;
    const known = index.byPath.get(path);
    if (
      known &&
      known.size === file.size &&
      known.lastModified === file.lastModified &&
      (known.duplicateOf !== undefined || known.models.includes(model))
    ) {
      return { kind: 'unchanged' };
    }
    const skip = (reason: SkippedRecord['reason'], message: string): Outcome => ({
      kind: 'skip',
      record: { path, name: file.name, reason, message, size: file.size, at: this.#deps.now() },
    });

    let bytes: ArrayBuffer;
    try {
      const head = new Uint8Array(await file.slice(0, HEAD_BYTES).arrayBuffer());
      const tail = new Uint8Array(
        await file.slice(Math.max(0, file.size - TAIL_BYTES)).arrayBuffer(),
      );
      const verdict = inspectHeader(head, tail, file.size);
      if (!verdict.ok) return skip(verdict.reason, verdict.message);
      bytes = await file.arrayBuffer();
      const hash = await this.#deps.hash(bytes);
      const fields = {
        path,
        name: file.name,
        size: file.size,
        lastModified: file.lastModified,
        hash,
        mime: verdict.info.mime,
        width: verdict.info.width ?? 0,
        height: verdict.info.height ?? 0,
        ...(source.handle ? { handle: source.handle } : {}),
      };
      if (known && known.hash === hash && known.models.includes(model)) {
        return { kind: 'touched', id: known.id, size: file.size, lastModified: file.lastModified };
      }
      const original = index.byHash.get(hash);
      if (original !== undefined && original !== known?.id) {
        return {
          kind: 'write',
          hash,
          write: {
            ...(known ? { id: known.id } : {}),
            fields: { ...fields, duplicateOf: original },
          },
        };
      }
      let prepared: PreparedImage;
      try {
        prepared = await this.#deps.decode(
          new Blob([bytes], { type: verdict.info.mime }),
          verdict.info,
        );
      } catch (e) {
        const why = e instanceof Error && e.message ? ` (${e.message})` : '';
        return skip('corrupt', `The image data is damaged and cannot be decoded${why}.`);
      }
      return {
        kind: 'write',
        hash,
        prepared,
        write: {
          ...(known ? { id: known.id, sameBytes: known.hash === hash } : {}),
          fields: { ...fields, width: prepared.width, height: prepared.height },
          thumbnail: prepared.thumbnail,
        },
      };
    } catch (e) {
      const why = errorMessage(e);
      return skip('unreadable', `The file could not be read (${why}). Was it moved or deleted?`);
    }
  }

  /** Embeds and stores one batch; returns whether any file needed real work. */
  async #commit(outcomes: Outcome[], index: LibraryIndex, progress: IndexingProgress) {
    const { db, model, dim } = this.#deps;
    const writes: PhotoWrite[] = [];
    const toEmbed: { write: PhotoWrite; prepared: PreparedImage }[] = [];
    const touched: { id: number; size: number; lastModified: number }[] = [];
    const skipped: SkippedRecord[] = [];
    const newHashes = new Map<string, PhotoWrite>();
    let unchanged = 0;
    let duplicates = 0;

    // Identical new files inside one batch: the later ones point at the first, whose id is
    // known only once it is written.
    const twins: PhotoWrite[] = [];
    for (const o of outcomes) {
      if (o.kind === 'unchanged') unchanged++;
      else if (o.kind === 'touched') touched.push(o);
      else if (o.kind === 'skip') skipped.push(o.record);
      else if (o.prepared && newHashes.has(o.hash)) {
        twins.push({
          ...(o.write.id !== undefined ? { id: o.write.id } : {}),
          fields: o.write.fields,
        });
        duplicates++;
      } else {
        writes.push(o.write);
        if (o.write.fields.duplicateOf !== undefined) duplicates++;
        else if (o.prepared) {
          toEmbed.push({ write: o.write, prepared: o.prepared });
          newHashes.set(o.hash, o.write);
        }
      }
    }

    if (toEmbed.length) {
      const vectors = await this.#deps.embed(toEmbed.map((t) => t.prepared.pixels));
      toEmbed.forEach((t, i) => (t.write.vector = vectors[i]));
    }
    if (writes.length || touched.length || skipped.length) {
      const ids = await commitBatch(db, { model, dim, writes, touched, skipped });
      writes.forEach((w, i) => this.#remember(index, w, ids[i]!));
    }
    if (twins.length) {
      for (const t of twins)
        t.fields = { ...t.fields, duplicateOf: index.byHash.get(t.fields.hash) };
      const ids = await commitBatch(db, { model, dim, writes: twins, touched: [], skipped: [] });
      twins.forEach((w, i) => this.#remember(index, w, ids[i]!));
    }
    progress.indexed += toEmbed.length;
    progress.unchanged += unchanged + touched.length;
    progress.duplicates += duplicates;
    progress.skipped += skipped.length;
    return unchanged < outcomes.length;
  }

  #remember(index: LibraryIndex, w: PhotoWrite, id: number) {
    const { fields } = w;
    if (fields.duplicateOf === undefined && w.vector) index.byHash.set(fields.hash, id);
    index.byPath.set(fields.path, {
      id,
      size: fields.size,
      lastModified: fields.lastModified,
      hash: fields.hash,
      models: w.vector ? [this.#deps.model] : [],
      ...(fields.duplicateOf !== undefined ? { duplicateOf: fields.duplicateOf } : {}),
    });
  }
}
