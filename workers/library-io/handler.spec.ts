import { describe, expect, it } from 'vitest';
import { LibraryIoHandler } from './handler';
import type { LibraryIoApi } from './protocol';

// As workers/shared/handler-surface.spec.ts does for the other workers: Comlink reaches every
// property name up the prototype chain, so the handler must offer its protocol and no more.
const api: Record<keyof LibraryIoApi, true> = {
  exportLibrary: true,
  importLibrary: true,
  cancel: true,
};

function reachable(obj: object): string[] {
  const names = new Set<string>();
  for (let o: object | null = obj; o && o !== Object.prototype; o = Reflect.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) if (name !== 'constructor') names.add(name);
  }
  return [...names].sort();
}

describe('library-io handler', () => {
  it('offers exactly its protocol through Comlink', () => {
    expect(reachable(new LibraryIoHandler())).toEqual(Object.keys(api).sort());
  });

  it('runs one export or import at a time', async () => {
    let release!: () => void;
    const gate = new Promise<never>((_, reject) => {
      release = () => reject(new Error('closed'));
    });
    const handler = new LibraryIoHandler(() => gate);
    const first = handler.exportLibrary(
      { profileId: 'tiny-world', name: 'x', dtype: 'float32', thumbnails: false },
      () => undefined,
    );
    await expect(
      handler.importLibrary(
        { profileId: 'tiny-world', source: { kind: 'files', files: [] } },
        () => undefined,
      ),
    ).rejects.toThrow(/already running/);
    release();
    await expect(first).rejects.toThrow('closed');
  });
});
