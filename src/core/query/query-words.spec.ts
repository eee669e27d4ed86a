import { describe, expect, it } from 'vitest';
import { parseQuery, withoutChip, type PlaceChoice } from './query-words';

const NOW = new Date(2026, 6, 10, 12);
const wall = (y: number, month: number) => Date.UTC(y, month - 1, 1);

const LIBRARY: PlaceChoice[] = [
  { id: 'place:Lisbon', name: 'Lisbon', kind: 'place', count: 40 },
  { id: 'place:New York', name: 'New York', kind: 'place', count: 12 },
  { id: 'region:New York', name: 'New York', kind: 'region', count: 15 },
  { id: 'place:York', name: 'York', kind: 'place', count: 3 },
  { id: 'place:Zürich', name: 'Zürich', kind: 'place', count: 5 },
  { id: 'place:Nice', name: 'Nice', kind: 'place', count: 8 },
  { id: 'country:PT', name: 'Portugal', kind: 'country', count: 52 },
];

const parse = (text: string, places = LIBRARY) => parseQuery(text, { now: NOW, places });
const chipText = (text: string) =>
  parse(text).chips.map((c) => `${c.kind}:${text.slice(c.span.start, c.span.end)}`);

describe('parseQuery: the examples of the issue', () => {
  it('"beach in 2019": a time, and "beach" for CLIP', () => {
    const q = parse('beach in 2019');
    expect(q.words).toBe('beach');
    expect(q.time).toMatchObject({ from: wall(2019, 1), to: wall(2020, 1), label: '2019' });
    expect(q.chips).toEqual([{ kind: 'time', label: '2019', span: { start: 6, end: 13 } }]);
  });

  it('"sunset in Lisbon": a place of the library', () => {
    const q = parse('sunset in Lisbon');
    expect(q.words).toBe('sunset');
    expect(q.places.map((p) => p.id)).toEqual(['place:Lisbon']);
    expect(q.time).toBeUndefined();
    expect(chipText('sunset in Lisbon')).toEqual(['place:in Lisbon']);
  });

  it('"snow last winter", "last summer" and "a red circle in 2021"', () => {
    expect(parse('snow last winter')).toMatchObject({
      words: 'snow',
      time: { label: 'Winter 2025–26' },
    });
    // Nothing left for CLIP: the caller lists the library by time taken.
    expect(parse('last summer')).toMatchObject({ words: '', time: { label: 'Summer 2025' } });
    expect(parse('a red circle in 2021')).toMatchObject({
      words: 'a red circle',
      time: { from: wall(2021, 1), to: wall(2022, 1) },
    });
  });
});

describe('parseQuery: places', () => {
  it('matches only the library’s own places; other words stay words', () => {
    const q = parse('sunset in Paris');
    expect(q.words).toBe('sunset in Paris');
    expect(q.places).toEqual([]);
    expect(parse('lisbon', []).words).toBe('lisbon');
  });

  it('matches names in any case and without accents, multi-word names first', () => {
    expect(parse('lisbon tram').places.map((p) => p.id)).toEqual(['place:Lisbon']);
    expect(parse('ZURICH lake').places.map((p) => p.id)).toEqual(['place:Zürich']);
    const ny = parse('taxi in new york');
    // A name shared by a city and a region gives both; "York" inside it is not matched.
    expect(ny.places.map((p) => p.id)).toEqual(['place:New York', 'region:New York']);
    expect(ny.words).toBe('taxi');
    expect(ny.chips).toEqual([{ kind: 'place', label: 'New York', span: { start: 5, end: 16 } }]);
    expect(parse('york minster').places.map((p) => p.id)).toEqual(['place:York']);
  });

  it('matches aliases and names with punctuation as the query is read', () => {
    const places: PlaceChoice[] = [
      { id: 'country:US', name: 'United States', aliases: ['USA', 'U.S.A.'] },
      { id: 'place:St. Louis', name: 'St. Louis' },
    ];
    expect(parse('road trip usa', places).chips).toEqual([
      { kind: 'place', label: 'United States', span: { start: 10, end: 13 } },
    ]);
    expect(parse('arch in st louis', places).places.map((p) => p.id)).toEqual(['place:St. Louis']);
    expect(parse('St. Louis arch', places).words).toBe('arch');
  });

  it('takes several places, and a time with them', () => {
    const q = parse('photos taken in Lisbon, Portugal in 2019');
    expect(q.places.map((p) => p.id)).toEqual(['place:Lisbon', 'country:PT']);
    expect(q.time?.label).toBe('2019');
    expect(q.words).toBe('photos');
  });

  it('can leave nothing for CLIP: places and a range of years', () => {
    const q = parse('taken in Lisbon, Portugal from 2018 to 2020');
    expect(q.words).toBe('');
    expect(q.chips.map((c) => c.label)).toEqual(['Lisbon', 'Portugal', '2018–2020']);
  });

  it('reads a place name that is an everyday word only when it is clearly a place', () => {
    expect(parse('a nice sunset').places).toEqual([]);
    expect(parse('a nice sunset').words).toBe('a nice sunset');
    expect(parse('sunset in nice').places.map((p) => p.id)).toEqual(['place:Nice']);
    expect(parse('Nice sunset').places.map((p) => p.id)).toEqual(['place:Nice']);
  });
});

describe('parseQuery: -word', () => {
  it('takes -word and -"two words" out as concepts to subtract', () => {
    const q = parse('a circle -red -"blue sky"');
    expect(q.words).toBe('a circle');
    expect(q.negatives).toEqual(['red', 'blue sky']);
    expect(chipText('a circle -red -"blue sky"')).toEqual([
      'negative:-red',
      'negative:-"blue sky"',
    ]);
  });

  it('leaves hyphens inside words, lone dashes and year ranges alone', () => {
    expect(parse('a t-shirt').negatives).toEqual([]);
    expect(parse('a t-shirt').words).toBe('a t-shirt');
    expect(parse('cats - dogs').negatives).toEqual([]);
    expect(parse('beach 2018-2020')).toMatchObject({ negatives: [], words: 'beach' });
    expect(parse('-dog, cat').negatives).toEqual(['dog']);
  });

  it('never reads a place or a time inside a -word', () => {
    const q = parse('tram -lisbon -"in 2019"');
    expect(q.places).toEqual([]);
    expect(q.time).toBeUndefined();
    expect(q.negatives).toEqual(['lisbon', 'in 2019']);
    expect(q.words).toBe('tram');
  });
});

describe('withoutChip', () => {
  it('removing a chip removes its phrase, and the rest of the query reads the same', () => {
    const text = 'a red circle in 2021 in Lisbon -square';
    const q = parse(text);
    expect(q.chips.map((c) => c.kind)).toEqual(['time', 'place', 'negative']);
    const [time, place, negative] = q.chips;

    const noTime = withoutChip(text, time!);
    expect(noTime).toBe('a red circle in Lisbon -square');
    expect(parse(noTime)).toMatchObject({ words: 'a red circle', negatives: ['square'] });
    expect(parse(noTime).time).toBeUndefined();
    expect(parse(noTime).places.map((p) => p.id)).toEqual(['place:Lisbon']);

    expect(withoutChip(text, place!)).toBe('a red circle in 2021 -square');
    expect(withoutChip(text, negative!)).toBe('a red circle in 2021 in Lisbon');
  });

  it('leaves an empty box when the only chip goes', () => {
    const q = parse('last summer');
    expect(withoutChip('last summer', q.chips[0]!)).toBe('');
  });
});
