import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import type { MetadataFillResult } from '../../../workers/embedding/protocol';
import { openLibraryDb } from '../../core/store/db';
import { writeMetadata } from '../../core/store/metadata-store';
import { photoRecord } from '../../core/store/test-photos';
import { MetadataFillState, type MetadataFillClientApi } from './metadata-fill.svelte';
import { photosMissingMetadata, type MissingMetadata } from './missing-metadata';

type Permission = 'granted' | 'prompt' | 'denied';

/** A handle whose permission starts at `now` and becomes `answer` when asked. */
function permissioned(now: Permission, answer: Permission = now) {
  let state = now;
  return {
    queryPermission: vi.fn(() => Promise.resolve(state)),
    requestPermission: vi.fn(() => Promise.resolve((state = answer))),
  };
}

function fileHandle(path: string, now: Permission = 'prompt', answer: Permission = now) {
  const name = path.split('/').pop()!;
  return Object.assign(permissioned(now, answer), {
    kind: 'file',
    name,
    getFile: vi.fn(() => Promise.resolve(new File(['jpeg'], name))),
  });
}

/** A folder handle granting read, after which its files' handles are readable too. */
function folderHandle(name: string, answer: Permission, files: ReturnType<typeof fileHandle>[]) {
  const folder = permissioned('prompt', answer);
  folder.requestPermission.mockImplementation(() => {
    if (answer === 'granted') for (const f of files) f.queryPermission.mockResolvedValue('granted');
    return Promise.resolve(answer);
  });
  return Object.assign(folder, { kind: 'directory', name });
}

const done = (r: Partial<MetadataFillResult> = {}): MetadataFillResult => ({
  filled: 0,
  already: 0,
  changed: 0,
  unknown: 0,
  unreadable: 0,
  ...r,
});

function setup(
  missing: MissingMetadata,
  fillMetadata: MetadataFillClientApi['fillMetadata'],
  exclusive?: <T>(task: () => Promise<T>) => Promise<T>,
) {
  const onFilled = vi.fn(() => Promise.resolve());
  let current = missing;
  const state = new MetadataFillState({
    ...(exclusive ? { exclusive } : {}),
    client: { fillMetadata: vi.fn(fillMetadata) },
    missing: () => Promise.resolve(current),
    blocked: () => null,
    onFilled: async () => {
      current = { readable: [], withoutHandle: missing.withoutHandle, folders: new Map() };
      await onFilled();
    },
  });
  return { state, onFilled };
}

const asHandles = <T>(value: T) => value as unknown as FileSystemFileHandle;

describe('photos missing dates and places', () => {
  it('finds the stored photos without metadata, and which of them can be read again', async () => {
    const db = await openLibraryDb('metadata-fill-spec');
    // A plain object stands in for a handle: what IndexedDB stores of one is its identity.
    const handle = asHandles({ kind: 'file', name: '2.jpg' });
    const folder = { kind: 'directory', name: 'beach' } as unknown as FileSystemDirectoryHandle;
    await db.put('photos', photoRecord(1, { path: 'beach/1.jpg', handle }));
    await db.put('photos', photoRecord(2, { path: 'beach/2.jpg', handle }));
    await db.put('photos', photoRecord(3, { path: 'garden/3.jpg' }));
    await db.put('folders', { name: 'beach', addedAt: 1, handle: folder });
    await writeMetadata(db, [{ id: 1, metadata: { takenAt: 0, takenSource: 'file' } }]);

    const missing = await photosMissingMetadata(db);
    expect(missing.readable.map((r) => r.path)).toEqual(['beach/2.jpg']);
    expect(missing.withoutHandle).toBe(1);
    expect([...missing.folders.keys()]).toEqual(['beach']);

    await writeMetadata(db, [
      { id: 2, metadata: {} },
      { id: 3, metadata: {} },
    ]);
    expect(await photosMissingMetadata(db)).toEqual({
      readable: [],
      withoutHandle: 0,
      folders: new Map(),
    });
  });
});

describe('metadata fill state', () => {
  it('asks once for a folder, reads its files, and refreshes the library after', async () => {
    const files = [fileHandle('beach/1.jpg'), fileHandle('beach/2.jpg')];
    const folder = folderHandle('beach', 'granted', files);
    const missing: MissingMetadata = {
      readable: [
        { path: 'beach/1.jpg', handle: asHandles(files[0]) },
        { path: 'beach/2.jpg', handle: asHandles(files[1]) },
      ],
      withoutHandle: 3,
      folders: new Map([['beach', folder as unknown as FileSystemDirectoryHandle]]),
    };
    const { state, onFilled } = setup(missing, (request, onProgress) => {
      onProgress({ done: 1, total: 2, filled: 1 });
      expect(state.status).toBe('Reading dates and places: 1 of 2');
      expect(state.running).toBe(true);
      return Promise.resolve(done({ filled: 1, changed: 1 }));
    });
    await state.refresh();
    expect(state.count).toBe(5);
    expect(state.readableCount).toBe(2);

    await state.readAll();
    expect(folder.requestPermission).toHaveBeenCalledOnce();
    for (const f of files) expect(f.requestPermission).not.toHaveBeenCalled();
    expect(state.message).toBe(
      'Read the dates and places of 1 photo. 1 file changed since added: add its folder again to index it.',
    );
    expect(onFilled).toHaveBeenCalledOnce();
    expect(state.count).toBe(3);
    expect(state.readableCount).toBe(0);
    expect(state.running).toBe(false);
    expect(state.status).toBeNull();
  });

  it('sends each readable file under its stored path, holding the library-write lock', async () => {
    const file = fileHandle('2.jpg', 'granted');
    let locked = false;
    const fillMetadata = vi.fn<MetadataFillClientApi['fillMetadata']>(() => {
      expect(locked).toBe(true);
      return Promise.resolve(done({ filled: 1 }));
    });
    const exclusive = async <T>(task: () => Promise<T>) => {
      locked = true;
      try {
        return await task();
      } finally {
        locked = false;
      }
    };
    const { state } = setup(
      {
        readable: [{ path: '2.jpg', handle: asHandles(file) }],
        withoutHandle: 0,
        folders: new Map(),
      },
      fillMetadata,
      exclusive,
    );
    await state.refresh();
    await state.readAll();
    expect(state.error).toBeNull();
    const { sources } = fillMetadata.mock.calls[0]![0];
    expect(sources.map((s) => [s.path, s.file.name])).toEqual([['2.jpg', '2.jpg']]);
    expect(file.requestPermission).not.toHaveBeenCalled();
  });

  it('stops asking after a no, and says so when nothing could be read', async () => {
    const files = [fileHandle('a.jpg', 'prompt', 'denied'), fileHandle('b.jpg')];
    const fillMetadata = vi.fn<MetadataFillClientApi['fillMetadata']>();
    const { state, onFilled } = setup(
      {
        readable: files.map((f) => ({ path: f.name, handle: asHandles(f) })),
        withoutHandle: 0,
        folders: new Map(),
      },
      fillMetadata,
    );
    await state.refresh();
    await state.readAll();
    expect(files[0]!.requestPermission).toHaveBeenCalledOnce();
    expect(files[1]!.requestPermission).not.toHaveBeenCalled();
    expect(fillMetadata).not.toHaveBeenCalled();
    expect(onFilled).not.toHaveBeenCalled();
    expect(state.error).toBe('The browser did not allow Lumen to read the files.');
    expect(state.count).toBe(2);
  });

  it('cancels through the signal and keeps what was read', async () => {
    const file = fileHandle('a.jpg', 'granted');
    let signal: AbortSignal | undefined;
    const { state, onFilled } = setup(
      {
        readable: [{ path: 'a.jpg', handle: asHandles(file) }],
        withoutHandle: 0,
        folders: new Map(),
      },
      (_request, _onProgress, s) => {
        signal = s;
        state.cancel();
        return Promise.resolve(done({ filled: 1 }));
      },
    );
    await state.refresh();
    await state.readAll();
    expect(signal!.aborted).toBe(true);
    expect(state.message).toBe('Stopped. Read the dates and places of 1 photo.');
    expect(onFilled).toHaveBeenCalledOnce();
  });

  it('asks nothing while the library is busy, and says why', async () => {
    const file = fileHandle('a.jpg');
    const fillMetadata = vi.fn<MetadataFillClientApi['fillMetadata']>();
    const state = new MetadataFillState({
      client: { fillMetadata },
      missing: () =>
        Promise.resolve({
          readable: [{ path: 'a.jpg', handle: asHandles(file) }],
          withoutHandle: 0,
          folders: new Map(),
        }),
      blocked: () => 'Wait until indexing has finished.',
      onFilled: () => Promise.resolve(),
    });
    await state.refresh();
    await state.readAll();
    expect(file.queryPermission).not.toHaveBeenCalled();
    expect(fillMetadata).not.toHaveBeenCalled();
    expect(state.error).toBe('Wait until indexing has finished.');
  });
});
