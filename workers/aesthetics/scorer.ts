import { modelKey, type Profile } from '../../src/core/manifest';
import type { LumenDb, ScoreRecord } from '../../src/core/store/db';
import { loadMatrix } from '../../src/core/store/embedding-store';
import { clipIqa } from './clip-iqa';
import { PROMPTS_VERSION, type ScoringProgress } from './protocol';
import { appealScores, pixelStats, type Pixels } from './pixel-stats';
import { applyLinearHead, type LinearHead } from './pth-reader';

/** Bumped when pixel statistics change meaning, so stored ones are recomputed. */
export const PIXEL_STATS_VERSION = 1;

/** Names the exact scorers behind a score, so scores of different models never mix. */
export function scorerKey(profile: Profile): string {
  return `${modelKey(profile.clip)}|${modelKey(profile.aestheticHead)}|iqa${PROMPTS_VERSION}`;
}

export interface ScorerDeps {
  db: LumenDb;
  profile: Profile;
  head: LinearHead;
  /** Unit-length prompt embeddings in CLIP_IQA_PAIRS order (positive, negative, …). */
  prompts: Float32Array[];
  decodeThumbnail(blob: Blob): Promise<Pixels>;
  batchSize?: number;
}

/**
 * Scores every photo that has a vector for the profile's model but lacks scores from
 * these scorers. Works from what the library stores (vectors and thumbnails), so it can
 * follow indexing batch by batch and backfill older photos alike; each batch is
 * committed on its own, so stopping loses nothing.
 */
export class AestheticScorer {
  #cancelled = false;

  constructor(private readonly deps: ScorerDeps) {}

  cancel() {
    this.#cancelled = true;
  }

  async run(onProgress: (p: ScoringProgress) => void): Promise<ScoringProgress> {
    const { db, profile, head, prompts } = this.deps;
    const key = scorerKey(profile);
    const { clip } = profile;
    const matrix = await loadMatrix(db, modelKey(clip), clip.embeddingSize);
    const existing = new Map((await db.getAll('scores')).map((r) => [r.id, r]));
    const todo: number[] = [];
    matrix.ids.forEach((id, row) => {
      const r = existing.get(id);
      // A thumbnail that could not be decoded leaves no pixel record; it is not retried forever.
      if (!r?.models[key] || (r.pixel && r.pixel.version !== PIXEL_STATS_VERSION)) todo.push(row);
    });
    const progress: ScoringProgress = { state: 'running', done: 0, total: todo.length };
    onProgress({ ...progress });
    const batchSize = this.deps.batchSize ?? 32;
    for (let at = 0; at < todo.length; at += batchSize) {
      if (this.#cancelled) return { ...progress, state: 'cancelled' };
      const records: ScoreRecord[] = [];
      for (const row of todo.slice(at, at + batchSize)) {
        const id = matrix.ids[row]!;
        const vector = matrix.vectors.subarray(
          row * clip.embeddingSize,
          (row + 1) * clip.embeddingSize,
        );
        const prev = existing.get(id);
        const record: ScoreRecord = { id, models: { ...(prev?.models ?? {}) } };
        record.models[key] = {
          laion: applyLinearHead(head, vector),
          clipIqa: clipIqa(vector, prompts, clip.logitScale),
        };
        if (prev?.pixel?.version === PIXEL_STATS_VERSION) record.pixel = prev.pixel;
        else {
          const pixel = await this.#pixelScores(id);
          if (pixel) record.pixel = pixel;
        }
        records.push(record);
      }
      const tx = db.transaction(['scores', 'photos', 'meta'], 'readwrite');
      // Scores have their own version counter: bumping the library's would make the search
      // worker reload every vector after each scored batch.
      for (const r of records) {
        // A photo deleted or re-indexed meanwhile keeps no stale score.
        const photo = await tx.objectStore('photos').get(r.id);
        if (photo?.vectors[modelKey(clip)] !== undefined) await tx.objectStore('scores').put(r);
      }
      const version = await tx.objectStore('meta').get('scoresVersion');
      await tx
        .objectStore('meta')
        .put((typeof version === 'number' ? version : 0) + 1, 'scoresVersion');
      await tx.done;
      progress.done += records.length;
      onProgress({ ...progress });
    }
    return { ...progress, state: 'done' };
  }

  async #pixelScores(id: number): Promise<ScoreRecord['pixel']> {
    const { db } = this.deps;
    const [photo, thumb] = await Promise.all([db.get('photos', id), db.get('thumbnails', id)]);
    if (!photo || !thumb) return undefined;
    try {
      const pixels = await this.deps.decodeThumbnail(thumb);
      const stats = pixelStats(pixels, photo.width || pixels.width, photo.height || pixels.height);
      return { version: PIXEL_STATS_VERSION, stats, appeal: appealScores(stats) };
    } catch {
      return undefined;
    }
  }
}
