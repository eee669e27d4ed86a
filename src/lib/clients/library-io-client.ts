import { proxy } from 'comlink';
import type {
  ExportRequest,
  ExportResult,
  ImportRequest,
  ImportResult,
  LibraryIoApi,
  LibraryIoProgress,
} from '../../../workers/library-io/protocol';
import { WorkerBridge, type WorkerCrashedError } from './worker-bridge';

/** The page's handle on the library-io worker, which exports and imports the library. */
export class LibraryIoClient {
  readonly #bridge: WorkerBridge<LibraryIoApi>;

  constructor(onCrash?: (reason: string, error: WorkerCrashedError) => void) {
    this.#bridge = new WorkerBridge<LibraryIoApi>(
      (name) =>
        new Worker(new URL('../../../workers/library-io/worker.ts', import.meta.url), {
          type: 'module',
          name,
        }),
      { label: 'library export', ...(onCrash ? { onCrash } : {}) },
    );
  }

  exportLibrary(
    request: ExportRequest,
    onProgress: (p: LibraryIoProgress) => void,
    signal?: AbortSignal,
  ): Promise<ExportResult> {
    return this.#released(
      this.#bridge.call((remote) => remote.exportLibrary(request, proxy(onProgress)), {
        ...(signal ? { signal } : {}),
        cancel: (remote) => remote.cancel(),
      }),
    );
  }

  importLibrary(
    request: ImportRequest,
    onProgress: (p: LibraryIoProgress) => void,
    signal?: AbortSignal,
  ): Promise<ImportResult> {
    return this.#released(
      this.#bridge.call((remote) => remote.importLibrary(request, proxy(onProgress)), {
        ...(signal ? { signal } : {}),
        cancel: (remote) => remote.cancel(),
      }),
    );
  }

  /** An export holds every vector in memory: the worker goes once it is done, not when idle. */
  async #released<R>(call: Promise<R>): Promise<R> {
    try {
      return await call;
    } finally {
      this.#bridge.terminate();
    }
  }
}
