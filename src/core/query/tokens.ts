// The search box's text as words with their places in it, so that whatever a parser takes
// (a time, a place, a `-word`) can be cut out of the text exactly and shown as a chip.

/** Where a phrase sits in the query text: [start, end) in UTF-16 units. */
export interface Span {
  start: number;
  end: number;
}

export interface Token extends Span {
  /** Lower case, without surrounding punctuation ("2019," → "2019"); '' never matches. */
  word: string;
  /** The word as typed (punctuation stripped), for "Nice" against "nice". */
  typed: string;
}

const LEADING = /^["'“‘(«[]+/;
const TRAILING = /["'”’)»\],.;:!?]+$/;

/** Lower case without accents: "Zürich" and "zurich" are one name to a person typing. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Words of `text`; those starting inside one of `blocked` match nothing (word ''). */
export function tokenize(text: string, blocked: readonly Span[] = []): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(/\S+/g)) {
    const raw = m[0];
    const lead = LEADING.exec(raw)?.[0].length ?? 0;
    const core = raw.slice(lead).replace(TRAILING, '');
    const start = m.index + lead;
    const end = start + core.length;
    const isBlocked = blocked.some((b) => m.index >= b.start && m.index < b.end);
    if (core === '' && !isBlocked) continue;
    tokens.push({
      start: isBlocked ? m.index : start,
      end: isBlocked ? m.index + raw.length : end,
      word: isBlocked ? '' : fold(core),
      typed: isBlocked ? '' : core,
    });
  }
  return tokens;
}

/** `text` without the given spans, the gaps closed to one space. */
export function cutSpans(text: string, spans: readonly Span[]): string {
  let out = '';
  let at = 0;
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    if (s.start < at) continue;
    out += text.slice(at, s.start) + ' ';
    at = s.end;
  }
  out += text.slice(at);
  return out.replace(/\s+/g, ' ').trim();
}
