import { describe, expect, it, vi } from 'vitest';
import type {
  ExportResult,
  ImportResult,
  LibraryIoProgress,
} from '../../../workers/library-io/protocol';
import {
  INCLUDE_LOCATION_KEY,
  LibraryIoManager,
  type LibraryIoClientApi,
  type LibraryIoDeps,
} from './library-io.svelte';
import { memoryStorage } from './test-storage';

const today = () => new Date('2025-03-04T10:00:00Z');

function setup(client: Partial<LibraryIoClientApi>, overrides: Partial<LibraryIoDeps> = {}) {
  const onImported = vi.fn(() => Promise.resolve());
  const manager = new LibraryIoManager({
    client: {
      exportLibrary: () => Promise.reject(new Error('not expected')),
      importLibrary: () => Promise.reject(new Error('not expected')),
      ...client,
    },
    profileId: 'tiny-world',
    modelKey: 'Xenova/clip-vit-base-patch32@main',
    blocked: () => null,
    onImported,
    today,
    storage: memoryStorage(),
    ...overrides,
  });
  return { manager, onImported };
}

const deferred = <T>() => {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
};

describe('library io manager', () => {
  it('exports a zip named after the model and day, with the chosen options, and saves it', async () => {
    const zip = new Blob(['zip']);
    const exportLibrary = vi.fn<LibraryIoClientApi['exportLibrary']>((_request, onProgress) => {
      onProgress({ phase: 'thumbnails', done: 5, total: 10 });
      return Promise.resolve({ state: 'done', photos: 10, thumbnails: 10, bytes: 2048, zip });
    });
    const { manager } = setup({ exportLibrary });
    manager.options.dtype = 'float16';
    manager.options.thumbnails = false;
    const save = vi.fn();
    await manager.exportZip(save);
    expect(exportLibrary.mock.calls[0]![0]).toEqual({
      profileId: 'tiny-world',
      dtype: 'float16',
      thumbnails: false,
      includeLocation: true,
      name: 'lumen-Xenova-clip-vit-base-patch32-main-2025-03-04.zip',
    });
    expect(save).toHaveBeenCalledWith(
      'lumen-Xenova-clip-vit-base-patch32-main-2025-03-04.zip',
      zip,
    );
    expect(manager.message).toBe(
      'Exported 10 photos with 10 thumbnails as lumen-Xenova-clip-vit-base-patch32-main-2025-03-04.zip (2.0 KB).',
    );
    expect(manager.job).toBeNull();
    expect(manager.error).toBeNull();
  });

  it('leaves location out of the export when the person says so, and remembers it', async () => {
    const exportLibrary = vi.fn<LibraryIoClientApi['exportLibrary']>(() =>
      Promise.resolve({ state: 'done', photos: 1, thumbnails: 0, bytes: 10, zip: new Blob([]) }),
    );
    const storage = memoryStorage();
    const { manager } = setup({ exportLibrary }, { storage });
    expect(manager.includeLocation).toBe(true);
    manager.includeLocation = false;
    await manager.exportZip(vi.fn());
    expect(exportLibrary.mock.calls[0]![0]).toMatchObject({ includeLocation: false });

    // The next visit starts from the remembered choice.
    const { manager: later } = setup({ exportLibrary }, { storage });
    expect(later.includeLocation).toBe(false);
    await later.exportToFolder({ name: 'Exports' } as FileSystemDirectoryHandle);
    expect(exportLibrary.mock.calls[1]![0]).toMatchObject({ includeLocation: false });
    // Something unreadable stored under the key is ignored.
    const { manager: fresh } = setup(
      {},
      { storage: memoryStorage({ [INCLUDE_LOCATION_KEY]: '"no"' }) },
    );
    expect(fresh.includeLocation).toBe(true);
  });

  it('shows progress while running, runs one job at a time, and cancels through the signal', async () => {
    const answer = deferred<ExportResult>();
    let signal: AbortSignal | undefined;
    let report: ((p: LibraryIoProgress) => void) | undefined;
    const exportLibrary = vi.fn<LibraryIoClientApi['exportLibrary']>((_r, onProgress, s) => {
      signal = s;
      report = onProgress;
      return answer.promise;
    });
    const { manager } = setup({ exportLibrary });
    const save = vi.fn();
    const running = manager.exportZip(save);
    expect(manager.job).toBe('export');
    report!({ phase: 'thumbnails', done: 120, total: 696 });
    expect(manager.status).toBe('Writing thumbnails: 120 of 696');
    await manager.exportZip(save); // ignored while one runs
    expect(exportLibrary).toHaveBeenCalledTimes(1);
    manager.cancel();
    expect(signal!.aborted).toBe(true);
    answer.resolve({ state: 'cancelled', photos: 0, thumbnails: 0, bytes: 0 });
    await running;
    expect(save).not.toHaveBeenCalled();
    expect(manager.message).toBe('Export cancelled.');
    expect(manager.job).toBeNull();
    expect(manager.status).toBeNull();
  });

  it('does not start while indexing, and says why', async () => {
    const exportLibrary = vi.fn<LibraryIoClientApi['exportLibrary']>();
    const importLibrary = vi.fn<LibraryIoClientApi['importLibrary']>();
    const { manager } = setup(
      { exportLibrary, importLibrary },
      { blocked: () => 'Wait until indexing has finished.' },
    );
    await manager.exportZip(vi.fn());
    await manager.importZip(new Blob([]));
    expect(exportLibrary).not.toHaveBeenCalled();
    expect(importLibrary).not.toHaveBeenCalled();
    expect(manager.error).toBe('Wait until indexing has finished.');
  });

  it('imports, says what came in, and lets the page show the new library', async () => {
    const file = new Blob(['zip']);
    const importLibrary = vi.fn<LibraryIoClientApi['importLibrary']>(() =>
      Promise.resolve<ImportResult>({ state: 'done', photos: 3, thumbnails: 3, scored: 2 }),
    );
    const { manager, onImported } = setup({ importLibrary });
    await manager.importZip(file);
    expect(importLibrary.mock.calls[0]![0]).toEqual({
      profileId: 'tiny-world',
      source: { kind: 'zip', file },
    });
    expect(manager.message).toMatch(
      /^Imported 3 photos with 3 thumbnails, 2 with their beauty scores\. Their originals are not on this device/,
    );
    expect(onImported).toHaveBeenCalledOnce();
  });

  it('shows a refusal as an error and leaves the page as it was', async () => {
    const refused = Object.assign(new Error('This export was made with the model other@1.'), {
      name: 'ImportRefusedError',
    });
    const { manager, onImported } = setup({ importLibrary: () => Promise.reject(refused) });
    await manager.importFiles([{ path: 'x/img_emb/img_emb_0.npy', file: new Blob([]) }]);
    expect(manager.error).toBe(
      'Nothing was imported. This export was made with the model other@1.',
    );
    expect(manager.message).toBeNull();
    expect(onImported).not.toHaveBeenCalled();
    expect(manager.job).toBeNull();

    await manager.importFiles([]);
    expect(manager.error).toBe('The folder is empty.');
  });

  it('reports a failed export with its reason', async () => {
    const { manager } = setup({
      exportLibrary: () => Promise.reject(new Error('Nothing to export: no photo has a vector.')),
    });
    await manager.exportZip(vi.fn());
    expect(manager.error).toBe('Export failed: Nothing to export: no photo has a vector.');
  });
});
