import { describe, expect, it } from 'vitest';
import {
  CSV_HEADER,
  csvField,
  parseJudgedSession,
  sessionToCsv,
  sessionToJson,
  type JudgedSession,
} from './judged-session';
import { judgeBothOrders, type PresentationJudge } from './judging';

const better: PresentationJudge<number> = (l, r) => ({
  accuracy: l > r ? 'left' : 'right',
  aesthetics: 'similar',
  diversity: l < r ? 'left' : 'right',
});
const judged = judgeBothOrders(better, 2, 1, false);

const session: JudgedSession = {
  version: 1,
  judge: 'proxy',
  seed: 42,
  comparisons: [
    { query: 'a red star', systemA: 'base', systemB: 'tuned', ...judged },
    {
      query: 'stars, "bright"\nand red\r\n',
      systemA: 'base,v2',
      systemB: 'tuned',
      outcome: { accuracy: 'b', aesthetics: 'similar', diversity: 'a' },
    },
  ],
};

/** A strict RFC 4180 reader, so the test checks what a spreadsheet would read back. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const next = text[i + 1];
    if (quoted && ch === '"' && next === '"') {
      field += '"';
      i++;
    } else if (quoted && ch === '"') {
      quoted = false;
    } else if (quoted) {
      field += ch;
    } else if (ch === '"' && field === '') {
      quoted = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && next === '\n') {
      rows.push([...row, field]);
      row = [];
      field = '';
      i++;
    } else if (ch === '"' || ch === '\n' || ch === '\r') {
      throw new Error(`bare ${JSON.stringify(ch)} at ${i}`);
    } else {
      field += ch;
    }
  }
  if (quoted || field !== '' || row.length > 0) throw new Error('unterminated last line');
  return rows;
}

describe('CSV', () => {
  it('quotes only fields that need it, doubling quotes', () => {
    expect(csvField('plain text')).toBe('plain text');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\ronly')).toBe('"cr\ronly"');
  });

  it('reads back to the same fields, one row per comparison', () => {
    const rows = readCsv(sessionToCsv(session));
    expect(rows[0]).toEqual([...CSV_HEADER]);
    expect(rows.slice(1)).toEqual([
      ['a red star', 'base', 'tuned', 'a', 'similar', 'b', 'false'],
      ['stars, "bright"\nand red\r\n', 'base,v2', 'tuned', 'b', 'similar', 'a', ''],
    ]);
  });
});

describe('JSON', () => {
  it('round-trips a session, both showings included', () => {
    const back = parseJudgedSession(sessionToJson(session));
    expect(back).toEqual(session);
    expect(back.comparisons[0]!.presentations![0].aOnLeft).toBe(false);
  });

  const broken = (edit: (s: Record<string, unknown>) => void) => {
    const s = JSON.parse(sessionToJson(session)) as Record<string, unknown>;
    edit(s);
    return JSON.stringify(s);
  };

  it.each([
    ['another version', broken((s) => (s.version = 2)), /version/],
    ['a fractional seed', broken((s) => (s.seed = 0.5)), /seed/],
    [
      'an unknown outcome',
      broken((s) => (s.comparisons = [{ ...session.comparisons[1], outcome: { accuracy: 'x' } }])),
      /comparisons\[0\]\.outcome\.accuracy/,
    ],
    [
      'one showing only',
      broken((s) => (s.comparisons = [{ ...session.comparisons[0], presentations: [{}] }])),
      /two showings/,
    ],
    ['no comparisons', broken((s) => delete s.comparisons), /comparisons/],
  ])('refuses %s', (_name, text, message) => {
    expect(() => parseJudgedSession(text)).toThrow(message);
  });
});
