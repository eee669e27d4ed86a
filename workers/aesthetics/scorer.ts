import { modelKey, type Profile } from '../../src/core/manifest';
import type { LumenDb } from '../../src/core/store/db';
import { concatBlocks } from '../../src/core/store/embedding-store';
import type { PixelStats } from '../../src/core/store/pixel-scores';
import {
  latestScores,
  readScores,
  rowStats,
  rowThrough,
  writeScores,
  type ScoreEntry,
} from '../../src/core/store/score-store';
import { clipIqa } from './clip-iqa';
import { CLIP_IQA_PAIRS, PROMPTS_VERSION, type ScoringProgress } from './protocol';
import { pixelStats, type Pixels } from './pixel-stats';
import { applyLinearHead, type LinearHead } from './pth-reader';

/** Bumped when pixel statistics change meaning, so stored ones are recomputed. */
export const PIXEL_STATS_VERSION = 1;

/** Names the exact scorers behind a score, so scores of different models never mix. */
export function scorerKey(profile: Profile): string {
  return `${modelKey(profile.clip)}|${modelKey(profile.aestheticHead)}|iqa${PROMPTS_VERSION}`;
}

/**
 * What a finished run depends on: the model's vector blocks (every new or re-indexed photo
 * adds one; compaction rewrites in place, same vectors) and the library's version.
 */
export async function libraryState(db: LumenDb, model: string): Promise<string> {
  const tx = db.transaction(['blocks', 'meta']);
  const byModel = tx.objectStore('blocks').index('model');
  const [count, newest, version] = await Promise.all([
    byModel.count(model),
    byModel.openKeyCursor(IDBKeyRange.only(model), 'prev').then((c) => c?.primaryKey ?? 0),
    tx.objectStore('meta').get('libraryVersion'),
  ]);
  return JSON.stringify([count, newest, version ?? 0]);
}

/** Where a finished run keeps the library state it scored (`libraryState`). */
export function scoredKey(profile: Profile): string {
  return `scoredLibrary|${scorerKey(profile)}|px${PIXEL_STATS_VERSION}`;
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
    const model = modelKey(clip);
    const dim = clip.embeddingSize;
    // A library scored to the end and unchanged since is not read again: at 100k photos that
    // read takes a core for seconds at every start.
    const finished = scoredKey(profile);
    const state = await libraryState(db, model);
    if ((await db.get('meta', finished)) === state) {
      onProgress({ state: 'running', done: 0, total: 0 });
      return { state: 'done', done: 0, total: 0 };
    }
    const vectorBlocks = await db.getAllFromIndex('blocks', 'model', model);
    const matrix = concatBlocks(model, dim, vectorBlocks);
    // Each photo's vector block: a score is of this vector only while no newer block holds it.
    const blockOf = new Map<number, number>();
    for (const b of vectorBlocks) for (const id of b.ids) blockOf.set(id, b.id!);
    const existing = latestScores(
      (await readScores(db)).blocks,
      (id, ref) => (blockOf.get(id) ?? 0) <= rowThrough(ref),
    );
    const todo: number[] = [];
    const rowOf = new Map<number, number>();
    matrix.ids.forEach((id, row) => rowOf.set(id, row));
    for (const [id, row] of rowOf) {
      const mine = existing.get(id)?.models.get(key);
      // A thumbnail that could not be decoded leaves no statistics; it is not retried forever.
      const stale = mine && rowStats(mine) && mine.block.pixelVersion !== PIXEL_STATS_VERSION;
      if (!mine || stale) todo.push(row);
    }
    const pairs = CLIP_IQA_PAIRS.map((p) => p.name);
    const progress: ScoringProgress = { state: 'running', done: 0, total: todo.length };
    onProgress({ ...progress });
    const batchSize = this.deps.batchSize ?? 32;
    for (let at = 0; at < todo.length; at += batchSize) {
      if (this.#cancelled) return { ...progress, state: 'cancelled' };
      const entries: ScoreEntry[] = [];
      for (const row of todo.slice(at, at + batchSize)) {
        const id = matrix.ids[row]!;
        const vector = matrix.vectors.subarray(row * dim, (row + 1) * dim);
        const prev = existing.get(id)?.pixel;
        const stats =
          prev && prev.block.pixelVersion === PIXEL_STATS_VERSION
            ? rowStats(prev)!
            : await this.#pixelStats(id);
        entries.push({
          id,
          key,
          pairs,
          pixelVersion: PIXEL_STATS_VERSION,
          model: {
            laion: applyLinearHead(head, vector),
            clipIqa: clipIqa(vector, prompts, clip.logitScale),
          },
          ...(stats ? { stats } : {}),
        });
      }
      const tx = db.transaction(['scores', 'photos', 'meta', 'blocks'], 'readwrite');
      // Scores have their own version counter: bumping the library's would make the search
      // worker reload every vector after each scored batch.
      const kept: ScoreEntry[] = [];
      for (const e of entries) {
        // A photo deleted or re-indexed meanwhile keeps no stale score.
        const photo = await tx.objectStore('photos').get(e.id);
        if (photo?.vectors[model] === blockOf.get(e.id)) kept.push(e);
      }
      await writeScores(tx, kept);
      await tx.done;
      progress.done += entries.length;
      onProgress({ ...progress });
    }
    // As read before the scan: a photo added meanwhile changed it, so the next run looks again.
    await db.put('meta', state, finished);
    return { ...progress, state: 'done' };
  }

  async #pixelStats(id: number): Promise<PixelStats | undefined> {
    const { db } = this.deps;
    const [photo, thumb] = await Promise.all([db.get('photos', id), db.get('thumbnails', id)]);
    if (!photo || !thumb) return undefined;
    try {
      const pixels = await this.deps.decodeThumbnail(thumb);
      return pixelStats(pixels, photo.width || pixels.width, photo.height || pixels.height);
    } catch {
      return undefined;
    }
  }
}
