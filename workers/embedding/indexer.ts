import { errorMessage } from '../../src/core/errors';
import type { PhotoMetadata } from '../../src/core/photo-metadata';
import type { LumenDb, SkippedRecord } from '../../src/core/store/db';
import { photosWithMetadata } from '../../src/core/store/metadata-store';
import { writeColourLayouts } from '../../src/core/store/layout-store';
import { writeSubjectSharpness } from '../../src/core/store/sharpness-store';
import { SUBJECT_SHARPNESS_VERSION } from '../../src/core/subject-sharpness';
import { COLOUR_LAYOUT_VERSION } from '../../src/core/colour-layout';
import {
  commitBatch,
  loadLibraryIndex,
  type KnownPhoto,
  type LibraryIndex,
  type PhotoWrite,
} from '../../src/core/store/photo-store';
import type { FilePreparer } from './decoder-pool';
import { placeNamer, type PlaceLookup } from './place-names';
import type { HeaderInfo } from './image-header';
import { corruptMessage, hashVerdict, prepareFile, type PreparedFile } from './prepare-file';
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
  /** Files prepared at once when no preparer is given (in this thread, with decode and hash). */
  decodeConcurrency?: number;
  /**
   * Where files are read, hashed and decoded (e.g. a pool of decoder workers), given the
   * library as the job starts. Without one, this thread does it with `decode` and `hash`.
   */
  preparer?: (index: LibraryIndex) => FilePreparer | undefined;
  /** Files prepared ahead of the batch being embedded; default two batches. */
  lookahead?: number;
  /**
   * Loads the offline place lookup (workers/places). Called only once a batch has a GPS
   * position, so a library without GPS never downloads the place data.
   */
  places?: () => Promise<PlaceLookup>;
}

type Touched = { id: number; size: number; lastModified: number; metadata?: PhotoMetadata };

type Outcome =
  | { kind: 'unchanged' }
  | ({ kind: 'touched' } & Touched)
  | { kind: 'skip'; record: SkippedRecord }
  | { kind: 'write'; write: PhotoWrite; hash: string; prepared?: PreparedImage };

/** One batch, classified and ready to embed and commit. */
interface Plan {
  size: number;
  writes: PhotoWrite[];
  toEmbed: { write: PhotoWrite; prepared: PreparedImage }[];
  /** New files whose bytes an earlier, not yet committed file of this job has. */
  twins: PhotoWrite[];
  touched: Touched[];
  skipped: SkippedRecord[];
  unchanged: number;
  duplicates: number;
}

function emptyPlan(): Plan {
  return {
    size: 0,
    writes: [],
    toEmbed: [],
    twins: [],
    touched: [],
    skipped: [],
    unchanged: 0,
    duplicates: 0,
  };
}

function mergePlan(into: Plan, part: Plan): void {
  into.size += part.size;
  into.writes.push(...part.writes);
  into.toEmbed.push(...part.toEmbed);
  into.twins.push(...part.twins);
  into.touched.push(...part.touched);
  into.skipped.push(...part.skipped);
  into.unchanged += part.unchanged;
  into.duplicates += part.duplicates;
}

/** Resolves after the event loop has run the tasks queued so far (e.g. decoders' replies). */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      channel.port2.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** Runs `task`s at most `limit` at a time. */
function limiter(limit: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

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
 *
 * The stages overlap: files are read, hashed and decoded (by the preparer, ahead of the
 * model), batch k is embedded while batch k − 1 commits, and commits stay in order.
 */
export class IndexingJob {
  #paused = false;
  #cancelled = false;
  #wake: (() => void) | undefined;
  #kick: (() => void) | undefined;
  /** Hashes of new photos in batches not yet committed. */
  readonly #claimed = new Set<string>();
  #index: LibraryIndex | undefined;
  /** Photos with a metadata row: the rest are read again (for metadata only) even if unchanged. */
  #withMetadata = new Set<number>();
  readonly #placeNames: ReturnType<typeof placeNamer>;
  readonly #deps: Required<Omit<IndexingDeps, 'now' | 'preparer' | 'lookahead' | 'places'>> &
    Pick<IndexingDeps, 'preparer' | 'lookahead' | 'places'> & { now: () => number };

  constructor(deps: IndexingDeps) {
    this.#deps = { batchSize: 16, decodeConcurrency: 4, now: () => Date.now(), ...deps };
    this.#placeNames = placeNamer(deps.places);
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#wake?.();
    this.#kick?.();
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
    const [index, withMetadata] = await Promise.all([loadLibraryIndex(db), photosWithMetadata(db)]);
    this.#index = index;
    this.#withMetadata = withMetadata;
    const progress = startingProgress(sources.length);
    const started = this.#deps.now();
    onProgress({ ...progress });

    const preparer = this.#deps.preparer?.(index) ?? this.#inThread(index);
    const feed = this.#feed(sources, index, preparer);
    const lookahead = this.#deps.lookahead ?? 2 * batchSize;
    // Files needing work and the time they took, for the rate: the time between the ends of
    // consecutive commits, since stages overlap.
    let timedFiles = 0;
    let timedMs = 0;
    let lastDone = started;
    let committing: Promise<void> | undefined;
    try {
      for (let at = 0; at < sources.length; at += batchSize) {
        const batch = sources.slice(at, at + batchSize);
        if (at === 0 && (await this.#waitWhilePaused(progress, onProgress)))
          lastDone = this.#deps.now();
        if (this.#cancelled) return this.#finish(progress, 'cancelled', onProgress);
        feed.upTo(at + batch.length + lookahead);
        const plan = emptyPlan();
        // At the start the model takes whatever is ready, the first files while the rest of
        // the batch is still decoding; after that, whole batches (decoding runs ahead by
        // then). One model call per batch matters on WebGPU, where each call has a fixed cost:
        // batches split into what happened to be decoded halved the rate there.
        for (let i = 0; i < batch.length;) {
          await feed.get(at + i);
          await nextTask(); // let finished decodes report in
          let j = at === 0 ? i + 1 : batch.length;
          while (j < batch.length && feed.ready(at + j)) j++;
          const part = await this.#plan(
            await Promise.all(batch.slice(i, j).map((_, k) => feed.get(at + i + k))),
          );
          const vectors = part.toEmbed.length
            ? await this.#deps.embed(part.toEmbed.map((t) => t.prepared.pixels))
            : [];
          part.toEmbed.forEach((t, k) => (t.write.vector = vectors[k]));
          mergePlan(plan, part);
          i = j;
        }
        // The batch before commits while this one was embedded; commits stay in order.
        if (committing) await committing;
        // Pausing or cancelling keeps every committed batch; this one waits (or is dropped).
        if (await this.#waitWhilePaused(progress, onProgress)) lastDone = this.#deps.now();
        if (this.#cancelled) return this.#finish(progress, 'cancelled', onProgress);
        progress.current = batch[0]?.path;
        committing = this.#commit(plan, index, progress).then(() => {
          const now = this.#deps.now();
          if (plan.unchanged < plan.size) {
            timedFiles += plan.size;
            timedMs += now - lastDone;
          }
          lastDone = now;
          progress.processed = Math.min(sources.length, at + batch.length);
          // Rate counts files that needed work: skipping unchanged files is instant and would
          // make the estimate for the rest meaningless.
          progress.rate = timedMs > 0 ? (timedFiles * 1000) / timedMs : 0;
          const remaining = sources.length - progress.processed;
          progress.etaSeconds = progress.rate > 0 ? remaining / progress.rate : null;
          onProgress({ ...progress });
        });
        // Awaited at the next batch; a failure meanwhile must not count as unhandled.
        committing.catch(() => {});
      }
      if (committing) await committing;
    } catch (e) {
      if (committing) await committing.catch(() => {});
      if (isQuotaError(e)) {
        progress.message = `Storage is full: indexing stopped after ${progress.indexed} new photos. Everything indexed before this point is kept; free some disk space and add the folder again to continue.`;
        return this.#finish(progress, 'failed', onProgress);
      }
      progress.message = `Indexing stopped: ${errorMessage(e)}. Everything indexed before this point is kept.`;
      return this.#finish(progress, 'failed', onProgress);
    } finally {
      feed.stop();
      preparer.close();
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

  /** Waits while paused; says whether it waited. */
  async #waitWhilePaused(progress: IndexingProgress, onProgress: (p: IndexingProgress) => void) {
    if (!this.#paused || this.#cancelled) return false;
    onProgress({ ...progress, state: 'paused' });
    while (this.#paused && !this.#cancelled) {
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    onProgress({ ...progress });
    return true;
  }

  /** This thread reads, hashes and decodes, a few files at a time. */
  #inThread(index: LibraryIndex): FilePreparer {
    const { model, decode, hash, decodeConcurrency } = this.#deps;
    const limit = limiter(decodeConcurrency);
    return {
      prepare: ({ file }, known) =>
        limit(() =>
          prepareFile(file, { decode, hash }, (h) => {
            return hashVerdict(h, known, index.byHash, model).kind === 'new';
          }),
        ),
      close: () => {},
    };
  }

  /**
   * Starts preparing files in order, up to a limit the job raises as it goes; nothing new
   * starts while paused. Unchanged files (same path, size and date) need no preparing, unless
   * their metadata was never read (a library indexed before schema 7): those are read and
   * hashed, and their unchanged hash means no decode and no embedding.
   */
  #feed(sources: FileSource[], index: LibraryIndex, preparer: FilePreparer) {
    const { model } = this.#deps;
    const started: Promise<PreparedSource>[] = [];
    const settled: boolean[] = [];
    let limit = 0;
    let stopped = false;
    const pump = () => {
      while (!stopped && !this.#paused && started.length < Math.min(limit, sources.length)) {
        const source = sources[started.length]!;
        const known = index.byPath.get(source.path);
        const unchanged =
          known &&
          known.size === source.file.size &&
          known.lastModified === source.file.lastModified &&
          (known.duplicateOf !== undefined || known.models.includes(model)) &&
          this.#withMetadata.has(known.id);
        const result: Promise<PreparedSource> = unchanged
          ? Promise.resolve({ source, known })
          : preparer.prepare(source, known).then((file) => {
              if (file.kind === 'read') this.#placeNames.prime(file.metadata);
              return { source, known, file };
            });
        const i = started.length;
        result.then(
          () => (settled[i] = true),
          () => (settled[i] = true), // the error reaches the batch that awaits it
        );
        started.push(result);
      }
    };
    this.#kick = pump;
    return {
      upTo(n: number) {
        limit = Math.max(limit, n);
        pump();
      },
      /** Whether file i is prepared (or failed) already. */
      ready: (i: number) => settled[i] === true,
      get(i: number) {
        if (i >= started.length) {
          limit = Math.max(limit, i + 1);
          pump();
        }
        return started[i]!;
      },
      stop() {
        stopped = true;
      },
    };
  }

  /** Classifies a batch against the library as it is now (earlier batches included). */
  async #plan(prepared: PreparedSource[]): Promise<Plan> {
    const plan = emptyPlan();
    plan.size = prepared.length;
    for (const p of prepared) {
      const o = await this.#outcome(p);
      if (o.kind === 'unchanged') plan.unchanged++;
      else if (o.kind === 'touched') plan.touched.push(o);
      else if (o.kind === 'skip') plan.skipped.push(o.record);
      else if (o.prepared && this.#claimed.has(o.hash)) {
        // Identical new files in this job: the later ones point at the first, whose id is
        // known only once it is written.
        plan.twins.push({
          ...(o.write.id !== undefined ? { id: o.write.id } : {}),
          fields: o.write.fields,
          ...(o.write.metadata ? { metadata: o.write.metadata } : {}),
        });
        plan.duplicates++;
      } else {
        plan.writes.push(o.write);
        if (o.write.fields.duplicateOf !== undefined) plan.duplicates++;
        else if (o.prepared) {
          plan.toEmbed.push({ write: o.write, prepared: o.prepared });
          this.#claimed.add(o.hash);
        }
      }
    }
    return plan;
  }

  async #outcome({ source, known, file }: PreparedSource): Promise<Outcome> {
    if (!file) return { kind: 'unchanged' };
    const { path } = source;
    const { size, name, lastModified } = source.file;
    const skip = (reason: SkippedRecord['reason'], message: string): Outcome => ({
      kind: 'skip',
      record: { path, name, reason, message, size, at: this.#deps.now() },
    });
    if (file.kind === 'skip') return skip(file.reason, file.message);
    const { hash } = file;
    const metadata = file.metadata ? { metadata: file.metadata } : {};
    const fields = {
      path,
      name,
      size,
      lastModified,
      hash,
      mime: file.mime,
      width: file.width,
      height: file.height,
      ...(source.handle ? { handle: source.handle } : {}),
    };
    const verdict = hashVerdict(hash, known, this.#index!.byHash, this.#deps.model);
    if (verdict.kind === 'touched') {
      return { kind: 'touched', id: known!.id, size, lastModified, ...metadata };
    }
    if (verdict.kind === 'duplicate') {
      return {
        kind: 'write',
        hash,
        write: {
          ...(known ? { id: known.id } : {}),
          fields: { ...fields, duplicateOf: verdict.of },
          ...metadata,
        },
      };
    }
    let prepared = file.prepared;
    let corrupt = file.corrupt;
    if (!prepared && corrupt === undefined) {
      // The preparer skipped the decode on the library as the job started, which has moved
      // on since (rare): decode here.
      const again = await prepareFile(source.file, this.#deps, () => true);
      if (again.kind === 'skip') return skip(again.reason, again.message);
      prepared = again.prepared;
      corrupt = again.corrupt;
    }
    if (!prepared) return skip('corrupt', corruptMessage(corrupt));
    return {
      kind: 'write',
      hash,
      prepared,
      write: {
        ...(known ? { id: known.id, sameBytes: known.hash === hash } : {}),
        fields,
        thumbnail: prepared.thumbnail,
        ...metadata,
      },
    };
  }

  /** Stores one embedded batch (and then its twins, which need their originals' ids). */
  async #commit(plan: Plan, index: LibraryIndex, progress: IndexingProgress) {
    const { db, model, dim } = this.#deps;
    const { writes, touched, skipped, twins } = plan;
    await this.#placeNames([...writes, ...touched, ...twins]);
    if (writes.length || touched.length || skipped.length) {
      const ids = await commitBatch(db, { model, dim, writes, touched, skipped });
      writes.forEach((w, i) => this.#remember(index, w, ids[i]!));
      // The moments worker's best shot reads it (src/core/store/sharpness-store.ts).
      const sharpness = new Map(plan.toEmbed.map((t) => [t.write, t.prepared.subjectSharpness]));
      const rows = writes.flatMap((w, i) => {
        const value = sharpness.get(w);
        return value === undefined ? [] : [{ id: ids[i]!, value }];
      });
      await writeSubjectSharpness(db, SUBJECT_SHARPNESS_VERSION, rows);
      // And the colour layouts, which tell copies and moments apart (layout-store.ts).
      const layouts = new Map(plan.toEmbed.map((t) => [t.write, t.prepared.colourLayout]));
      const layoutRows = writes.flatMap((w, i) => {
        const layout = layouts.get(w);
        return layout === undefined ? [] : [{ id: ids[i]!, layout }];
      });
      await writeColourLayouts(db, COLOUR_LAYOUT_VERSION, layoutRows);
    }
    for (const t of plan.toEmbed) this.#claimed.delete(t.write.fields.hash);
    if (twins.length) {
      for (const t of twins)
        t.fields = { ...t.fields, duplicateOf: index.byHash.get(t.fields.hash) };
      const ids = await commitBatch(db, { model, dim, writes: twins, touched: [], skipped: [] });
      twins.forEach((w, i) => this.#remember(index, w, ids[i]!));
    }
    progress.indexed += plan.toEmbed.length;
    progress.unchanged += plan.unchanged + touched.length;
    progress.duplicates += plan.duplicates;
    progress.skipped += skipped.length;
  }

  #remember(index: LibraryIndex, w: PhotoWrite, id: number) {
    const { fields } = w;
    if (w.metadata) this.#withMetadata.add(id);
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

interface PreparedSource {
  source: FileSource;
  known: KnownPhoto | undefined;
  /** Absent for a file that is stored and unchanged. */
  file?: PreparedFile;
}
