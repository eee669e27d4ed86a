import { describe, expect, it } from 'vitest';
import { ORIGIN_WEIGHT } from '../../core/store/preference-store';
import {
  DISLIKE_TOP,
  LIKE_PAIR_LIMIT,
  chosenPair,
  dislikePairs,
  likePairs,
  markedIds,
} from './tuning-taste-pairs';

const ranked = Array.from({ length: 30 }, (_, i) => 100 + i);

describe('pairs from likes and dislikes', () => {
  it('a liked photo beats each result above it that is not liked too', () => {
    const pairs = likePairs('q', ranked, 104, new Set([101]));
    expect(pairs.map((p) => p.loser)).toEqual([100, 102, 103]);
    for (const p of pairs) {
      expect(p).toMatchObject({ queryText: 'q', winner: 104, origin: 'liked' });
      expect(p.weight).toBe(ORIGIN_WEIGHT.liked);
    }
  });

  it('a like far down asks for the nearest results above it only', () => {
    const pairs = likePairs('q', ranked, 125, new Set());
    expect(pairs).toHaveLength(LIKE_PAIR_LIMIT);
    expect(pairs.map((p) => p.loser)).toEqual(ranked.slice(25 - LIKE_PAIR_LIMIT, 25));
  });

  it('liking the first result, or one not shown, gives nothing', () => {
    expect(likePairs('q', ranked, 100, new Set())).toEqual([]);
    expect(likePairs('q', ranked, 9, new Set())).toEqual([]);
  });

  it('each other top result beats a disliked photo, except other disliked ones', () => {
    const pairs = dislikePairs('q', ranked, 103, new Set([105]));
    const expected = ranked.slice(0, DISLIKE_TOP).filter((id) => id !== 103 && id !== 105);
    expect(pairs.map((p) => p.winner)).toEqual(expected);
    expect(new Set(pairs.map((p) => p.loser))).toEqual(new Set([103]));
    expect(pairs.every((p) => p.weight === ORIGIN_WEIGHT.liked)).toBe(true);
  });

  it('a dislike below the top still loses to the whole top', () => {
    expect(dislikePairs('q', ranked, 120, new Set()).map((p) => p.winner)).toEqual(
      ranked.slice(0, DISLIKE_TOP),
    );
  });

  it('a pick weighs as a chosen pair', () => {
    expect(chosenPair('q', 3, 4)).toEqual({
      queryText: 'q',
      winner: 3,
      loser: 4,
      weight: ORIGIN_WEIGHT.chosen,
      origin: 'chosen',
    });
  });

  it('marks are read back per query and taste', () => {
    const marks = { 'q\u00001': 'like', 'q\u00002': 'dislike', 'r\u00003': 'like' } as const;
    expect(markedIds(marks, 'q', 'like')).toEqual(new Set([1]));
    expect(markedIds(marks, 'r', 'like')).toEqual(new Set([3]));
  });
});
