import { getProfile } from '../../src/core/manifest';
import { LibraryConnection, type LumenDb } from '../../src/core/store/db';
import { filesArchive, FolderSink, zipArchive, ZipSink, type ArchiveReader } from './archive';
import { exportLibrary } from './exporter';
import { importLibrary } from './importer';
import type {
  ExportRequest,
  ExportResult,
  ImportRequest,
  ImportResult,
  LibraryIoApi,
  LibraryIoProgress,
} from './protocol';

/** Reading every vector and building Parquet and zips happens here, off the page's thread. */
export class LibraryIoHandler implements LibraryIoApi {
  readonly #openDb: () => Promise<LumenDb>;
  #running = false;
  #cancelled = false;

  /** `openDb` defaults to a connection that steps aside for other tabs; specs pass their own. */
  constructor(openDb?: () => Promise<LumenDb>) {
    const library = new LibraryConnection();
    this.#openDb = openDb ?? (() => library.get());
  }

  cancel(): void {
    this.#cancelled = true;
  }

  exportLibrary(
    request: ExportRequest,
    onProgress: (p: LibraryIoProgress) => void,
  ): Promise<ExportResult> {
    return this.#exclusive(async () => {
      const zip = request.folder ? undefined : new ZipSink();
      const folder = request.folder
        ? await request.folder.getDirectoryHandle(request.name, { create: true })
        : undefined;
      const sink = zip ?? new FolderSink(folder!);
      const outcome = await exportLibrary({
        db: await this.#openDb(),
        profile: getProfile(request.profileId),
        sink,
        options: {
          dtype: request.dtype,
          thumbnails: request.thumbnails,
          ...(request.includeLocation === undefined
            ? {}
            : { includeLocation: request.includeLocation }),
        },
        cancelled: () => this.#cancelled,
        onProgress,
      });
      const result: ExportResult = { ...outcome, bytes: sink.bytes };
      if (zip && outcome.state === 'done') result.zip = zip.finish();
      return result;
    });
  }

  importLibrary(
    request: ImportRequest,
    onProgress: (p: LibraryIoProgress) => void,
  ): Promise<ImportResult> {
    return this.#exclusive(async () => {
      onProgress({ phase: 'reading', done: 0, total: 1 });
      const { source } = request;
      const archive: ArchiveReader =
        source.kind === 'zip' ? await zipArchive(source.file) : filesArchive(source.files);
      return importLibrary({
        db: await this.#openDb(),
        profile: getProfile(request.profileId),
        archive,
        cancelled: () => this.#cancelled,
        onProgress,
      });
    });
  }

  async #exclusive<T>(run: () => Promise<T>): Promise<T> {
    if (this.#running) throw new Error('An export or import is already running.');
    this.#running = true;
    this.#cancelled = false;
    try {
      return await run();
    } finally {
      this.#running = false;
    }
  }
}
