import { describe, expect, it } from 'vitest';
import {
  isHiddenPath,
  rootNameOf,
  sourcesFromDirectoryHandle,
  sourcesFromDrop,
  sourcesFromFileList,
} from './collect-files';

type Tree = { [name: string]: Tree | string | Error };

/** A folder as the File System Access API hands it over; an Error stands for an unreadable file. */
function dirHandle(name: string, tree: Tree): FileSystemDirectoryHandle {
  return {
    kind: 'directory',
    name,
    async *values() {
      for (const [child, value] of Object.entries(tree)) {
        await Promise.resolve(); // the real iterator answers asynchronously
        if (typeof value === 'object' && !(value instanceof Error)) yield dirHandle(child, value);
        else
          yield {
            kind: 'file',
            name: child,
            getFile: () =>
              value instanceof Error
                ? Promise.reject(value)
                : Promise.resolve(new File([value], child)),
          };
      }
    },
  } as unknown as FileSystemDirectoryHandle;
}

/** A dropped folder as webkitGetAsEntry gives it: readEntries answers in batches, then []. */
function entry(fullPath: string, value: Tree | string): FileSystemEntry {
  const name = fullPath.slice(fullPath.lastIndexOf('/') + 1);
  if (typeof value === 'string') {
    return {
      name,
      fullPath,
      isFile: true,
      isDirectory: false,
      file: (ok: (f: File) => void) => ok(new File([value], name)),
    } as unknown as FileSystemEntry;
  }
  const children = Object.entries(value).map(([n, v]) => entry(`${fullPath}/${n}`, v as Tree));
  return {
    name,
    fullPath,
    isFile: false,
    isDirectory: true,
    createReader: () => {
      let at = 0;
      return {
        readEntries: (ok: (batch: FileSystemEntry[]) => void) => {
          const batch = children.slice(at, at + 2);
          at += batch.length;
          queueMicrotask(() => ok(batch));
        },
      };
    },
  } as unknown as FileSystemEntry;
}

const paths = (sources: { path: string }[]) => sources.map((s) => s.path).sort();

describe('collecting files', () => {
  it('leaves out hidden files and the litter of macOS, Windows and NAS boxes', () => {
    for (const p of [
      'a/.DS_Store',
      'a/._IMG_1.jpg',
      'a/Thumbs.db',
      'a/__MACOSX/x.jpg',
      'a/@eaDir/x.jpg',
    ])
      expect(isHiddenPath(p), p).toBe(true);
    expect(isHiddenPath('a/Été à la plage/IMG_1.jpg')).toBe(false);
    const files = ['trip/IMG_1.jpg', 'trip/.hidden/IMG_2.jpg', 'trip/desktop.ini'].map((p) =>
      Object.defineProperty(new File(['x'], p.split('/').pop()!), 'webkitRelativePath', {
        value: p,
      }),
    );
    expect(paths(sourcesFromFileList(files))).toEqual(['trip/IMG_1.jpg']);
  });

  it('walks a picked folder to the bottom, keeps each file’s handle, and passes over unreadable files', async () => {
    const root = dirHandle('Photos', {
      '2024': {
        'IMG_1.jpg': 'a',
        'Summer 🌊': { 'IMG_2.jpg': 'b' },
        '.thumbnails': { 't.jpg': 'c' },
      },
      'gone.jpg': new Error('NotFoundError'),
      'Thumbs.db': 'litter',
    });
    const sources = await sourcesFromDirectoryHandle(root);
    expect(paths(sources)).toEqual(['Photos/2024/IMG_1.jpg', 'Photos/2024/Summer 🌊/IMG_2.jpg']);
    expect(sources.every((s) => s.handle?.kind === 'file')).toBe(true);
    expect(rootNameOf(sources)).toBe('Photos');
  });

  it('reads every batch of a dropped folder, and loose dropped files too', async () => {
    const folder = entry('/Trip', {
      'a.jpg': '1',
      'b.jpg': '2',
      'c.jpg': '3',
      Day2: { 'd.jpg': '4', '.DS_Store': 'x' },
    });
    const loose = entry('/e.jpg', '5');
    const dt = {
      items: [folder, loose].map((e) => ({ kind: 'file', webkitGetAsEntry: () => e })),
      files: [],
    } as unknown as DataTransfer;
    const sources = await sourcesFromDrop(dt);
    expect(paths(sources)).toEqual([
      'Trip/Day2/d.jpg',
      'Trip/a.jpg',
      'Trip/b.jpg',
      'Trip/c.jpg',
      'e.jpg',
    ]);
  });

  it('falls back to the dropped files where the browser gives no entries', async () => {
    const dt = {
      items: [{ kind: 'string', webkitGetAsEntry: () => null }],
      files: [new File(['x'], 'IMG_9.jpg'), new File(['x'], '.hidden.jpg')],
    } as unknown as DataTransfer;
    const sources = await sourcesFromDrop(dt);
    expect(paths(sources)).toEqual(['IMG_9.jpg']);
    expect(rootNameOf(sources)).toBe('Selected photos');
  });
});
