import type { ClipSpec, Device } from '../../src/core/manifest';

/** Download and start-up progress of a model, as the page shows it. */
export interface ModelLoadProgress {
  state: 'downloading' | 'starting' | 'ready' | 'failed';
  /** The file being fetched, e.g. "onnx/vision_model.onnx". */
  file?: string;
  loaded: number;
  total: number;
  message?: string;
}

/** One file to index, with its path relative to the folder the person added. */
export interface FileSource {
  file: File;
  path: string;
  handle?: FileSystemFileHandle;
}

export interface ImagePixels {
  /** RGBA bytes, width × height × 4. */
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

export interface PreparedImage {
  /** Full-size dimensions after EXIF orientation. */
  width: number;
  height: number;
  thumbnail: Blob;
  /** A downsized copy for the model (its processor resizes and crops further). */
  pixels: ImagePixels;
  /** src/core/subject-sharpness.ts, measured at ≥ 512 px on the long side before downsizing. */
  subjectSharpness?: number;
  /** src/core/colour-layout.ts, of the working copy (the moments worker's copies and moments). */
  colourLayout?: Uint8Array;
}

export interface IndexingProgress {
  state: 'running' | 'paused' | 'done' | 'cancelled' | 'failed';
  total: number;
  processed: number;
  indexed: number;
  unchanged: number;
  duplicates: number;
  skipped: number;
  /** Files per second over the files that needed work. */
  rate: number;
  etaSeconds: number | null;
  elapsedSeconds?: number;
  current?: string;
  message?: string;
}

/** Progress before the first file: nothing done yet. */
export function startingProgress(total: number): IndexingProgress {
  return {
    state: 'running',
    total,
    processed: 0,
    indexed: 0,
    unchanged: 0,
    duplicates: 0,
    skipped: 0,
    rate: 0,
    etaSeconds: null,
  };
}

export interface LoadRequest {
  profileId: string;
  /** Absolute URL of the app's root, against which models/ and ort/ resolve. */
  appBase: string;
  device: Device | 'auto';
  /** A self-hosted model that is not in the manifest (the benchmark's stand-in); else the profile's. */
  clip?: ClipSpec;
}

export interface LoadedModel {
  device: Device;
  model: string;
  dim: number;
  threads: number;
}

export interface IndexRequest {
  sources: FileSource[];
  rootName: string;
  handle?: FileSystemDirectoryHandle;
  /**
   * How many decoder workers to use; by default one per two cores, or one per core when the
   * job holds HEICs (decoder-pool.ts' decodersFor; benchmarks vary it).
   */
  decoders?: number;
  /**
   * For bench/indexing-bench.mjs only, which times the same photos with and without it: read
   * no capture metadata and look up no places. The app never sets it.
   */
  skipMetadata?: boolean;
}

export interface MetadataFillRequest {
  /** Files of photos already in the library, by the same paths indexing stored. */
  sources: FileSource[];
}

export interface MetadataFillProgress {
  done: number;
  total: number;
  /** Photos whose metadata was read so far. */
  filled: number;
}

export interface MetadataFillResult {
  /** Photos whose capture metadata was read and stored. */
  filled: number;
  /** Photos that had metadata already (left as they are). */
  already: number;
  /** Files whose bytes are no longer the stored photo's: adding the folder again indexes them. */
  changed: number;
  /** Files the library does not hold. */
  unknown: number;
  /** Files that could not be read (moved, deleted, or permission withdrawn). */
  unreadable: number;
}

/** The indexing worker's interface; the page reaches it through Comlink. */
export interface EmbeddingApi {
  load(request: LoadRequest, onProgress: (p: ModelLoadProgress) => void): Promise<LoadedModel>;
  index(
    request: IndexRequest,
    onProgress: (p: IndexingProgress) => void,
  ): Promise<IndexingProgress>;
  pause(): void;
  resume(): void;
  cancel(): void;
  /**
   * Reads when, where and with what photos already in the library were taken (EXIF, places)
   * from their files, without decoding or embedding them: for a library indexed before capture
   * metadata existed, once its files can be read again. Needs no model; stops with `cancel`.
   */
  fillMetadata(
    request: MetadataFillRequest,
    onProgress: (p: MetadataFillProgress) => void,
  ): Promise<MetadataFillResult>;
  /**
   * Images per second of the loaded image model alone, on ready-made input tensors (same
   * session, same threads): the ceiling the indexing pipeline is measured against.
   */
  modelRate(batchSize: number, runs: number): Promise<number>;
}
