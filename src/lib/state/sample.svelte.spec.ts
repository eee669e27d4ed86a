import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { openLibraryDb } from '../../core/store/db';
import { photoRecord } from '../../core/store/test-photos';
import {
  asksForSample,
  SAMPLE_FOLDER,
  SAMPLE_PROFILE,
  sampleHref,
  withoutSampleRequest,
} from '../../core/sample-library';
import { FoldersManager } from './folders.svelte';
import { readWithProgress, removeFolderNow, SampleLibrary, type SampleDeps } from './sample.svelte';

function fake(over: Partial<SampleDeps> = {}) {
  let folders: { name: string; photos: number }[] = [];
  let importError: string | null = null;
  const deps = {
    profileId: SAMPLE_PROFILE,
    download: vi.fn((onProgress: (loaded: number, total: number) => void) => {
      onProgress(10, 20);
      return Promise.resolve(new Blob(['zip']));
    }),
    importZip: vi.fn(() => {
      folders = [{ name: SAMPLE_FOLDER, photos: 912 }];
      return Promise.resolve();
    }),
    importError: () => importError,
    importStatus: () => 'Storing photos: 1 of 912',
    photos: () => folders.reduce((n, f) => n + f.photos, 0),
    folders: () => folders,
    removeFolder: vi.fn((name: string) => {
      folders = folders.filter((f) => f.name !== name);
      return Promise.resolve(null);
    }),
    openProfile: vi.fn(),
    forgetQuery: vi.fn(),
    forgetRequest: vi.fn(),
    requested: () => false,
    ...over,
  } satisfies SampleDeps;
  return {
    deps,
    sample: new SampleLibrary(deps),
    setFolders: (f: typeof folders) => (folders = f),
    refuse: (message: string) => (importError = message),
  };
}

describe('trying the sample', () => {
  it('on another model, starts the page again on the built-in one, asking for the sample', async () => {
    const { sample, deps } = fake({ profileId: 'default' });
    await sample.tryIt();
    expect(deps.openProfile).toHaveBeenCalledWith(SAMPLE_PROFILE, true);
    expect(deps.download).not.toHaveBeenCalled();
    expect(sample.status).toBe('Starting the built-in model…');
  });

  it('on the built-in model, downloads the sample and imports it through the library import', async () => {
    const seen: (string | null)[] = [];
    const zip = new Blob(['zip']);
    const ref: { sample?: SampleLibrary } = {};
    const importZip = vi.fn((_zip: Blob) => {
      seen.push(ref.sample!.status);
      return Promise.resolve();
    });
    const made = fake({
      download: (onProgress) => {
        onProgress(1024, 2048);
        seen.push(ref.sample!.status);
        return Promise.resolve(zip);
      },
      importZip,
    });
    const sample = (ref.sample = made.sample);
    expect(sample.loaded).toBe(false);
    await sample.tryIt();
    expect(seen).toEqual(['Downloading the sample: 1.0 KB of 2.0 KB', 'Storing photos: 1 of 912']);
    expect(importZip.mock.calls[0]?.[0]).toBe(zip);
    expect(made.deps.openProfile).not.toHaveBeenCalled();
    expect(sample.busy).toBe(false);
    expect(sample.error).toBeNull();
  });

  it('says so when the download fails, and imports nothing', async () => {
    const { sample, deps } = fake({
      download: vi.fn(() => Promise.reject(new Error('HTTP 404'))),
    });
    await sample.tryIt();
    expect(deps.importZip).not.toHaveBeenCalled();
    expect(sample.error).toBe(
      'The sample could not be downloaded (HTTP 404). Nothing was changed; check the connection and try again.',
    );
    expect(sample.busy).toBe(false);
  });

  it("passes on the import's refusal", async () => {
    const { sample, refuse } = fake();
    refuse('Nothing was imported. The library is not empty.');
    await sample.tryIt();
    expect(sample.error).toBe(
      'The sample could not be loaded. Nothing was imported. The library is not empty.',
    );
  });

  it('is not offered over a library that already holds photos', async () => {
    const { sample, deps, setFolders } = fake({ profileId: 'default' });
    setFolders([{ name: 'Holiday', photos: 3 }]);
    expect(sample.unavailable).toMatch(/only loads into an empty library.*3 photos/);
    await sample.tryIt();
    expect(deps.openProfile).not.toHaveBeenCalled();
    expect(sample.error).toBe(sample.unavailable);
  });

  it('imports at start only when the address asks, and takes the request out of it', async () => {
    const quiet = fake();
    await quiet.sample.resume();
    expect(quiet.deps.download).not.toHaveBeenCalled();

    const asked = fake({ requested: () => true });
    await asked.sample.resume();
    expect(asked.deps.forgetRequest).toHaveBeenCalled();
    expect(asked.deps.importZip).toHaveBeenCalledTimes(1);
    expect(asked.sample.loaded).toBe(true);
    // A reload with the request still there would not import it twice.
    await asked.sample.resume();
    expect(asked.deps.importZip).toHaveBeenCalledTimes(1);

    const wrongModel = fake({ requested: () => true, profileId: 'default' });
    await wrongModel.sample.resume();
    expect(wrongModel.deps.download).not.toHaveBeenCalled();
  });
});

describe('leaving the sample', () => {
  it('removes the sample folder, then goes back to the default model', async () => {
    const { sample, deps, setFolders } = fake();
    setFolders([
      { name: SAMPLE_FOLDER, photos: 912 },
      { name: 'Mine', photos: 2 },
    ]);
    expect(sample.loaded).toBe(true);
    await sample.leave();
    expect(deps.removeFolder).toHaveBeenCalledWith(SAMPLE_FOLDER);
    expect(deps.openProfile).toHaveBeenCalledWith('default', false);
    // The sample's last query would make the default model download itself to answer it.
    expect(deps.forgetQuery).toHaveBeenCalled();
    expect(sample.status).toBe('Going back to the default model…');
  });

  it('stays, and says why, when the photos could not be removed', async () => {
    const { sample, deps, setFolders } = fake({
      removeFolder: vi.fn(() => Promise.resolve('wait until indexing has finished.')),
    });
    setFolders([{ name: SAMPLE_FOLDER, photos: 912 }]);
    await sample.leave();
    expect(deps.openProfile).not.toHaveBeenCalled();
    expect(sample.error).toBe('The sample is still here: wait until indexing has finished.');
    expect(sample.busy).toBe(false);
  });

  it('on the default model already, only removes the photos', async () => {
    const { sample, deps, setFolders } = fake({ profileId: 'default' });
    setFolders([{ name: SAMPLE_FOLDER, photos: 912 }]);
    await sample.leave();
    expect(deps.removeFolder).toHaveBeenCalled();
    expect(deps.openProfile).not.toHaveBeenCalled();
  });
});

describe('removing the sample folder', () => {
  async function library(blocked: string | null = null) {
    const db = await openLibraryDb(`sample-spec-${Math.random()}`);
    const paths = [
      `${SAMPLE_FOLDER}/garden/0001.jpg`,
      `${SAMPLE_FOLDER}/winter/0002.png`,
      'Mine/IMG_1.jpg',
      // Named like the sample's folder, but another folder.
      `${SAMPLE_FOLDER} 2/IMG_2.jpg`,
    ];
    for (const [i, path] of paths.entries()) await db.put('photos', photoRecord(i + 1, { path }));
    const notify = vi.fn();
    const folders = new FoldersManager({
      db: () => Promise.resolve(db),
      blocked: () => blocked,
      onRemoved: () => Promise.resolve(),
      notify,
    });
    await folders.refresh();
    return { db, folders, notify };
  }

  it("removes the sample's photos and keeps the person's own", async () => {
    const { db, folders } = await library();
    expect(await removeFolderNow(folders, SAMPLE_FOLDER)).toBeNull();
    expect((await db.getAll('photos')).map((p) => p.path)).toEqual([
      'Mine/IMG_1.jpg',
      `${SAMPLE_FOLDER} 2/IMG_2.jpg`,
    ]);
    expect(folders.question).toBeNull();
  });

  it('removes nothing while the library is busy, and says so', async () => {
    const { db, folders } = await library('Indexing runs.');
    expect(await removeFolderNow(folders, SAMPLE_FOLDER)).toMatch(/^wait until/);
    expect(await db.count('photos')).toBe(4);
  });
});

describe('the address', () => {
  it('asks for the sample on a profile, and forgets the request keeping the view', () => {
    const href = sampleHref('https://x.test/lumen/?profile=default#tune', 'tiny-world', true);
    expect(href).toBe('https://x.test/lumen/?profile=tiny-world&sample=try');
    expect(asksForSample(href)).toBe(true);
    expect(withoutSampleRequest(`${href}#search`)).toBe(
      'https://x.test/lumen/?profile=tiny-world#search',
    );
    const back = sampleHref(href, 'default', false);
    expect(back).toBe('https://x.test/lumen/?profile=default');
    expect(asksForSample(back)).toBe(false);
  });
});

describe('reading the download', () => {
  it('reports bytes as they arrive and keeps them all', async () => {
    const body = new Uint8Array(100_000).map((_, i) => i % 251);
    const response = new Response(body, { headers: { 'Content-Length': '100000' } });
    const seen: [number, number][] = [];
    const blob = await readWithProgress(response, (l, t) => seen.push([l, t]));
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(body);
    expect(seen.at(-1)).toEqual([100_000, 100_000]);
  });

  it('refuses an error response', async () => {
    await expect(
      readWithProgress(new Response('gone', { status: 404 }), () => undefined),
    ).rejects.toThrow('HTTP 404');
  });
});
