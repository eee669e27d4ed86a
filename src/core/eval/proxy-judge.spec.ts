import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRelevant, parseGroundTruth } from './ground-truth';
import { ASPECTS, judgeBothOrders, tally } from './judging';
import {
  PROXY_MARGINS,
  TRUTH_MARGINS,
  compareScores,
  contentSpread,
  cosine,
  proxyJudge,
  qualityAxes,
  relevanceOf,
  relevanceScaleOf,
  rowSpread,
  softPrecision,
  truthJudge,
  type ProxyPhoto,
  type ProxyQuery,
} from './proxy-judge';

// Axis 0 is the query; 1..6 are subjects ("styles") of on-topic photos; 7 is off-topic; 9..11
// are what the quality prompts point at (sharpness, brightness, noise).
const DIM = 12;
const QUALITY = [9, 10, 11];
function unit(...parts: [axis: number, weight: number][]): Float32Array {
  const v = new Float32Array(DIM);
  for (const [axis, weight] of parts) v[axis] = weight;
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

// CLIP-IQA-like prompt pairs: the positive leans one way along a quality axis, the negative the
// other, both sharing a "photo" component that the difference cancels.
const prompts = QUALITY.flatMap((axis) => [unit([8, 1], [axis, 0.5]), unit([8, 1], [axis, -0.5])]);
const axes = qualityAxes(prompts);

// Relevance in the search's units: the library's typical photo sits at cosine 0.1 to the query,
// its best match at 1.
const query: ProxyQuery = {
  embedding: unit([0, 1]),
  scale: { typical: 0.1, best: 1 },
  qualityAxes: axes,
};
// An on-topic photo leans towards the query (cosine 0.86), each subject on its own axis; an
// off-topic photo is orthogonal to it (cosine 0, below the typical photo).
const onTopic = (style: number, beauty: number): ProxyPhoto => ({
  embedding: unit([0, 1], [1 + (style % 6), 0.6]),
  beauty,
});
const offTopic = (beauty: number): ProxyPhoto => ({ embedding: unit([7, 1]), beauty });
/** A photo at exactly this cosine to the query. */
const atCosine = (c: number): ProxyPhoto => ({
  embedding: unit([0, c], [7, Math.sqrt(1 - c * c)]),
  beauty: 0.5,
});

describe('row measures', () => {
  it('takes the cosine of vectors that are not exactly unit', () => {
    expect(cosine(Float32Array.of(2, 0), Float32Array.of(3, 3))).toBeCloseTo(Math.SQRT1_2, 6);
    expect(cosine(Float32Array.of(0, 0), Float32Array.of(1, 0))).toBe(0);
  });

  it('gives duplicates no spread and orthogonal photos a spread of one', () => {
    expect(rowSpread([onTopic(0, 0), onTopic(0, 0), onTopic(0, 0)])).toBeCloseTo(0, 6);
    const orthogonal = [0, 1, 2].map((i) => ({ embedding: unit([i, 1]), beauty: 0 }));
    expect(rowSpread(orthogonal)).toBeCloseTo(1, 6);
    expect(rowSpread([onTopic(0, 0)])).toBe(0);
  });

  it('calls a difference within the margin similar', () => {
    expect(compareScores(0.5, 0.49, 0.02)).toBe('similar');
    expect(compareScores(0.5, 0.47, 0.02)).toBe('left');
    expect(compareScores(0.47, 0.5, 0.02)).toBe('right');
    expect(() => compareScores(NaN, 0, 0.02)).toThrow(RangeError);
  });
});

describe('accuracy as soft precision', () => {
  const scale = { typical: 0.2, best: 0.6 };

  it('puts the library typical photo at 0 and its best match at 1, clamped', () => {
    expect(relevanceOf(0.6, scale)).toBeCloseTo(1, 9);
    expect(relevanceOf(0.4, scale)).toBeCloseTo(0.5, 9);
    expect(relevanceOf(0.1, scale)).toBe(0);
    expect(relevanceOf(0.9, scale)).toBe(1);
    // A library without spread: the search calls every photo relevant, and so does the judge.
    expect(relevanceOf(0.3, { typical: 0.5, best: 0.5 })).toBe(1);
  });

  it('reads the scale back from hits scored the way the search scores them', () => {
    const score = [0.6, 0.55, 0.4, 0.3];
    const hits = score.map((s) => ({ score: s, relevance: (s - 0.2) / (0.6 - 0.2) }));
    const read = relevanceScaleOf(hits);
    expect(read.best).toBe(0.6);
    expect(read.typical).toBeCloseTo(0.2, 9);
    expect(relevanceScaleOf([{ score: 0.3, relevance: 1 }])).toEqual({ typical: 0.3, best: 0.3 });
    expect(() => relevanceScaleOf([])).toThrow(RangeError);
  });

  it('reads like precision: a row of best matches is 1, off-topic photos count 0', () => {
    const q = { embedding: unit([0, 1]), scale };
    const row = [...Array.from({ length: 7 }, () => atCosine(0.6)), ...[0, 0, 0].map(atCosine)];
    expect(softPrecision(row, q)).toBeCloseTo(0.7, 6);
    // Half-way photos count half.
    expect(softPrecision([atCosine(0.4), atCosine(0.6)], q)).toBeCloseTo(0.75, 6);
  });

  it('lets one photo in ten going off-topic win, a drift of a few hundredths not', () => {
    const judge = proxyJudge(query);
    const relevant = Array.from({ length: 10 }, () => atCosine(1));
    const oneOff = [...relevant.slice(0, 9), atCosine(0)];
    expect(judgeBothOrders(judge, relevant, oneOff, true).outcome.accuracy).toBe('a');
    // Every photo a little less similar: 0.03 of the scale each, inside the 0.05 margin.
    const drifted = Array.from({ length: 10 }, () => atCosine(1 - 0.03 * 0.9));
    expect(judgeBothOrders(judge, relevant, drifted, false).outcome.accuracy).toBe('similar');
  });
});

describe('diversity of content, not of defects', () => {
  it('turns each prompt pair into one unit axis and drops a pair that adds nothing', () => {
    expect(axes).toHaveLength(3);
    for (const [i, a] of axes.entries()) {
      expect(Math.hypot(...a)).toBeCloseTo(1, 6);
      expect(Math.abs(a[QUALITY[i]!]!)).toBeCloseTo(1, 6);
    }
    expect(qualityAxes([...prompts, prompts[0]!, prompts[1]!])).toHaveLength(3);
    expect(() => qualityAxes(prompts.slice(0, 3))).toThrow(/pairs/);
  });

  // One subject, each photo spoiled along a different quality axis: varied to raw CLIP.
  const spoiled = Array.from({ length: 9 }, (_, i) => ({
    embedding: unit([0, 1], [1, 0.3], [QUALITY[i % 3]!, 0.9]),
    beauty: 0.2,
  }));
  // Clean photos of three different subjects.
  const varied = Array.from({ length: 9 }, (_, i) => ({
    embedding: unit([0, 1], [1 + (i % 3), 0.3]),
    beauty: 0.8,
  }));

  it('sees one subject however it was spoiled, and three clean subjects as three', () => {
    expect(rowSpread(spoiled)).toBeGreaterThan(rowSpread(varied));
    expect(contentSpread(spoiled, axes)).toBeCloseTo(0, 6);
    expect(contentSpread(varied, axes)).toBeCloseTo(rowSpread(varied), 6);
    const { outcome } = judgeBothOrders(proxyJudge(query), spoiled, varied, true);
    expect(outcome.diversity).toBe('b');
    // Without the axes the judge would have called the spoiled row the more varied one.
    const raw = judgeBothOrders(proxyJudge({ ...query, qualityAxes: [] }), spoiled, varied, true);
    expect(raw.outcome.diversity).toBe('a');
  });
});

describe('proxy judge', () => {
  // Accurate but plain and repetitive, against a prettier, varied row with three misses.
  const accurate = Array.from({ length: 10 }, () => onTopic(0, 0.3));
  const pretty = [
    ...Array.from({ length: 7 }, (_, i) => onTopic(i, 0.8)),
    ...Array.from({ length: 3 }, () => offTopic(0.8)),
  ];

  it('finds the known winner of each aspect in both orders', () => {
    for (const first of [true, false]) {
      const { outcome } = judgeBothOrders(proxyJudge(query), accurate, pretty, first);
      expect(outcome).toEqual({ accuracy: 'a', aesthetics: 'b', diversity: 'b' });
    }
  });

  it('calls rows equal within the margins similar', () => {
    const nudged = accurate.map((p) => ({ ...p, beauty: p.beauty + PROXY_MARGINS.aesthetics / 2 }));
    const { outcome } = judgeBothOrders(proxyJudge(query), accurate, nudged, true);
    expect(outcome).toEqual({ accuracy: 'similar', aesthetics: 'similar', diversity: 'similar' });
  });

  it('turns a strong left bias into "similar" through the two orders', () => {
    const biased = proxyJudge(query, { positionBias: 5 });
    const first = judgeBothOrders(biased, accurate, pretty, true);
    expect(first.presentations.map((p) => p.verdicts.accuracy)).toEqual(['left', 'left']);
    const t = tally([first.outcome, judgeBothOrders(biased, pretty, accurate, false).outcome]);
    for (const aspect of ASPECTS) expect(t[aspect].similarRate).toBe(1);
  });

  it('keeps a real difference that outweighs a mild bias', () => {
    // Beauty differs by 0.5; a bias of 0.1 on top of the 0.02 margin cannot hide it.
    const { outcome } = judgeBothOrders(
      proxyJudge(query, { positionBias: 0.1 }),
      accurate,
      pretty,
      true,
    );
    expect(outcome.aesthetics).toBe('b');
  });

  it('refuses an empty row', () => {
    expect(() => proxyJudge(query)([], accurate)).toThrow(/empty/);
  });
});

const photo = (shape: string, colour: string, background: string, quality: number) => ({
  shape,
  colour,
  background,
  quality,
});

describe('ground-truth judge on crafted rows', () => {
  const redStar = { relevant: { shape: 'star', colour: 'red' } };
  const backgrounds = ['sky', 'snow', 'sand', 'grass', 'night'];

  it('scores precision, true quality and distinct combinations', () => {
    // 8 of 10 relevant, quality 0.6, one background: accurate, dull, repetitive.
    const a = [
      ...Array.from({ length: 8 }, () => photo('star', 'red', 'sky', 0.6)),
      photo('heart', 'red', 'sky', 0.6),
      photo('star', 'blue', 'sky', 0.6),
    ];
    // 6 of 10 relevant, clean, five backgrounds.
    const b = Array.from({ length: 10 }, (_, i) =>
      i < 6 ? photo('star', 'red', backgrounds[i % 5]!, 1) : photo('circle', 'green', 'sky', 1),
    );
    const { outcome } = judgeBothOrders(truthJudge(redStar), a, b, false);
    expect(outcome).toEqual({ accuracy: 'a', aesthetics: 'b', diversity: 'b' });
  });

  it('lets one more relevant photo or combination win, one quality step not', () => {
    const base = Array.from({ length: 10 }, () => photo('star', 'red', 'sky', 0.6));
    const oneMiss = [...base.slice(0, 9), photo('star', 'red', 'snow', 0.8)];
    const withMiss = [...base.slice(0, 9), photo('heart', 'red', 'sky', 0.6)];
    const judge = truthJudge(redStar);
    expect(judgeBothOrders(judge, base, withMiss, true).outcome.accuracy).toBe('a');
    const stepped = judgeBothOrders(judge, oneMiss, base, true).outcome;
    expect(stepped.aesthetics).toBe('similar');
    expect(stepped.diversity).toBe('a');
    const strict = truthJudge(redStar, 10, {
      margins: { aesthetics: TRUTH_MARGINS.aesthetics / 4 },
    });
    expect(judgeBothOrders(strict, oneMiss, base, true).outcome.aesthetics).toBe('a');
  });

  it('judges only the first n photos', () => {
    const head = Array.from({ length: 5 }, () => photo('star', 'red', 'sky', 1));
    const a = [...head, ...Array.from({ length: 5 }, () => photo('heart', 'red', 'sky', 0.2))];
    const b = [...head, ...Array.from({ length: 5 }, () => photo('star', 'red', 'sky', 1))];
    expect(judgeBothOrders(truthJudge(redStar, 5), a, b, true).outcome).toEqual({
      accuracy: 'similar',
      aesthetics: 'similar',
      diversity: 'similar',
    });
    expect(judgeBothOrders(truthJudge(redStar, 10), a, b, true).outcome.accuracy).toBe('b');
  });
});

describe('ground-truth judge on the tiny world', () => {
  const file = path.resolve(
    import.meta.dirname,
    '../../../e2e/fixtures/tiny-world/ground-truth.json',
  );
  const truth = parseGroundTruth(JSON.parse(readFileSync(file, 'utf8')));

  it('prefers the best relevant photos to the worst off-topic ones for every query', () => {
    for (const q of truth.queries) {
      const byQuality = (sign: number) => (x: { quality: number }, y: { quality: number }) =>
        sign * (x.quality - y.quality);
      const ideal = truth.images.filter((img) => isRelevant(img, q)).sort(byQuality(-1));
      const worst = truth.images.filter((img) => !isRelevant(img, q)).sort(byQuality(1));
      const { outcome } = judgeBothOrders(truthJudge(q), ideal.slice(0, 10), worst, true);
      expect([outcome.accuracy, outcome.aesthetics], q.text).toEqual(['a', 'a']);
    }
  });
});
