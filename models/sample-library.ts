// Builds the sample library (docs/sample-library.md): the tiny-world fixture photos, embedded
// and scored in Node by the workers' own code (models/tiny-world-harness.ts), stored in a fake
// IndexedDB exactly as indexing stores them, then written by the library exporter itself, so the
// sample is an ordinary Lumen export that the page's import reads like any other.
// Run through scripts/build-sample-library.mjs (Vite's SSR loader).
import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openLibraryDb } from '../src/core/store/db';
import { commitBatch, type PhotoWrite } from '../src/core/store/photo-store';
import { legacyEntries, writeScores } from '../src/core/store/score-store';
import { SAMPLE_FOLDER } from '../src/core/sample-library';
import { loadTinyWorld, fixtureDir, root } from './tiny-world-harness';
import { modelKey } from '../src/core/manifest';
import { readMetadata } from '../workers/embedding/read-metadata';
import { placeNamer } from '../workers/embedding/place-names';
import { buildPlaceIndex } from '../workers/places/place-lookup';
import { ZipSink } from '../workers/library-io/archive';
import { exportLibrary } from '../workers/library-io/exporter';

/** Files without EXIF are dated by their file's time: a fixed one, so the sample is the same each build. */
const FILE_TIME = Date.UTC(2024, 5, 1, 12, 0, 0);

export interface SampleBuild {
  zip: Uint8Array;
  photos: number;
  thumbnails: number;
}

/**
 * `thumbnail` makes a photo's thumbnail as indexing does (WebP at quality 0.82 of the working
 * copy; the fixture's 128-pixel photos are smaller than that, so at their own size).
 */
export async function buildSample(
  thumbnail: (bytes: Uint8Array) => Promise<Blob>,
  log: (line: string) => void = () => undefined,
): Promise<SampleBuild> {
  const world = await loadTinyWorld();
  const { profile, truth, dim } = world;
  const model = modelKey(profile.clip);
  const db = await openLibraryDb(`lumen-sample-${Date.now()}`);
  const places = buildPlaceIndex(readFileSync(path.join(root, 'public/places/cities.bin')));
  const name = placeNamer(() => Promise.resolve(places));
  const ids: number[] = [];
  const BATCH = 128;
  for (let at = 0; at < truth.images.length; at += BATCH) {
    const writes: PhotoWrite[] = [];
    for (let i = at; i < Math.min(truth.images.length, at + BATCH); i++) {
      const img = truth.images[i]!;
      const bytes = new Uint8Array(readFileSync(path.join(fixtureDir, img.path)));
      const relative = img.path.replace(/^photos\//, '');
      const metadata = await readMetadata(bytes.slice().buffer, FILE_TIME);
      const png = relative.endsWith('.png');
      writes.push({
        fields: {
          path: `${SAMPLE_FOLDER}/${relative}`,
          name: path.basename(relative),
          size: bytes.byteLength,
          lastModified: FILE_TIME,
          width: 128,
          height: 128,
          hash: createHash('sha256').update(bytes).digest('hex'),
          mime: png ? 'image/png' : 'image/jpeg',
        },
        thumbnail: await thumbnail(bytes),
        vector: world.vectorOf(i + 1).slice(),
        metadata,
      });
    }
    await name(writes);
    ids.push(...(await commitBatch(db, { model, dim, writes, touched: [], skipped: [] })));
    log(`stored ${ids.length} of ${truth.images.length}`);
  }
  // The harness's records are numbered 1…n in ground-truth order; ids are in that order too.
  const tx = db.transaction(['scores', 'meta', 'blocks'], 'readwrite');
  await writeScores(
    tx,
    world.records.flatMap((r) => legacyEntries({ ...r, id: ids[r.id - 1]! })),
  );
  await tx.done;
  const sink = new ZipSink(1 << 20);
  const outcome = await exportLibrary({
    db,
    profile,
    sink,
    options: { dtype: 'float32', thumbnails: true, includeLocation: true },
    cancelled: () => false,
    onProgress: () => undefined,
  });
  db.close();
  const zip = new Uint8Array(await sink.finish().arrayBuffer());
  return { zip, photos: outcome.photos, thumbnails: outcome.thumbnails };
}
