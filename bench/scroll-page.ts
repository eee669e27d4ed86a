// Runs inside Chromium for bench/scroll-bench.mjs: fills the app's own library (the database
// the app opens) with n photos of a profile's model through the store's API, so that the
// app can then be opened on it and scrolled.
import { getProfile, modelKey } from '../src/core/manifest';
import { openLibraryDb } from '../src/core/store/db';
import { savePromptVectors } from '../src/core/store/prompt-store';
import { commitBatch, type PhotoWrite } from '../src/core/store/photo-store';
import { writeScores, type ScoreEntry } from '../src/core/store/score-store';
import { normalize } from '../src/core/vectors';
import { CLIP_IQA_PAIRS, PROMPTS_VERSION, promptTexts } from '../workers/aesthetics/protocol';
import {
  PIXEL_STATS_VERSION,
  libraryState,
  scoredKey,
  scorerKey,
} from '../workers/aesthetics/scorer';
import { gaussian, mulberry32 } from '../workers/tuning/random';
import { deleteDb } from './page-common';

/** `count` photos numbered from `at`, as a camera folder names them, with random unit vectors. */
export function cameraPhotoWrites(
  at: number,
  count: number,
  dim: number,
  normal: () => number,
): PhotoWrite[] {
  return Array.from({ length: count }, (_, i) => {
    const k = at + i;
    const v = Float32Array.from({ length: dim }, normal);
    const norm = Math.hypot(...v);
    const name = `IMG_${String(k).padStart(6, '0')}.jpg`;
    return {
      fields: {
        path: `Photos/${2000 + (k % 25)}/${name}`,
        name,
        size: 4_000_000 + k,
        lastModified: 1_700_000_000_000 + k,
        width: 4000,
        height: 3000,
        hash: k.toString(16).padStart(64, '0'),
        mime: 'image/jpeg',
      },
      // Taken over 25 years, a few photos a day, so a list by time has month headings.
      metadata: {
        takenAt: Date.UTC(2000 + (k % 25), Math.floor(k / 25) % 12, 1 + (k % 28), 12),
        takenSource: 'exif',
        camera: k % 3 ? 'Apple iPhone 13' : 'Canon EOS 5D',
      },
      vector: v.map((x) => x / norm),
    };
  });
}

/**
 * Writes n photos (random unit vectors and aesthetic scores, no thumbnails) in batches of
 * 1,000, as a library that finished indexing and scoring; returns ms.
 */
export async function fillAppLibrary(n: number, profileId: string): Promise<number> {
  await deleteDb();
  const profile = getProfile(profileId);
  const { clip } = profile;
  const key = scorerKey(profile);
  const pairs = CLIP_IQA_PAIRS.map((p) => p.name);
  const random = mulberry32(12);
  const model = modelKey(clip);
  const dim = clip.embeddingSize;
  const normal = gaussian(mulberry32(11));
  const db = await openLibraryDb();
  const started = performance.now();
  for (let at = 0; at < n; at += 1000) {
    const writes = cameraPhotoWrites(at, Math.min(1000, n - at), dim, normal);
    const ids = await commitBatch(db, { model, dim, writes, touched: [], skipped: [] });
    const entries: ScoreEntry[] = ids.map((id) => ({
      id,
      key,
      pairs,
      pixelVersion: PIXEL_STATS_VERSION,
      model: {
        laion: 1 + 9 * random(),
        clipIqa: Object.fromEntries(pairs.map((p) => [p, random()])),
      },
      stats: {
        sharpness: 500 * random(),
        meanLuminance: random(),
        shadowClip: 0.01 * random(),
        highlightClip: 0.01 * random(),
        contrast: 0.3 * random(),
        colourfulness: 80 * random(),
        megapixels: 12,
        noise: 3 * random(),
      },
    }));
    const tx = db.transaction(['scores', 'meta', 'blocks'], 'readwrite');
    await writeScores(tx, entries);
    await tx.done;
  }
  // A library scored before has its prompts' embeddings kept from then (prompt-store.ts), so
  // opening it needs no text tower; these stand in for them, as the scores above do.
  const prompts = promptTexts().map(() => normalize(Float32Array.from({ length: dim }, normal)));
  await savePromptVectors(db, model, PROMPTS_VERSION, prompts);
  // And its scorer finished there: a start does not read the library again to find work.
  await db.put('meta', await libraryState(db, model), scoredKey(profile));
  db.close();
  return performance.now() - started;
}
