import { describe, expect, it } from 'vitest';
import type { TruthImage } from './ground-truth';
import { PEOPLE, personById, prefer, tasteAt, tasteMetric, tasteQueries } from './people';

function photo(over: Partial<TruthImage> = {}): TruthImage {
  return {
    path: 'photos/x.jpg',
    shape: 'star',
    colour: 'red',
    background: 'sky',
    degradation: null,
    strength: 0,
    quality: 1,
    caption: '',
    heldOut: false,
    split: 'test',
    ...over,
  };
}

const redStar = { relevant: { shape: 'star', colour: 'red' } };
const night = personById('night-lover');
const snow = personById('snow-lover-stripe-hater');
const dark = personById('dark-moody');
const soft = personById('soft-focus-lover');

describe('simulated people', () => {
  it('are four, each with its own id', () => {
    expect(new Set(PEOPLE.map((p) => p.id)).size).toBe(4);
    expect(PEOPLE.length).toBeGreaterThanOrEqual(4);
  });

  it('score night, snow and stripes by background, 1 and 0 rather than graded', () => {
    expect(night.score(photo({ background: 'night' }))).toBe(1);
    expect(night.score(photo({ background: 'sky', degradation: 'dark', strength: 1 }))).toBe(0);
    expect(snow.score(photo({ background: 'snow', degradation: 'blur', strength: 0.9 }))).toBe(1);
    expect(snow.score(photo({ background: 'stripes', quality: 1 }))).toBe(0);
    expect(snow.score(photo({ background: 'grass' }))).toBe(0.5);
  });

  it('like the spoilings generic scorers penalise: darker and blurrier is better', () => {
    const weak = photo({ degradation: 'dark', strength: 0.25, quality: 0.8 });
    const strong = photo({ degradation: 'dark', strength: 1, quality: 0.2 });
    expect(dark.score(strong)).toBeGreaterThan(dark.score(weak));
    expect(dark.score(weak)).toBeGreaterThan(dark.score(photo()));
    expect(dark.score(photo({ degradation: 'blur', strength: 1 }))).toBe(0);
    expect(soft.score(photo({ degradation: 'blur', strength: 0.5 }))).toBeGreaterThan(
      soft.score(photo({ quality: 1 })),
    );
  });
});

describe('prefer', () => {
  it('puts a relevant photo before an irrelevant one, whatever the taste', () => {
    const relevantDay = photo({ background: 'sky' });
    const irrelevantNight = photo({ colour: 'blue', background: 'night' });
    expect(prefer(night, redStar, relevantDay, irrelevantNight)).toBe(0);
    expect(prefer(night, redStar, irrelevantNight, relevantDay)).toBe(1);
  });

  it('then prefers by taste, and answers "similar" (null) on equal tastes', () => {
    const a = photo({ background: 'stripes' });
    const b = photo({ background: 'snow' });
    expect(prefer(snow, redStar, a, b)).toBe(1);
    expect(prefer(snow, redStar, b, a)).toBe(0);
    expect(
      prefer(snow, redStar, photo({ background: 'sky' }), photo({ background: 'grass' })),
    ).toBe(null);
    // Two irrelevant photos still compare by taste.
    const off = { relevant: { shape: 'heart' } };
    expect(prefer(night, off, photo(), photo({ background: 'night' }))).toBe(1);
  });
});

describe('the taste metric', () => {
  it('is the mean score over the top 10, averaged over queries', () => {
    const row = [
      ...Array.from({ length: 5 }, () => photo({ background: 'night' })),
      ...Array.from({ length: 10 }, () => photo()),
    ];
    expect(tasteAt(night, row)).toBeCloseTo(0.5);
    expect(tasteAt(night, row.slice(0, 4))).toBe(1);
    expect(tasteMetric(night, [row, row.slice(5)])).toBeCloseTo(0.25);
  });

  it('leaves out queries that fix the taste: no background queries for background tastes', () => {
    const queries = [
      { text: 'a red star', relevant: { shape: 'star', colour: 'red' } },
      { text: 'a star at night', relevant: { shape: 'star', background: 'night' } },
      { text: 'something red on snow', relevant: { colour: 'red', background: 'snow' } },
    ];
    expect(tasteQueries(night, queries).map((q) => q.text)).toEqual(['a red star']);
    expect(tasteQueries(snow, queries).map((q) => q.text)).toEqual(['a red star']);
    expect(tasteQueries(dark, queries)).toHaveLength(3);
  });
});
