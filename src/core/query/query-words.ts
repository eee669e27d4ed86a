// What the search box's text says besides what to look for: a time ("in 2019", "last
// summer"), places of the library ("in Lisbon") and concepts to take away ("-red",
// `-"two words"`). Each becomes a chip whose span is cut from the text if the chip is removed,
// so the box and the chip row never disagree; the words left go to CLIP.
import { findTime, type TimeRange } from './time-words';
import { cutSpans, tokenize, type Span, type Token } from './tokens';

export type { TimeRange } from './time-words';
export type { Span } from './tokens';

/** A place name of the library, as the caller lists them (cities, regions, countries). */
export interface PlaceChoice {
  /** The caller's key for the filter; several names may share one (aliases). */
  id: string;
  name: string;
  /** Other names a person may type for it ("USA", "Holland"); the chip still says `name`. */
  aliases?: readonly string[];
  kind?: 'place' | 'region' | 'country';
  /** Photos taken there. */
  count?: number;
}

export interface QueryChip {
  kind: 'time' | 'place' | 'negative';
  label: string;
  span: Span;
}

export interface ParsedQuery<P extends PlaceChoice = PlaceChoice> {
  /** What goes to CLIP: the text less every chip's span; '' when nothing is left. */
  words: string;
  time?: TimeRange;
  /** Every choice whose name was matched (a name shared by a city and a country gives both). */
  places: P[];
  /** Concepts to take away, as typed ("red", "two words"). */
  negatives: string[];
  /** In the order of the text. */
  chips: QueryChip[];
}

const PLACE_INTRODUCERS = new Set(['in', 'at', 'near', 'from']);
const TAKEN = new Set(['taken', 'shot', 'photographed']);
/**
 * Place names that are everyday English words ("a nice sunset", "orange flowers"): such a
 * name is a place only after "in", "at", "near" or "from", or typed with a capital ("Nice").
 */
const COMMON_WORDS = new Set(
  (
    'bath battle bay beach bridge buffalo castle church college concord cork deal eagle ' +
    'enterprise fall forest garden harmony hill hope independence lake liberty march may ' +
    'mission mobile mold mountain nice orange paradise park phoenix progress reading river ' +
    'sale snow split spring street summer sunset unity university victory wells winter'
  ).split(' '),
);

/** `-word` and `-"two words"`, at the start of the text or after a space. */
const NEGATIVE = /(?<=^|\s)-(?:"([^"]*)"|([\p{L}\p{N}][^\s]*))/gu;

function findNegatives(text: string): { concept: string; span: Span }[] {
  const found: { concept: string; span: Span }[] = [];
  for (const m of text.matchAll(NEGATIVE)) {
    // A trailing comma or full stop is the sentence's, not the concept's.
    const concept = (m[1] ?? m[2]?.replace(/[,.;:!?]+$/, '') ?? '').trim();
    if (concept) found.push({ concept, span: { start: m.index, end: m.index + m[0].length } });
  }
  return found;
}

interface PlaceName<P> {
  words: string[];
  choices: P[];
}

/** The library's names by folded words, longest first, so "New York" wins over "York". */
function placeNames<P extends PlaceChoice>(places: readonly P[]): PlaceName<P>[] {
  const byName = new Map<string, P[]>();
  for (const p of places) {
    for (const name of [p.name, ...(p.aliases ?? [])]) {
      // Read as the query is, so "St. Louis" matches "st louis" and "St. Louis".
      const key = tokenize(name)
        .map((t) => t.word)
        .join(' ');
      const known = byName.get(key) ?? [];
      if (key && !known.includes(p)) byName.set(key, [...known, p]);
    }
  }
  return [...byName]
    .map(([key, choices]) => ({ words: key.split(' '), choices }))
    .sort((a, b) => b.words.length - a.words.length);
}

function nameAt<P>(tokens: readonly Token[], at: number, names: readonly PlaceName<P>[]) {
  return names.find((n) => n.words.every((w, k) => tokens[at + k]?.word === w));
}

function findPlaces<P extends PlaceChoice>(
  tokens: readonly Token[],
  taken: readonly boolean[],
  names: readonly PlaceName<P>[],
): { choices: P[]; label: string; span: Span }[] {
  const found: { choices: P[]; label: string; span: Span }[] = [];
  const free = (k: number) => k < tokens.length && !taken[k];
  for (let i = 0; i < tokens.length; i++) {
    if (!free(i)) continue;
    let at = i;
    if (TAKEN.has(tokens[at]!.word) && free(at + 1)) at++;
    const introduced = PLACE_INTRODUCERS.has(tokens[at]!.word) && free(at + 1);
    if (introduced) at++;
    if (at > i && !introduced) continue;
    const name = nameAt(tokens, at, names);
    if (!name) continue;
    const end = at + name.words.length;
    if (!Array.from({ length: end - at }, (_, k) => free(at + k)).every(Boolean)) continue;
    const capital = /^\p{Lu}/u.test(tokens[at]!.typed);
    if (name.words.length === 1 && COMMON_WORDS.has(name.words[0]!) && !introduced && !capital)
      continue;
    found.push({
      choices: name.choices,
      label: name.choices[0]!.name,
      span: { start: tokens[i]!.start, end: tokens[end - 1]!.end },
    });
    i = end - 1;
  }
  return found;
}

/**
 * Reads a query: `-word`s first, then one time phrase, then the library's place names in what
 * is left. `ctx.places` are the library's own names only, so a word that names no place of
 * the library stays a word.
 */
export function parseQuery<P extends PlaceChoice>(
  text: string,
  ctx: { now: Date; places: readonly P[] },
): ParsedQuery<P> {
  const chips: QueryChip[] = [];
  const negatives = findNegatives(text);
  for (const n of negatives) chips.push({ kind: 'negative', label: n.concept, span: n.span });

  const tokens = tokenize(
    text,
    negatives.map((n) => n.span),
  );
  const taken = tokens.map((t) => t.word === '');
  const time = findTime(tokens, ctx.now);
  if (time) {
    for (let k = time.first; k < time.end; k++) taken[k] = true;
    chips.push({ kind: 'time', label: time.range.label, span: time.range.span });
  }

  const places: P[] = [];
  for (const p of findPlaces(tokens, taken, placeNames(ctx.places))) {
    for (const c of p.choices) if (!places.includes(c)) places.push(c);
    chips.push({ kind: 'place', label: p.label, span: p.span });
  }

  chips.sort((a, b) => a.span.start - b.span.start);
  return {
    // Punctuation left alone between chips ("in Lisbon, Portugal") is nothing to look for.
    words: cutSpans(
      text,
      chips.map((c) => c.span),
    )
      .replace(/(?<=^|\s)[,.;:!?&+]+(?=\s|$)/g, '')
      .replace(/\s+/g, ' ')
      .trim(),
    ...(time && { time: time.range }),
    places,
    negatives: negatives.map((n) => n.concept),
    chips,
  };
}

/** The query text without the chip's phrase: what the box shows once the chip is removed. */
export function withoutChip(text: string, chip: Pick<QueryChip, 'span'>): string {
  return cutSpans(text, [chip.span]);
}
