import { Zip, ZipPassThrough } from 'fflate';
import { embeddingsPath } from './protocol';
import type { ImportFile } from './protocol';
import { readZipDirectory, readZipEntry, type ZipEntry } from './zip-reader';

/** An export to import, as paths relative to its root (the folder holding img_emb/). */
export interface ArchiveReader {
  has(path: string): boolean;
  paths(): string[];
  read(path: string): Promise<Uint8Array>;
}

export class ArchiveError extends Error {
  override name = 'ArchiveError';
}

/**
 * The part of each path above img_emb/: a zip of the export folder itself, or a folder picked
 * one level up, still imports.
 */
function rootPrefix(paths: Iterable<string>): string {
  const marker = embeddingsPath(0);
  let best: string | undefined;
  for (const p of paths) {
    if (p !== marker && !p.endsWith(`/${marker}`)) continue;
    const prefix = p.slice(0, p.length - marker.length);
    if (best === undefined || prefix.length < best.length) best = prefix;
  }
  if (best === undefined) {
    throw new ArchiveError(
      `This is not a Lumen or clip-retrieval export: it has no ${marker}. Pick the export's zip or its folder.`,
    );
  }
  return best;
}

function relativeTo<T>(all: Map<string, T>): Map<string, T> {
  const prefix = rootPrefix(all.keys());
  const out = new Map<string, T>();
  for (const [path, value] of all) {
    if (path.startsWith(prefix)) out.set(path.slice(prefix.length), value);
  }
  return out;
}

export async function zipArchive(zip: Blob): Promise<ArchiveReader> {
  const entries = relativeTo<ZipEntry>(await readZipDirectory(zip));
  return {
    has: (path) => entries.has(path),
    paths: () => [...entries.keys()],
    read: (path) => {
      const entry = entries.get(path);
      if (!entry) return Promise.reject(new ArchiveError(`${path} is missing from the export.`));
      return readZipEntry(zip, entry);
    },
  };
}

export function filesArchive(files: ImportFile[]): ArchiveReader {
  const byPath = relativeTo(new Map(files.map((f) => [f.path.replace(/^\/+/, ''), f.file])));
  return {
    has: (path) => byPath.has(path),
    paths: () => [...byPath.keys()],
    read: async (path) => {
      const file = byPath.get(path);
      if (!file) throw new ArchiveError(`${path} is missing from the export.`);
      return new Uint8Array(await file.arrayBuffer());
    },
  };
}

/** Where an export is written, one file after another. */
export interface ExportSink {
  /** Writes one file; `chunks` are its bytes in order. */
  write(path: string, chunks: Uint8Array[]): Promise<void>;
  /** Bytes written so far. */
  readonly bytes: number;
}

/** fflate's zip writes 32-bit sizes and offsets, so a zip stays under 4 GiB. */
export const ZIP_LIMIT = 0xffffffff - (1 << 20);

/**
 * Streams the export into a zip without compression (float vectors, WebP thumbnails and
 * Snappy-compressed Parquet barely shrink). Output is gathered into Blob parts as it grows,
 * which the browser may keep on disk rather than in this worker's memory.
 */
export class ZipSink implements ExportSink {
  readonly #zip: Zip;
  readonly #parts: Blob[] = [];
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #bytes = 0;
  #error: Error | undefined;

  constructor(private readonly flushBytes = 32 << 20) {
    this.#zip = new Zip((err, chunk) => {
      if (err) this.#error = err;
      else {
        this.#pending.push(chunk);
        this.#pendingBytes += chunk.length;
        this.#bytes += chunk.length;
        if (this.#pendingBytes >= this.flushBytes) this.#flush();
      }
    });
  }

  get bytes(): number {
    return this.#bytes;
  }

  write(path: string, chunks: Uint8Array[]): Promise<void> {
    const size = chunks.reduce((n, c) => n + c.length, 0);
    // Local header, data, descriptor and central record: generously 256 bytes of overhead.
    if (this.#bytes + size + 256 + 2 * path.length > ZIP_LIMIT) {
      throw new ArchiveError(
        'The export is larger than a zip can hold (4 GB). Export to a folder instead, or leave out thumbnails or use float16.',
      );
    }
    const file = new ZipPassThrough(path);
    this.#zip.add(file);
    if (chunks.length === 0) file.push(new Uint8Array(0), true);
    chunks.forEach((c, i) => file.push(c, i === chunks.length - 1));
    if (this.#error) throw this.#error;
    return Promise.resolve();
  }

  finish(): Blob {
    this.#zip.end();
    if (this.#error) throw this.#error;
    this.#flush();
    return new Blob(this.#parts, { type: 'application/zip' });
  }

  #flush() {
    if (this.#pending.length === 0) return;
    this.#parts.push(new Blob(this.#pending as BlobPart[]));
    this.#pending = [];
    this.#pendingBytes = 0;
  }
}

/** Writes the export as files into a folder the person picked (File System Access API). */
export class FolderSink implements ExportSink {
  readonly #dirs = new Map<string, Promise<FileSystemDirectoryHandle>>();
  #bytes = 0;

  constructor(private readonly root: FileSystemDirectoryHandle) {}

  get bytes(): number {
    return this.#bytes;
  }

  async write(path: string, chunks: Uint8Array[]): Promise<void> {
    const parts = path.split('/');
    const name = parts.pop()!;
    const dir = await this.#dir(parts.join('/'));
    const handle = await dir.getFileHandle(name, { create: true });
    const writable = await handle.createWritable();
    try {
      for (const chunk of chunks) await writable.write(chunk as FileSystemWriteChunkType);
      await writable.close();
    } catch (e) {
      await writable.abort().catch(() => undefined);
      throw e;
    }
    this.#bytes += chunks.reduce((n, c) => n + c.length, 0);
  }

  #dir(path: string): Promise<FileSystemDirectoryHandle> {
    if (path === '') return Promise.resolve(this.root);
    let dir = this.#dirs.get(path);
    if (!dir) {
      const slash = path.lastIndexOf('/');
      const parent = this.#dir(slash < 0 ? '' : path.slice(0, slash));
      dir = parent.then((p) => p.getDirectoryHandle(path.slice(slash + 1), { create: true }));
      this.#dirs.set(path, dir);
    }
    return dir;
  }
}
