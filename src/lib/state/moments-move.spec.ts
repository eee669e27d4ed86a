import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openLibraryDb } from '../../core/store/db';
import { photoRecord } from '../../core/store/test-photos';
import { isHiddenPath } from '../files/collect-files';
import { moveRejected } from './moments-move';

/** An in-memory folder with the parts of FileSystemDirectoryHandle the move uses. */
class FakeDir {
  readonly kind = 'directory';
  readonly dirs = new Map<string, FakeDir>();
  readonly files = new Map<string, FakeFile>();
  constructor(
    readonly name: string,
    private readonly permission: PermissionState = 'granted',
  ) {}
  queryPermission() {
    return Promise.resolve(this.permission);
  }
  requestPermission() {
    return Promise.resolve(this.permission);
  }
  getDirectoryHandle(name: string, options?: { create?: boolean }) {
    let dir = this.dirs.get(name);
    if (!dir && options?.create) this.dirs.set(name, (dir = new FakeDir(name)));
    return dir ? Promise.resolve(dir) : Promise.reject(new DOMException(name, 'NotFoundError'));
  }
  getFileHandle(name: string, options?: { create?: boolean }) {
    let file = this.files.get(name);
    if (!file && options?.create) this.files.set(name, (file = new FakeFile(name, '')));
    return file ? Promise.resolve(file) : Promise.reject(new DOMException(name, 'NotFoundError'));
  }
  removeEntry(name: string) {
    this.files.delete(name);
    return Promise.resolve();
  }
}

class FakeFile {
  readonly kind = 'file';
  constructor(
    readonly name: string,
    public body: string,
  ) {}
  getFile() {
    return Promise.resolve(new File([this.body], this.name));
  }
  createWritable() {
    return Promise.resolve({
      write: async (f: File) => void (this.body = await f.text()),
      close: () => Promise.resolve(),
    });
  }
}

let n = 0;

async function library(permission: PermissionState = 'granted') {
  const db = await openLibraryDb(`moments-move-${++n}`);
  const root = new FakeDir('trip', permission);
  const day = new FakeDir('day1');
  root.dirs.set('day1', day);
  day.files.set('a.jpg', new FakeFile('a.jpg', 'AAAA'));
  day.files.set('b.jpg', new FakeFile('b.jpg', 'BB'));
  // Passed as they are: a stored fake would lose its methods in IndexedDB's clone.
  const folders = [
    { name: 'trip', addedAt: 1, handle: root as unknown as FileSystemDirectoryHandle },
    { name: 'elsewhere', addedAt: 1 },
  ];
  await db.put('photos', photoRecord(1, { path: 'trip/day1/a.jpg' }));
  await db.put('photos', photoRecord(2, { path: 'trip/day1/b.jpg' }));
  await db.put('photos', photoRecord(3, { path: 'elsewhere/c.jpg' }));
  return { db, root, day, folders };
}

describe('moving rejected photos', () => {
  it('moves them into “Lumen rejected”, and their stored paths and handles follow', async () => {
    const { db, root, day, folders } = await library();
    const result = await moveRejected(db, [1, 3], folders);
    expect(result.moved).toBe(1);
    expect([...day.files.keys()]).toEqual(['b.jpg']);
    const moved = root.dirs.get('Lumen rejected')!.dirs.get('day1')!.files.get('a.jpg')!;
    expect(moved.body).toBe('AAAA');
    const record = await db.get('photos', 1);
    expect(record?.path).toBe('trip/Lumen rejected/day1/a.jpg');
    expect(record?.handle?.name).toBe('a.jpg');
    // The folder picked as files only cannot be written: said why, nothing changed.
    expect(result.notMoved).toEqual([
      { folder: 'elsewhere', why: expect.stringContaining('not the folder') as string },
    ]);
    expect((await db.get('photos', 3))?.path).toBe('elsewhere/c.jpg');
    // Moving again does nothing more, and the subfolder is left out when the folder is added again.
    expect((await moveRejected(db, [1], folders)).moved).toBe(0);
    expect(isHiddenPath('trip/Lumen rejected/day1/a.jpg')).toBe(true);
  });

  it('says why and moves nothing where the browser refuses writing', async () => {
    const { db, day, folders } = await library('denied');
    const result = await moveRejected(db, [1, 2], folders);
    expect(result.moved).toBe(0);
    expect(result.notMoved[0]?.why).toMatch(/did not allow Lumen to change “trip”/);
    expect([...day.files.keys()]).toEqual(['a.jpg', 'b.jpg']);
  });
});
