// Words for a time in the search box ("beach in 2019", "snow last winter", "from 2018 to
// 2020") turned into a range of capture times. chrono-node parses none of these (it has no
// seasons and reads bare years as times of day), so this is a small grammar of its own:
//   [taken|shot] [in|during|from|since|between] CORE [(to|until|through|-|and) CORE]
//   CORE: today | yesterday | (this|last) (week|month|year|<month>|<season>)
//       | [the] <season> [of] <year> | [the] <month> [of] <year> | <month> | <year> | <year>-<year>
//       | [the] <decade> ("the 1990s")
// Times are the photo's own wall clock read as if UTC (MetaBlock.takenAt), so "now" is read in
// the person's local calendar. Seasons are meteorological and northern: spring March–May,
// summer June–August, autumn September–November, winter December–February ("winter 2019" is
// December 2019 to February 2020).
import type { Span, Token } from './tokens';

export const MIN_YEAR = 1900;

export interface TimeRange {
  /** Inclusive start, ms of local wall-clock time read as UTC (as MetaBlock.takenAt). */
  from: number;
  /** Exclusive end, same clock. */
  to: number;
  /** What the chip says: the resolved range ("Summer 2025" for "last summer"). */
  label: string;
  /** The phrase in the query text, its connecting words included ("in 2019"). */
  span: Span;
}

export interface TimeMatch {
  range: TimeRange;
  /** The phrase's tokens: [first, end). */
  first: number;
  end: number;
}

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const MONTH_LABELS = MONTHS.map((m) => m[0]!.toUpperCase() + m.slice(1));
const ABBREVIATIONS: Record<string, number> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  sept: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};
/**
 * Month names that are everyday words ("may", "march"), and every abbreviation, are a time on
 * their own only with a year ("may 2020"), a connecting word ("in may") or "this"/"last".
 */
const NEEDS_CONTEXT = new Set(['may', 'march', ...Object.keys(ABBREVIATIONS)]);
/** Season → month it starts in. Alone ("summer", "in summer") a season stays a word for CLIP. */
const SEASONS: Record<string, number> = { spring: 2, summer: 5, autumn: 8, fall: 8, winter: 11 };
const SEASON_LABELS: Record<number, string> = {
  2: 'Spring',
  5: 'Summer',
  8: 'Autumn',
  11: 'Winter',
};
const TAKEN = new Set(['taken', 'shot', 'photographed']);
const INTRODUCERS = new Set(['in', 'during', 'from', 'since', 'between']);
const RANGE_TO = new Set(['to', 'until', 'till', 'through', 'thru', '-', '–', '—']);
const DAY_MS = 86_400_000;

interface Period {
  from: number;
  to: number;
  label: string;
  /** A month named without a year, resolved to a default year a range may override. */
  yearlessMonth?: number;
  /** Whole years: a range of them reads "2018–2020". */
  years?: [number, number];
}

interface Today {
  y: number;
  m: number;
  d: number;
}

const utc = (y: number, m: number, d = 1) => Date.UTC(y, m, d);

function monthPeriod(y: number, m: number): Period {
  const start = new Date(utc(y, m));
  const year = start.getUTCFullYear();
  const month = start.getUTCMonth();
  return {
    from: start.getTime(),
    to: utc(year, month + 1),
    label: `${MONTH_LABELS[month]} ${year}`,
  };
}

function yearPeriod(y: number): Period {
  return { from: utc(y, 0), to: utc(y + 1, 0), label: String(y), years: [y, y] };
}

function seasonPeriod(start: number, y: number): Period {
  const label =
    start === 11 ? `Winter ${y}–${String(y + 1).slice(-2)}` : `${SEASON_LABELS[start]} ${y}`;
  return { from: utc(y, start), to: utc(y, start + 3), label };
}

function monthOf(word: string): number | undefined {
  const full = MONTHS.indexOf(word);
  return full >= 0 ? full : ABBREVIATIONS[word];
}

function yearOf(word: string | undefined, today: Today): number | undefined {
  if (!word || !/^\d{4}$/.test(word)) return undefined;
  const y = Number(word);
  return y >= MIN_YEAR && y <= today.y + 1 ? y : undefined;
}

/** this/last + a unit, today, yesterday. */
function relative(words: string[], today: Today): [Period, number] | undefined {
  const { y, m, d } = today;
  if (words[0] === 'today')
    return [{ from: utc(y, m, d), to: utc(y, m, d + 1), label: 'Today' }, 1];
  if (words[0] === 'yesterday')
    return [{ from: utc(y, m, d - 1), to: utc(y, m, d), label: 'Yesterday' }, 1];
  const which = words[0];
  const unit = words[1];
  if ((which !== 'this' && which !== 'last') || unit === undefined) return undefined;
  const last = which === 'last';
  if (unit === 'year') return [yearPeriod(last ? y - 1 : y), 2];
  if (unit === 'month') return [monthPeriod(y, last ? m - 1 : m), 2];
  if (unit === 'week') {
    const sinceMonday = (new Date(utc(y, m, d)).getUTCDay() + 6) % 7;
    const monday = utc(y, m, d - sinceMonday) - (last ? 7 * DAY_MS : 0);
    return [{ from: monday, to: monday + 7 * DAY_MS, label: last ? 'Last week' : 'This week' }, 2];
  }
  const month = monthOf(unit);
  if (month !== undefined) return [monthPeriod(last && month >= m ? y - 1 : y, month), 2];
  const season = SEASONS[unit];
  if (season === undefined) return undefined;
  const monthStart = utc(y, m);
  if (last) {
    // The latest one that has ended: in January "last winter" is the one before this one.
    for (let year = y; ; year--) {
      const p = seasonPeriod(season, year);
      if (p.to <= monthStart) return [p, 2];
    }
  }
  const current = seasonPeriod(season, y - 1);
  return [
    current.from <= monthStart && monthStart < current.to ? current : seasonPeriod(season, y),
    2,
  ];
}

/** One time at words[0..]: the period and how many words it took. */
function core(words: string[], today: Today, introduced: boolean): [Period, number] | undefined {
  const rel = relative(words, today);
  if (rel) return rel;
  const range = /^(\d{4})[-–—](\d{4})$/.exec(words[0] ?? '');
  if (range) {
    const a = yearOf(range[1], today);
    const b = yearOf(range[2], today);
    return a !== undefined && b !== undefined && b >= a ? [yearsPeriod(a, b), 1] : undefined;
  }
  const year = yearOf(words[0], today);
  if (year !== undefined) return [yearPeriod(year), 1];
  const skip = words[0] === 'the' ? 1 : 0;
  const name = words[skip] ?? '';
  const decade = /^(\d{3})0s$/.exec(name);
  const decadeStart = decade && yearOf(`${decade[1]}0`, today);
  if (decadeStart) {
    const p = yearsPeriod(decadeStart, decadeStart + 9);
    return [{ ...p, label: `${decadeStart}s` }, skip + 1];
  }
  const ofYear = words[skip + 1] === 'of' ? 1 : 0;
  const namedYear = yearOf(words[skip + 1 + ofYear], today);
  const season = SEASONS[name];
  if (season !== undefined && namedYear !== undefined)
    return [seasonPeriod(season, namedYear), skip + 2 + ofYear];
  const month = monthOf(name);
  if (month === undefined) return undefined;
  if (namedYear !== undefined) return [monthPeriod(namedYear, month), skip + 2 + ofYear];
  if (skip || (!introduced && NEEDS_CONTEXT.has(name))) return undefined;
  // A month alone is the latest one that has begun.
  const p = monthPeriod(month <= today.m ? today.y : today.y - 1, month);
  return [{ ...p, yearlessMonth: month }, 1];
}

function yearsPeriod(a: number, b: number): Period {
  return {
    ...yearPeriod(a),
    to: utc(b + 1, 0),
    label: a === b ? String(a) : `${a}–${b}`,
    years: [a, b],
  };
}

/** "A to B": a month without a year takes its year from the other end. */
function span(a: Period, b: Period): Period | undefined {
  const aMonth = a.yearlessMonth;
  const bMonth = b.yearlessMonth;
  if (aMonth !== undefined && bMonth === undefined) {
    const bYear = new Date(b.from).getUTCFullYear();
    a = monthPeriod(bYear, aMonth);
    if (a.from > b.from) a = monthPeriod(bYear - 1, aMonth);
  } else if (bMonth !== undefined) {
    const aYear = new Date(a.from).getUTCFullYear();
    b = monthPeriod(aYear, bMonth);
    if (b.from < a.from) b = monthPeriod(aYear + 1, bMonth);
  }
  if (b.to <= a.from) return undefined;
  if (a.years && b.years) return yearsPeriod(a.years[0], b.years[1]);
  return { from: a.from, to: b.to, label: `${a.label} – ${b.label}` };
}

/** The phrase starting at token `i`, connecting words included, or undefined. */
function phraseAt(tokens: readonly Token[], i: number, today: Today): TimeMatch | undefined {
  const words = tokens.slice(i, i + 12).map((t) => t.word);
  let at = TAKEN.has(words[0]!) ? 1 : 0;
  const introducer = INTRODUCERS.has(words[at]!) ? words[at++] : undefined;
  const first = core(words.slice(at), today, introducer !== undefined);
  if (!first) return undefined;
  let period = first[0];
  at += first[1];
  const joiner = words[at];
  const isJoiner = introducer === 'between' ? joiner === 'and' : RANGE_TO.has(joiner ?? '');
  const second =
    isJoiner && introducer !== 'since' ? core(words.slice(at + 1), today, true) : undefined;
  const both = second && span(period, second[0]);
  if (both) {
    period = both;
    at += 1 + second[1];
  } else if (introducer === 'between') return undefined;
  if (introducer === 'since')
    period = {
      from: period.from,
      to: utc(today.y, today.m, today.d + 1),
      label: `Since ${period.label}`,
    };
  const last = tokens[i + at - 1]!;
  return {
    range: {
      from: period.from,
      to: period.to,
      label: period.label,
      span: { start: tokens[i]!.start, end: last.end },
    },
    first: i,
    end: i + at,
  };
}

/** The first time phrase among `tokens`, read against `now` in the local calendar. */
export function findTime(tokens: readonly Token[], now: Date): TimeMatch | undefined {
  const today = { y: now.getFullYear(), m: now.getMonth(), d: now.getDate() };
  for (let i = 0; i < tokens.length; i++) {
    const match = phraseAt(tokens, i, today);
    if (match) return match;
  }
  return undefined;
}
