import type { LumenDb } from '../../src/core/store/db';
import {
  blocksOf,
  newer,
  readScores,
  readScoresSince,
  rowIqaMean,
  rowLaion,
  rowModel,
  rowStats,
  type RowRef,
  type ScoreBlock,
  type ScoreCursor,
  type StoredScore,
} from '../../src/core/store/score-store';
import { appealScores } from '../aesthetics/pixel-stats';
import type { AestheticView } from './protocol';

function percentileOf(sorted: Float64Array, v: number): number {
  if (sorted.length <= 1) return 0.5;
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  let eq = lo;
  while (eq < sorted.length && sorted[eq] === v) eq++;
  // Mid-rank for ties, scaled to 0..1.
  return (lo + (eq - lo - 1) / 2) / (sorted.length - 1);
}

const same = (x: number, y: number) => x === y || (x !== x && y !== y);

/** `sorted` without `removed` and with `added` (both multisets), still sorted: O(n + m log m). */
function updateSorted(sorted: Float64Array, removed: number[], added: number[]): Float64Array {
  if (removed.length === 0 && added.length === 0) return sorted;
  const rem = Float64Array.from(removed).sort();
  const add = Float64Array.from(added).sort();
  const out = new Float64Array(sorted.length - rem.length + add.length);
  let i = 0;
  let r = 0;
  let a = 0;
  let o = 0;
  while (i < sorted.length || a < add.length) {
    if (i < sorted.length && r < rem.length && same(sorted[i]!, rem[r]!)) {
      i++;
      r++;
    } else if (
      a < add.length &&
      (i >= sorted.length || add[a]! < sorted[i]! || sorted[i] !== sorted[i])
    ) {
      out[o++] = add[a++]!;
    } else {
      out[o++] = sorted[i++]!;
    }
  }
  return out;
}

interface Entry {
  ref: RowRef;
  laion: number;
  clipIqa: number;
  pixel: number | null;
}

/**
 * Percentiles make every family comparable and make the beauty slider mean the same on
 * any library: "better than 80% of your photos", whatever the raw scale of the model.
 *
 * Built once from every stored score, then kept up to date with `refresh`, which reads only
 * the score blocks written since (`readScoresSince`) and merges their values into the sorted
 * families instead of reading and sorting everything again.
 */
export class ScoreIndex {
  #entries = new Map<number, Entry>();
  #laion: Float64Array = new Float64Array(0);
  #clipIqa: Float64Array = new Float64Array(0);
  #pixel: Float64Array = new Float64Array(0);
  #cursor: ScoreCursor | undefined;
  /** Score rows the last build or refresh read (specs check that a refresh reads few). */
  rowsRead = 0;

  private constructor(readonly key: string) {}

  /** From the stored values of the `scores` store, either format (as `getAll` returns them). */
  static build(stored: StoredScore[], key: string): ScoreIndex {
    const index = new ScoreIndex(key);
    index.#apply(blocksOf(stored));
    return index;
  }

  /** Every stored score of the key, remembering where it stands for `refresh`. */
  static async load(db: LumenDb, key: string): Promise<ScoreIndex> {
    const index = new ScoreIndex(key);
    const { blocks, cursor } = await readScores(db);
    index.#apply(blocks);
    index.#cursor = cursor;
    return index;
  }

  /**
   * Brings the index up to date: applies the blocks written since it last read, or reads the
   * library again when it must (another library, or old per-photo records that indexing may
   * have deleted). Returns the index to use from now on.
   */
  async refresh(db: LumenDb): Promise<ScoreIndex> {
    if (!this.#cursor) return ScoreIndex.load(db, this.key);
    const since = await readScoresSince(db, this.#cursor);
    if (!since) return ScoreIndex.load(db, this.key);
    this.rowsRead = 0;
    this.#apply(since.blocks);
    this.#cursor = since.cursor;
    return this;
  }

  #apply(blocks: ScoreBlock[]): void {
    // Each touched photo's entry before this update (null: it had none); a photo may be
    // replaced several times in one update, but only its first and last entries count.
    const before = new Map<number, Entry | null>();
    for (const block of blocks) {
      this.rowsRead += block.ids.length;
      if (block.key !== this.key) continue;
      for (let row = 0; row < block.ids.length; row++) {
        const ref = { block, row };
        const laion = rowLaion(ref);
        if (laion === null) continue;
        const id = block.ids[row]!;
        const prev = this.#entries.get(id);
        if (prev && !newer(ref, prev.ref)) {
          // The same row of a re-read block: hold the fresh copy so the old one can be freed.
          if (prev.ref.block.id === block.id && prev.ref.row === row) prev.ref = ref;
          continue;
        }
        const stats = rowStats(ref);
        if (!before.has(id)) before.set(id, prev ?? null);
        this.#entries.set(id, {
          ref,
          laion,
          clipIqa: rowIqaMean(ref),
          pixel: stats ? appealScores(stats).overall : null,
        });
      }
    }
    const removed: Entry[] = [];
    const added: Entry[] = [];
    for (const [id, prev] of before) {
      if (prev) removed.push(prev);
      added.push(this.#entries.get(id)!);
    }
    const pixels = (es: Entry[]) => es.flatMap((e) => (e.pixel === null ? [] : [e.pixel]));
    this.#laion = updateSorted(
      this.#laion,
      removed.map((e) => e.laion),
      added.map((e) => e.laion),
    );
    this.#clipIqa = updateSorted(
      this.#clipIqa,
      removed.map((e) => e.clipIqa),
      added.map((e) => e.clipIqa),
    );
    this.#pixel = updateSorted(this.#pixel, pixels(removed), pixels(added));
  }

  get size(): number {
    return this.#entries.size;
  }

  view(id: number): AestheticView | undefined {
    const e = this.#entries.get(id);
    if (!e) return undefined;
    const stats = rowStats(e.ref);
    const percentiles = {
      laion: percentileOf(this.#laion, e.laion),
      clipIqa: percentileOf(this.#clipIqa, e.clipIqa),
      pixel: e.pixel === null ? null : percentileOf(this.#pixel, e.pixel),
    };
    const parts = [
      percentiles.laion,
      percentiles.clipIqa,
      ...(percentiles.pixel === null ? [] : [percentiles.pixel]),
    ];
    return {
      laion: e.laion,
      clipIqa: e.clipIqa,
      clipIqaPairs: rowModel(e.ref)!.clipIqa,
      pixel: e.pixel,
      pixelParts: stats ? appealScores(stats) : null,
      percentiles,
      combined: parts.reduce((a, b) => a + b, 0) / parts.length,
    };
  }

  /** Every scored photo id, most beautiful first ("best shots"). */
  bestFirst(): number[] {
    const ids = [...this.#entries.keys()];
    const combined = new Map(ids.map((id) => [id, this.view(id)!.combined]));
    return ids.sort((a, b) => combined.get(b)! - combined.get(a)! || a - b);
  }
}
