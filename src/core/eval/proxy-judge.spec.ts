import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRelevant, parseGroundTruth } from './ground-truth';
import { ASPECTS, judgeBothOrders, tally } from './judging';
import {
  PROXY_MARGINS,
  TRUTH_MARGINS,
  compareScores,
  cosine,
  proxyJudge,
  rowSpread,
  truthJudge,
  type ProxyPhoto,
} from './proxy-judge';

const DIM = 8;
function unit(...parts: [axis: number, weight: number][]): Float32Array {
  const v = new Float32Array(DIM);
  for (const [axis, weight] of parts) v[axis] = weight;
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

// The query points along axis 0; an on-topic photo leans towards it, each with its own "style"
// axis (so on-topic photos differ from one another); an off-topic photo is orthogonal to it.
const query = unit([0, 1]);
const onTopic = (style: number, beauty: number): ProxyPhoto => ({
  embedding: unit([0, 1], [1 + (style % (DIM - 2)), 0.6]),
  beauty,
});
const offTopic = (beauty: number): ProxyPhoto => ({ embedding: unit([DIM - 1, 1]), beauty });

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
