import type { KnownPhoto } from '../../src/core/store/photo-store';
import type { PreparedFile } from './prepare-file';
import type { FileSource } from './protocol';

export type DecoderRequest =
  | {
      type: 'library';
      byHash: ReadonlyMap<string, number>;
      model: string;
      /** False only in the indexing bench's comparison (IndexRequest.skipMetadata). */
      readsMetadata: boolean;
    }
  | { type: 'prepare'; id: number; file: File; known: KnownPhoto | undefined };

export interface DecoderReply {
  id: number;
  result: PreparedFile;
}

/** Prepares files (read, hash, decode) for the indexing job, possibly many at a time. */
export interface FilePreparer {
  prepare(source: FileSource, known: KnownPhoto | undefined): Promise<PreparedFile>;
  close(): void;
}

/**
 * Decoders for the cores: the model's thread pool already takes up to 4 threads, and a
 * decoder mostly waits on the browser's image decoder and file reads. One per two cores
 * keeps the model fed without taking its cores (measured in bench/indexing-bench.ts).
 */
export function decoderCount(cores = globalThis.navigator?.hardwareConcurrency ?? 2): number {
  return Math.max(1, Math.min(4, Math.floor(cores / 2)));
}

/** A file saved as HEIC/HEIF, by its name or type: what a job can tell before reading it. */
export function looksLikeHeic(file: { name: string; type: string }): boolean {
  return /\.(heic|heif|hif)$/i.test(file.name) || /^image\/hei[cf](-sequence)?$/i.test(file.type);
}

/** What one decoder may hold while it decodes a HEIC at the 64 MP limit (docs/heic.md). */
export const HEIC_DECODER_PEAK_GB = 0.7;

/**
 * Decoders for a job with HEICs. A HEIC is decoded whole by libheif in WebAssembly, on the
 * decoder's own thread and without threads of its own (about 0.8 s of a core for 12 MP), so
 * a decoder per two cores, as for JPEGs, leaves HEICs waiting on one core while the model
 * idles: one per core, up to 4. Each decodes one full-size HEIC at a time, so N decoders hold
 * up to N × HEIC_DECODER_PEAK_GB at once: they are kept to half the device's memory where the
 * browser says it (navigator.deviceMemory, Chromium; 4 GB assumed elsewhere).
 */
export function heicDecoderCount(
  cores = globalThis.navigator?.hardwareConcurrency ?? 2,
  memoryGB = deviceMemory() ?? 4,
): number {
  const byMemory = Math.floor(memoryGB / 2 / HEIC_DECODER_PEAK_GB);
  return Math.max(1, Math.min(4, cores, byMemory));
}

/** The decoders for a job: more when it holds HEICs (heicDecoderCount). */
export function decodersFor(
  files: readonly { name: string; type: string }[],
  cores?: number,
  memoryGB?: number,
): number {
  return files.some(looksLikeHeic) ? heicDecoderCount(cores, memoryGB) : decoderCount(cores);
}

function deviceMemory(): number | undefined {
  const memory = (globalThis.navigator as { deviceMemory?: unknown } | undefined)?.deviceMemory;
  return typeof memory === 'number' && memory > 0 ? memory : undefined;
}

/**
 * A pool of decoder workers. Requests are posted as soon as they are known, so the decoders
 * keep working while the model holds the indexing worker's thread; each goes to the decoder
 * with the fewest outstanding. The library's hashes (as the job started) travel once, so a
 * decoder can tell by itself that a duplicate needs no decoding.
 */
export class DecoderPool implements FilePreparer {
  readonly #workers: { worker: Worker; pending: Map<number, PendingReply> }[];
  #nextId = 0;

  constructor(
    count: number,
    byHash: ReadonlyMap<string, number>,
    model: string,
    readsMetadata = true,
  ) {
    this.#workers = Array.from({ length: count }, (_, i) => {
      const worker = new Worker(new URL('./decoder-worker.ts', import.meta.url), {
        type: 'module',
        name: `decoder-${i + 1}`,
      });
      const slot = { worker, pending: new Map<number, PendingReply>() };
      worker.onmessage = (e: MessageEvent<DecoderReply>) => {
        slot.pending.get(e.data.id)?.resolve(e.data.result);
        slot.pending.delete(e.data.id);
      };
      const fail = (why: string) => {
        for (const p of slot.pending.values())
          p.reject(new Error(`an image decoder stopped: ${why}`));
        slot.pending.clear();
      };
      worker.onerror = (e) => fail(e.message || 'it crashed');
      worker.onmessageerror = () => fail('a reply could not be read');
      const library: DecoderRequest = { type: 'library', byHash, model, readsMetadata };
      worker.postMessage(library);
      return slot;
    });
  }

  prepare(source: FileSource, known: KnownPhoto | undefined): Promise<PreparedFile> {
    const slot = this.#workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.#nextId++;
    return new Promise<PreparedFile>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      const request: DecoderRequest = { type: 'prepare', id, file: source.file, known };
      slot.worker.postMessage(request);
    });
  }

  close(): void {
    for (const { worker } of this.#workers) worker.terminate();
  }
}

interface PendingReply {
  resolve(result: PreparedFile): void;
  reject(e: Error): void;
}
