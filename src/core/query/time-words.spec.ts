import { describe, expect, it } from 'vitest';
import { findTime } from './time-words';
import { tokenize } from './tokens';

/** Midday in the local calendar, as the page's `new Date()` would be. */
const at = (y: number, month: number, day: number) => new Date(y, month - 1, day, 12);
/** Wall-clock ms read as UTC, as MetaBlock.takenAt; months 1-based. */
const wall = (y: number, month: number, day = 1) => Date.UTC(y, month - 1, day);

const NOW = at(2026, 7, 10);

function time(text: string, now = NOW) {
  const match = findTime(tokenize(text), now);
  return (
    match && { ...match.range, phrase: text.slice(match.range.span.start, match.range.span.end) }
  );
}

function range(text: string, now = NOW) {
  const t = time(text, now);
  return t && [t.from, t.to, t.label];
}

describe('time words: years', () => {
  it('reads a year alone or with its connecting word', () => {
    expect(range('2019')).toEqual([wall(2019, 1), wall(2020, 1), '2019']);
    expect(time('beach in 2019')).toMatchObject({ from: wall(2019, 1), phrase: 'in 2019' });
    expect(time('a red circle in 2021')?.phrase).toBe('in 2021');
    expect(time('dogs during 2020')?.phrase).toBe('during 2020');
    expect(time('photos taken in 2018')?.phrase).toBe('taken in 2018');
    expect(time('beach, 2019.')?.phrase).toBe('2019');
  });

  it('reads ranges of years, the last one included', () => {
    const whole = [wall(2018, 1), wall(2021, 1), '2018–2020'];
    expect(range('from 2018 to 2020')).toEqual(whole);
    expect(range('2018-2020')).toEqual(whole);
    expect(range('2018–2020')).toEqual(whole);
    expect(range('2018 - 2020')).toEqual(whole);
    expect(range('between 2018 and 2020')).toEqual(whole);
    expect(time('hikes from 2018 until 2020')?.phrase).toBe('from 2018 until 2020');
  });

  it('reads a decade', () => {
    expect(range('in the 1990s')).toEqual([wall(1990, 1), wall(2000, 1), '1990s']);
    expect(time('film photos from the 1980s')?.phrase).toBe('from the 1980s');
    expect(time('the 1890s')).toBeUndefined();
    expect(time('90s')).toBeUndefined();
  });

  it('leaves numbers that are not a plausible year as words', () => {
    expect(time('3 circles')).toBeUndefined();
    expect(time('1000 stars')).toBeUndefined();
    expect(time('in 1899')).toBeUndefined();
    expect(time('room 20190')).toBeUndefined();
    // Years run from 1900 to next year (a camera clock a little ahead).
    expect(range('1900')?.[0]).toBe(wall(1900, 1));
    expect(range('2027')?.[0]).toBe(wall(2027, 1));
    expect(time('2028')).toBeUndefined();
    // A backwards range is not a range: the first year alone is taken.
    expect(time('2020-2018')).toBeUndefined();
    expect(time('from 2020 to 2018')?.phrase).toBe('from 2020');
  });
});

describe('time words: months', () => {
  it('reads a month with its year, full or abbreviated, in any case', () => {
    const july = [wall(2020, 7), wall(2020, 8), 'July 2020'];
    expect(range('July 2020')).toEqual(july);
    expect(range('in july 2020')).toEqual(july);
    expect(range('jul 2020')).toEqual(july);
    expect(range('Jul. 2020')).toEqual(july);
    expect(range('july of 2020')).toEqual(july);
    expect(range('dec 2019')).toEqual([wall(2019, 12), wall(2020, 1), 'December 2019']);
  });

  it('reads a month alone as the latest one that has begun', () => {
    // Now is 10 July 2026.
    expect(range('july')).toEqual([wall(2026, 7), wall(2026, 8), 'July 2026']);
    expect(range('in august')).toEqual([wall(2025, 8), wall(2025, 9), 'August 2025']);
    expect(range('june')?.[2]).toBe('June 2026');
  });

  it('takes "may", "march" and abbreviations as a time only with a year or a connecting word', () => {
    expect(time('may')).toBeUndefined();
    expect(time('a dog may run')).toBeUndefined();
    expect(time('soldiers march')).toBeUndefined();
    expect(time('jan')).toBeUndefined();
    expect(range('in may')?.[2]).toBe('May 2026');
    expect(range('may 2020')?.[2]).toBe('May 2020');
    expect(range('during march')?.[2]).toBe('March 2026');
    expect(range('last may')?.[2]).toBe('May 2026');
  });

  it('reads ranges of months, a month without a year taking the other end’s', () => {
    expect(range('june to august 2020')).toEqual([
      wall(2020, 6),
      wall(2020, 9),
      'June 2020 – August 2020',
    ]);
    expect(range('from november to february 2020')?.slice(0, 2)).toEqual([
      wall(2019, 11),
      wall(2020, 3),
    ]);
    expect(range('from march 2019 to may')?.slice(0, 2)).toEqual([wall(2019, 3), wall(2019, 6)]);
    // Both without a year: the first is the latest that has begun, the second follows it.
    expect(range('from october to march')?.slice(0, 2)).toEqual([wall(2025, 10), wall(2026, 4)]);
  });
});

describe('time words: seasons (meteorological, northern hemisphere)', () => {
  it('reads a season with a year', () => {
    expect(range('summer 2019')).toEqual([wall(2019, 6), wall(2019, 9), 'Summer 2019']);
    expect(range('spring 2021')?.slice(0, 2)).toEqual([wall(2021, 3), wall(2021, 6)]);
    expect(range('autumn 2018')?.slice(0, 2)).toEqual([wall(2018, 9), wall(2018, 12)]);
    expect(range('fall 2018')?.slice(0, 2)).toEqual([wall(2018, 9), wall(2018, 12)]);
    expect(time('in the summer of 2019')?.phrase).toBe('in the summer of 2019');
  });

  it('reads winter as December to February, named by the year it starts', () => {
    expect(range('winter 2019')).toEqual([wall(2019, 12), wall(2020, 3), 'Winter 2019–20']);
  });

  it('leaves a season without a year as a word: it says what the photo looks like', () => {
    expect(time('snow in winter')).toBeUndefined();
    expect(time('summer dress')).toBeUndefined();
    expect(time('leaves fall')).toBeUndefined();
  });
});

describe('time words: relative to now', () => {
  it('reads this and last year, month and week', () => {
    expect(range('this year')).toEqual([wall(2026, 1), wall(2027, 1), '2026']);
    expect(range('last year')).toEqual([wall(2025, 1), wall(2026, 1), '2025']);
    expect(range('this month')).toEqual([wall(2026, 7), wall(2026, 8), 'July 2026']);
    expect(range('last month')).toEqual([wall(2026, 6), wall(2026, 7), 'June 2026']);
    // 10 July 2026 is a Friday; weeks start on Monday.
    expect(range('this week')).toEqual([wall(2026, 7, 6), wall(2026, 7, 13), 'This week']);
    expect(range('last week')).toEqual([wall(2026, 6, 29), wall(2026, 7, 6), 'Last week']);
  });

  it('reads today and yesterday as local calendar days', () => {
    expect(range('today')).toEqual([wall(2026, 7, 10), wall(2026, 7, 11), 'Today']);
    expect(range('yesterday')).toEqual([wall(2026, 7, 9), wall(2026, 7, 10), 'Yesterday']);
  });

  it('reads last summer as the latest that has ended, this summer as the current one', () => {
    // In July, last summer is the year before's; this summer is under way.
    expect(range('last summer')?.[2]).toBe('Summer 2025');
    expect(range('this summer')?.[2]).toBe('Summer 2026');
    // In October the summer just gone is "last summer".
    expect(range('last summer', at(2026, 10, 2))?.[2]).toBe('Summer 2026');
    expect(range('last summer', at(2026, 3, 2))?.[2]).toBe('Summer 2025');
    expect(time('snow last winter')?.phrase).toBe('last winter');
  });

  it('crosses the year boundary', () => {
    const jan = at(2026, 1, 15);
    // Mid-January is inside winter 2025–26, so "last winter" is the one before.
    expect(range('last winter', jan)).toEqual([wall(2024, 12), wall(2025, 3), 'Winter 2024–25']);
    expect(range('this winter', jan)?.[2]).toBe('Winter 2025–26');
    expect(range('this winter', at(2026, 10, 1))?.[2]).toBe('Winter 2026–27');
    expect(range('last month', jan)).toEqual([wall(2025, 12), wall(2026, 1), 'December 2025']);
    expect(range('last december', jan)?.[2]).toBe('December 2025');
    expect(range('december', jan)?.[2]).toBe('December 2025');
    const newYear = at(2026, 1, 1);
    expect(range('yesterday', newYear)).toEqual([
      wall(2025, 12, 31),
      wall(2026, 1, 1),
      'Yesterday',
    ]);
    // Thursday 1 January 2026: the week began on Monday 29 December 2025.
    expect(range('this week', newYear)?.[0]).toBe(wall(2025, 12, 29));
    expect(range('last year', newYear)?.[2]).toBe('2025');
  });

  it('reads "since" up to the end of today', () => {
    expect(range('since 2024')).toEqual([wall(2024, 1), wall(2026, 7, 11), 'Since 2024']);
  });
});

describe('time words: only the first phrase', () => {
  it('takes the first time of the query and leaves the rest', () => {
    const t = time('2019 beach 2020');
    expect(t?.phrase).toBe('2019');
    expect(t?.span).toEqual({ start: 0, end: 4 });
  });
});
