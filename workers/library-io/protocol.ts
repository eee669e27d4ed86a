/**
 * Export and import of the library in clip-retrieval's layout, so that autofaiss, faiss and
 * clip-retrieval can index it on a server, and a prepared library can be loaded in the page:
 *
 *   img_emb/img_emb_0.npy          (n, dim) float32 or float16, row i ↔ metadata row i
 *   metadata/metadata_0.parquet    image_path, size, width, height, sha256, scores, model, …
 *   thumbnails/<row>.<ext>         optional: the stored thumbnail of row <row>
 */

export const EMBEDDINGS_DIR = 'img_emb';
export const METADATA_DIR = 'metadata';
export const THUMBNAILS_DIR = 'thumbnails';

export const embeddingsPath = (shard: number) => `${EMBEDDINGS_DIR}/img_emb_${shard}.npy`;
export const metadataPath = (shard: number) => `${METADATA_DIR}/metadata_${shard}.parquet`;

export type VectorDtype = 'float32' | 'float16';

export interface ExportOptions {
  /** float16 halves the file; faiss reads both. */
  dtype: VectorDtype;
  /** Adds the stored thumbnails, so that an import can show the photos. */
  thumbnails: boolean;
  /**
   * Writes where photos were taken (lat, lon, place, region, country); default true. Without
   * it those columns are left out of the file altogether.
   */
  includeLocation?: boolean;
}

export interface ExportRequest extends ExportOptions {
  profileId: string;
  /** The name of the zip file, or of the folder made inside `folder`. */
  name: string;
  /** Writes the export into a new folder here; without it the export comes back as a zip. */
  folder?: FileSystemDirectoryHandle;
}

export interface ExportResult {
  state: 'done' | 'cancelled';
  photos: number;
  thumbnails: number;
  /** Bytes written. */
  bytes: number;
  /** The zip, when no folder was given. */
  zip?: Blob;
}

export interface ImportFile {
  /** Path inside the picked folder or zip; a leading folder above img_emb/ is allowed. */
  path: string;
  file: Blob;
}

export type ImportSource = { kind: 'zip'; file: Blob } | { kind: 'files'; files: ImportFile[] };

export interface ImportRequest {
  profileId: string;
  source: ImportSource;
}

export interface ImportResult {
  state: 'done' | 'cancelled';
  photos: number;
  thumbnails: number;
  /** Photos whose aesthetic scores came with the export (the rest are scored here). */
  scored: number;
}

export type LibraryIoPhase =
  'reading' | 'vectors' | 'metadata' | 'thumbnails' | 'checking' | 'storing' | 'undoing';

export interface LibraryIoProgress {
  phase: LibraryIoPhase;
  done: number;
  total: number;
}

/** The library-io worker's interface; the page reaches it through Comlink. */
export interface LibraryIoApi {
  exportLibrary(
    request: ExportRequest,
    onProgress: (p: LibraryIoProgress) => void,
  ): Promise<ExportResult>;
  /** Into an empty library of the same model only; on any failure nothing stored changes. */
  importLibrary(
    request: ImportRequest,
    onProgress: (p: LibraryIoProgress) => void,
  ): Promise<ImportResult>;
  /** Stops the running export or import; an import that stops stores nothing. */
  cancel(): void;
}
