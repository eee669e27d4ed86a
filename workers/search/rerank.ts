import type { ScoreRecord } from '../../src/core/store/db';
import { meanOf } from '../aesthetics/clip-iqa';
import type { AestheticView, RankOptions, RankedHit } from './protocol';

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

/**
 * Percentiles make every family comparable and make the beauty slider mean the same on
 * any library: "better than 80% of your photos", whatever the raw scale of the model.
 */
export class ScoreIndex {
  private constructor(
    private readonly records: Map<number, ScoreRecord>,
    private readonly key: string,
    private readonly laion: Float64Array,
    private readonly clipIqa: Float64Array,
    private readonly pixel: Float64Array,
  ) {}

  static build(records: ScoreRecord[], key: string): ScoreIndex {
    const mine = records.filter((r) => r.models[key]);
    const sorted = (xs: number[]) => Float64Array.from(xs).sort();
    return new ScoreIndex(
      new Map(mine.map((r) => [r.id, r])),
      key,
      sorted(mine.map((r) => r.models[key]!.laion)),
      sorted(mine.map((r) => meanOf(r.models[key]!.clipIqa))),
      sorted(mine.filter((r) => r.pixel).map((r) => r.pixel!.appeal.overall)),
    );
  }

  get size(): number {
    return this.records.size;
  }

  view(id: number): AestheticView | undefined {
    const r = this.records.get(id);
    const m = r?.models[this.key];
    if (!r || !m) return undefined;
    const clipIqa = meanOf(m.clipIqa);
    const pixel = r.pixel?.appeal.overall ?? null;
    const percentiles = {
      laion: percentileOf(this.laion, m.laion),
      clipIqa: percentileOf(this.clipIqa, clipIqa),
      pixel: pixel === null ? null : percentileOf(this.pixel, pixel),
    };
    const parts = [
      percentiles.laion,
      percentiles.clipIqa,
      ...(percentiles.pixel === null ? [] : [percentiles.pixel]),
    ];
    return {
      laion: m.laion,
      clipIqa,
      clipIqaPairs: m.clipIqa,
      pixel,
      pixelParts: r.pixel?.appeal ?? null,
      percentiles,
      combined: parts.reduce((a, b) => a + b, 0) / parts.length,
    };
  }

  /** Every scored photo id, most beautiful first ("best shots"). */
  bestFirst(): number[] {
    const ids = [...this.records.keys()];
    const combined = new Map(ids.map((id) => [id, this.view(id)!.combined]));
    return ids.sort((a, b) => combined.get(b)! - combined.get(a)! || a - b);
  }
}

/** Beauty assumed for a photo not scored yet: neither promoted nor demoted. */
const UNSCORED = 0.5;

/**
 * Re-ranks similarity-ordered hits. Only photos in the relevant head can move up for
 * their looks; everything below the cutoff stays after them in relevance order, so a
 * pretty but irrelevant photo never outranks a relevant one.
 */
export function rerank(
  hits: { id: number; score: number; tuned?: RankedHit['tuned'] }[],
  meanSimilarity: number,
  index: ScoreIndex | undefined,
  options: RankOptions,
): RankedHit[] {
  if (hits.length === 0) return [];
  const top = hits[0]!.score;
  const span = top - meanSimilarity;
  const ranked: RankedHit[] = hits.map((h) => {
    const relevance = span > 1e-9 ? (h.score - meanSimilarity) / span : 1;
    const aesthetic = index?.view(h.id);
    return {
      id: h.id,
      score: h.score,
      relevance,
      inHead: relevance >= options.strictness,
      ...(aesthetic ? { aesthetic } : {}),
      ...(h.tuned ? { tuned: h.tuned } : {}),
      final: relevance,
    };
  });
  const visible =
    options.minBeauty > 0
      ? ranked.filter((h) => (h.aesthetic?.combined ?? 1) >= options.minBeauty)
      : ranked;
  const beautyOf = (h: RankedHit) => h.aesthetic?.combined ?? UNSCORED;
  let head = visible.filter((h) => h.inHead);
  if (options.order === 'cascade') head = head.slice(0, Math.max(1, options.cascadeK));
  const headIds = new Set(head.map((h) => h.id));
  const rest = visible.filter((h) => !headIds.has(h.id));
  const b = Math.min(1, Math.max(0, options.beauty));
  for (const h of head) {
    h.final =
      options.order === 'fusion'
        ? (1 - b) * Math.min(1, h.relevance) + b * beautyOf(h)
        : beautyOf(h);
  }
  if (!(options.order === 'fusion' && b === 0)) {
    head.sort((x, y) => y.final - x.final || y.score - x.score);
  }
  return [...head, ...rest];
}
