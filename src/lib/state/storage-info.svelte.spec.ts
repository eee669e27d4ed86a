import { afterEach, describe, expect, it, vi } from 'vitest';
import { StorageInfo } from './storage-info.svelte';

/** A browser's storage manager that grants persistence when `grants` says so. */
function fakeStorage(grants: boolean, persistedAtFirst = false) {
  let persisted = persistedAtFirst;
  const storage = {
    estimate: vi.fn(() => Promise.resolve({ usage: 1234, quota: 10_000 })),
    persisted: vi.fn(() => Promise.resolve(persisted)),
    persist: vi.fn(() => {
      if (grants) persisted = true;
      return Promise.resolve(persisted);
    }),
  };
  vi.stubGlobal('navigator', { storage });
  return storage;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('storage that lasts', () => {
  it('does not ask at page load, only reads whether the library is protected', async () => {
    const storage = fakeStorage(true);
    const info = new StorageInfo();
    await info.refresh();
    expect(storage.persist).not.toHaveBeenCalled();
    expect(info.persisted).toBe(false);
    expect([info.usage, info.quota]).toEqual([1234, 10_000]);
  });

  it('asks once a folder is indexed, and shows the library protected when granted', async () => {
    const storage = fakeStorage(true);
    const info = new StorageInfo();
    await info.libraryGrew();
    expect(storage.persist).toHaveBeenCalledTimes(1);
    expect(info.persisted).toBe(true);
    expect(info.refused).toBe(false);
    // A second folder does not ask again.
    await info.libraryGrew();
    expect(storage.persist).toHaveBeenCalledTimes(1);
  });

  it('says when the browser refused, and asks again when the person asks', async () => {
    const storage = fakeStorage(false);
    const info = new StorageInfo();
    await info.libraryGrew();
    expect(info.persisted).toBe(false);
    expect(info.refused).toBe(true);
    await info.libraryGrew();
    expect(storage.persist).toHaveBeenCalledTimes(1);
    expect(await info.persist()).toBe(false);
    expect(storage.persist).toHaveBeenCalledTimes(2);
  });

  it('does not ask a browser that already keeps the library', async () => {
    const storage = fakeStorage(true, true);
    const info = new StorageInfo();
    await info.libraryGrew();
    expect(storage.persist).not.toHaveBeenCalled();
    expect(info.persisted).toBe(true);
  });

  it('cannot say, without failing, where the browser has no storage manager', async () => {
    vi.stubGlobal('navigator', {});
    const info = new StorageInfo();
    await info.refresh();
    await info.libraryGrew();
    expect(info.persisted).toBeNull();
    expect(await info.persist()).toBe(false);
  });
});
