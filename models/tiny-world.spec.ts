import { beforeAll, describe, expect, it } from 'vitest';
import { isRelevant } from '../src/core/eval/ground-truth';
import { spearman } from '../src/core/eval/metrics';
import { meanOf } from '../workers/aesthetics/clip-iqa';
import { CLIP_IQA_PAIRS } from '../workers/aesthetics/protocol';
import { rerank } from '../workers/search/rerank';
import { DEFAULT_RANK } from '../workers/search/protocol';
import { topK } from '../workers/search/top-k';
import { loadTinyWorld, type TinyWorld } from './tiny-world-harness';

// The tiny world measured in Node through the very classes the workers use (transformers.js
// on onnxruntime-node here, onnxruntime-web in the page), over the whole library (all splits,
// every query), as tiny-world-harness.ts embeds and scores it. Thresholds sit a margin below
// what this small model honestly reaches (measured, revision 5: P@10 0.790; Spearman LAION head
// 0.889, CLIP-IQA 0.838, pixel appeal 0.520; beauty 0.7 lifts top-10 quality 0.737 -> 0.977 for
// P@10 0.790 -> 0.511), so a regression fails and noise does not. The test-split numbers the
// issue's targets are about are in models/tiny-world/README.md (verify.mjs).
const MIN_PRECISION_AT_10 = 0.75;
const MIN_SPEARMAN = { laion: 0.86, clipIqa: 0.8, pixel: 0.48 };
// Revision 5's plain search is blind to quality (its captions name quality as often for clean
// photos as for spoiled ones), so the beauty slider has more to add than at revision 4 (0.13).
const MIN_QUALITY_GAIN = 0.2;
// The head sees quality well, so beauty 0.7 trades precision for it: 0.279 at revision 5.
// Both bounds guard that trade.
const MAX_PRECISION_LOSS = 0.3;
const MIN_PRECISION_WITH_BEAUTY = 0.48;

let world: TinyWorld;

beforeAll(async () => {
  world = await loadTinyWorld();
}, 300_000);

describe('tiny world: aesthetic scorers', () => {
  it('each family ranks clean images above degraded ones', () => {
    const { truth, records, scoreKey: key } = world;
    const quality = truth.images.map((i) => i.quality);
    const laion = spearman(
      records.map((r) => r.models[key]!.laion),
      quality,
    );
    const iqa = spearman(
      records.map((r) => meanOf(r.models[key]!.clipIqa)),
      quality,
    );
    const pixel = spearman(
      records.map((r) => r.pixel!.appeal.overall),
      quality,
    );
    console.log(
      `Spearman with ground-truth quality: LAION head ${laion.toFixed(3)}, CLIP-IQA ${iqa.toFixed(3)}, pixel appeal ${pixel.toFixed(3)}`,
    );
    for (const pair of CLIP_IQA_PAIRS) {
      console.log(
        `  CLIP-IQA ${pair.name}: ${spearman(
          records.map((r) => r.models[key]!.clipIqa[pair.name]!),
          quality,
        ).toFixed(3)}`,
      );
    }
    expect(laion).toBeGreaterThan(MIN_SPEARMAN.laion);
    expect(iqa).toBeGreaterThan(MIN_SPEARMAN.clipIqa);
    expect(pixel).toBeGreaterThan(MIN_SPEARMAN.pixel);
    expect(Object.keys(records[0]!.models[key]!.clipIqa)).toEqual(
      CLIP_IQA_PAIRS.map((p) => p.name),
    );
  });
});

describe('tiny world: retrieval and re-ranking', () => {
  it('finds the right shapes, and the beauty slider lifts quality at little cost in precision', async () => {
    const { truth, vectors, dim, ids, scoreIndex: index } = world;
    let precisionPlain = 0;
    let precisionBeauty = 0;
    let qualityPlain = 0;
    let qualityBeauty = 0;
    for (const q of truth.queries) {
      const [query] = await world.text.embed([q.text]);
      const stats = { sum: 0, count: 0 };
      const hits = topK(vectors, dim, ids, query!, 200, undefined, stats);
      const mean = stats.sum / stats.count;
      const top = (beauty: number) =>
        rerank(hits, mean, index, { ...DEFAULT_RANK, beauty }).slice(0, 10);
      for (const [beauty, addP, addQ] of [
        [0, (v: number) => (precisionPlain += v), (v: number) => (qualityPlain += v)],
        [0.7, (v: number) => (precisionBeauty += v), (v: number) => (qualityBeauty += v)],
      ] as const) {
        const imgs = top(beauty).map((h) => truth.images[h.id - 1]!);
        addP(imgs.filter((img) => isRelevant(img, q)).length / 10);
        addQ(imgs.reduce((s, img) => s + img.quality, 0) / 10);
      }
    }
    const n = truth.queries.length;
    const [pP, pB, qP, qB] = [
      precisionPlain / n,
      precisionBeauty / n,
      qualityPlain / n,
      qualityBeauty / n,
    ];
    console.log(
      `precision@10 ${pP.toFixed(3)} → ${pB.toFixed(3)} with beauty 0.7; mean quality of top 10 ${qP.toFixed(3)} → ${qB.toFixed(3)}`,
    );
    expect(pP).toBeGreaterThanOrEqual(MIN_PRECISION_AT_10);
    expect(qB - qP).toBeGreaterThan(MIN_QUALITY_GAIN);
    expect(pP - pB).toBeLessThanOrEqual(MAX_PRECISION_LOSS);
    expect(pB).toBeGreaterThanOrEqual(MIN_PRECISION_WITH_BEAUTY);
  });
});

describe('tiny world: its vocabulary', () => {
  it('names the words of a query it does not know, and none of its own', () => {
    const unknown = world.text.unknownWords('My DOG on the beach, a red circle');
    expect(unknown).toEqual(expect.arrayContaining(['dog', 'beach']));
    expect(unknown).not.toEqual(expect.arrayContaining(['red']));
    expect(unknown).not.toEqual(expect.arrayContaining(['circle']));
    for (const q of world.truth.queries)
      expect(world.text.unknownWords(q.text), q.text).toEqual([]);
  });
});
