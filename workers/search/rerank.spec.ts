import { describe, expect, it } from 'vitest';
import type { ScoreRecord } from '../../src/core/store/db';
import { appealScores } from '../aesthetics/pixel-stats';
import { CLIP_IQA_PAIRS } from '../aesthetics/protocol';
import { DEFAULT_RANK, type RankOptions } from './protocol';
import { ScoreIndex, rerank } from './rerank';

const KEY = 'm@1|h@1|iqa1';

/** `pixel` sets the statistics so that pixel appeal grows with it (0..1). */
function record(id: number, laion: number, iqa: number, pixel?: number): ScoreRecord {
  const clipIqa = Object.fromEntries(CLIP_IQA_PAIRS.map((p) => [p.name, iqa]));
  if (pixel === undefined) return { id, models: { [KEY]: { laion, clipIqa } } };
  const stats = {
    sharpness: 1000 * pixel,
    meanLuminance: 0.475,
    shadowClip: 0,
    highlightClip: 0,
    contrast: 0.2,
    colourfulness: 100 * pixel,
    megapixels: 12,
    noise: 0,
  };
  return {
    id,
    models: { [KEY]: { laion, clipIqa } },
    pixel: { version: 1, stats, appeal: appealScores(stats) },
  };
}

const opts = (o: Partial<RankOptions>): RankOptions => ({ ...DEFAULT_RANK, ...o });

describe('ScoreIndex', () => {
  it('turns raw scores into library percentiles, best = 1, worst = 0', () => {
    const index = ScoreIndex.build(
      [record(1, 2, 0.1, 0.2), record(2, 5, 0.5, 0.5), record(3, 9, 0.9, 0.9)],
      KEY,
    );
    expect(index.view(3)!.combined).toBe(1);
    expect(index.view(1)!.combined).toBe(0);
    expect(index.view(2)!.percentiles).toEqual({ laion: 0.5, clipIqa: 0.5, pixel: 0.5 });
  });

  it('means the same on any scale: doubling every raw score changes no percentile', () => {
    const a = ScoreIndex.build([record(1, 1, 0.2), record(2, 3, 0.4), record(3, 2, 0.9)], KEY);
    const b = ScoreIndex.build([record(1, 2, 0.2), record(2, 6, 0.4), record(3, 4, 0.9)], KEY);
    for (const id of [1, 2, 3]) expect(b.view(id)!.combined).toBe(a.view(id)!.combined);
  });

  it('ignores scores from another model or head (never mixes)', () => {
    const other = { id: 4, models: { 'other@1|h@1|iqa1': { laion: 100, clipIqa: {} } } };
    const index = ScoreIndex.build([record(1, 1, 0.1), record(2, 2, 0.2), other], KEY);
    expect(index.size).toBe(2);
    expect(index.view(4)).toBeUndefined();
  });

  it('lists the most beautiful photos first for "best shots"', () => {
    const index = ScoreIndex.build(
      [record(1, 5, 0.5, 0.5), record(2, 9, 0.9, 0.9), record(3, 1, 0.1, 0.1)],
      KEY,
    );
    expect(index.bestFirst()).toEqual([2, 1, 3]);
  });
});

describe('rerank', () => {
  // Similarities: photos 1–4 relevant (0.8–0.9), 5–6 not (0.3); the library mean is 0.3.
  const hits = [
    { id: 1, score: 0.9 },
    { id: 2, score: 0.88 },
    { id: 3, score: 0.85 },
    { id: 4, score: 0.8 },
    { id: 5, score: 0.31 },
    { id: 6, score: 0.3 },
  ];
  const index = ScoreIndex.build(
    [
      record(1, 1, 0.1, 0.1),
      record(2, 2, 0.2, 0.2),
      record(3, 3, 0.3, 0.3),
      record(4, 8, 0.8, 0.8),
      record(5, 9, 0.9, 0.9),
      record(6, 10, 1, 1),
    ],
    KEY,
  );

  it('keeps pure relevance order with the slider at 0', () => {
    expect(rerank(hits, 0.3, index, opts({ beauty: 0 })).map((h) => h.id)).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
  });

  it('lifts the most beautiful relevant photo with the slider up', () => {
    const order = rerank(hits, 0.3, index, opts({ beauty: 0.8 })).map((h) => h.id);
    expect(order[0]).toBe(4);
  });

  it('never lets a pretty but irrelevant photo outrank a relevant one', () => {
    for (const beauty of [0.5, 1]) {
      const order = rerank(hits, 0.3, index, opts({ beauty })).map((h) => h.id);
      expect(order.slice(4)).toEqual([5, 6]);
    }
    expect(
      rerank(hits, 0.3, index, opts({ order: 'beauty' }))
        .map((h) => h.id)
        .slice(4),
    ).toEqual([5, 6]);
  });

  it('cascade sorts only the semantic top-K by beauty', () => {
    const order = rerank(hits, 0.3, index, opts({ order: 'cascade', cascadeK: 2 })).map(
      (h) => h.id,
    );
    expect(order).toEqual([2, 1, 3, 4, 5, 6]);
  });

  it('scales relevance so the library mean is 0 and the best match 1', () => {
    const ranked = rerank(hits, 0.3, index, opts({}));
    expect(ranked[0]!.relevance).toBeCloseTo(1);
    expect(ranked.find((h) => h.id === 6)!.relevance).toBeCloseTo(0);
    expect(ranked.find((h) => h.id === 4)!.inHead).toBe(true);
    expect(ranked.find((h) => h.id === 5)!.inHead).toBe(false);
  });

  it('hides photos below the beauty filter, keeping unscored ones', () => {
    const partial = ScoreIndex.build([record(1, 1, 0.1, 0.1), record(2, 9, 0.9, 0.9)], KEY);
    const order = rerank(hits.slice(0, 3), 0.3, partial, opts({ minBeauty: 0.5 })).map((h) => h.id);
    expect(order).toEqual([2, 3]);
  });

  it('treats photos not scored yet as average rather than dropping them', () => {
    const order = rerank(hits.slice(0, 4), 0.3, undefined, opts({ beauty: 1 })).map((h) => h.id);
    expect(order).toEqual([1, 2, 3, 4]);
  });

  describe('a taste head', () => {
    // Photo 5 (irrelevant) and photo 4 (relevant, last of the head) carry the strongest taste.
    const tasted = hits.map((h) => ({ ...h, taste: h.id === 4 || h.id === 5 ? 3 : -0.5 }));

    it('lifts the relevant photo the taste likes, in cosine units', () => {
      // 0.1 of the span 0.6 = relevance 0.17 per z: photo 4 (0.83) + 0.5 beats 1 (1.0) − 0.08.
      const order = rerank(tasted, 0.3, index, opts({}), -Infinity, { weight: 0.1 });
      expect(order.map((h) => h.id)).toEqual([4, 1, 2, 3, 5, 6]);
    });

    it('never lifts an irrelevant photo above the relevant head, whatever its taste', () => {
      const order = rerank(tasted, 0.3, index, opts({}), -Infinity, { weight: 10 });
      expect(order.map((h) => h.id).slice(4)).toEqual([5, 6]);
    });

    it('changes nothing at weight 0, and adds to beauty when both are on', () => {
      const plain = rerank(hits, 0.3, index, opts({ beauty: 0.5 })).map((h) => h.id);
      const none = rerank(tasted, 0.3, index, opts({ beauty: 0.5 }), -Infinity, { weight: 0 });
      expect(none.map((h) => h.id)).toEqual(plain);
      const small = rerank(tasted, 0.3, index, opts({}), -Infinity, { weight: 0.001 });
      expect(small.map((h) => h.id)).toEqual([1, 2, 3, 4, 5, 6]);
    });
  });
});
