import {
  ASPECTS,
  type AspectOutcomes,
  type AspectVerdicts,
  type JudgedComparison,
  type PairOutcome,
  type Presentation,
  type Verdict,
} from './judging';

// A judged session on disk: JSON keeps everything (both showings, for audits of position bias);
// CSV keeps one row per comparison for spreadsheets.

export const SESSION_VERSION = 1;

export interface JudgedSession {
  version: typeof SESSION_VERSION;
  /** Who judged: "person", "proxy", "ground-truth", an LLM id… */
  judge: string;
  /** Seed of the side randomisation, so a session can be replayed. */
  seed: number;
  comparisons: JudgedComparison[];
}

export function sessionToJson(session: JudgedSession): string {
  return JSON.stringify(session, null, 2);
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(where: string, what: string): never {
  throw new Error(`judged session: ${where}: ${what}`);
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], where: string): T {
  const found = allowed.find((a) => a === v);
  if (found === undefined)
    fail(where, `expected one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  return found;
}

function perAspect<T extends string>(v: unknown, allowed: readonly T[], where: string) {
  if (!isObject(v)) fail(where, 'must be an object');
  const one = (aspect: (typeof ASPECTS)[number]) => oneOf(v[aspect], allowed, `${where}.${aspect}`);
  return { accuracy: one('accuracy'), aesthetics: one('aesthetics'), diversity: one('diversity') };
}

const OUTCOMES: readonly PairOutcome[] = ['a', 'b', 'similar'];
const VERDICTS: readonly Verdict[] = ['left', 'right', 'similar'];

function parsePresentation(v: unknown, where: string): Presentation {
  if (!isObject(v) || typeof v.aOnLeft !== 'boolean') fail(where, 'needs a boolean "aOnLeft"');
  const verdicts: AspectVerdicts = perAspect(v.verdicts, VERDICTS, `${where}.verdicts`);
  return { aOnLeft: v.aOnLeft, verdicts };
}

function text(o: Json, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string') fail(where, `"${key}" must be a string`);
  return v;
}

function parseComparison(v: unknown, where: string): JudgedComparison {
  if (!isObject(v)) fail(where, 'must be an object');
  const outcome: AspectOutcomes = perAspect(v.outcome, OUTCOMES, `${where}.outcome`);
  const c: JudgedComparison = {
    query: text(v, 'query', where),
    systemA: text(v, 'systemA', where),
    systemB: text(v, 'systemB', where),
    outcome,
  };
  if (v.presentations !== undefined) {
    const p = v.presentations;
    if (!Array.isArray(p) || p.length !== 2) fail(where, '"presentations" must hold two showings');
    c.presentations = [
      parsePresentation(p[0], `${where}.presentations[0]`),
      parsePresentation(p[1], `${where}.presentations[1]`),
    ];
  }
  return c;
}

/** Reads a session written by sessionToJson; throws an Error naming the first bad field. */
export function parseJudgedSession(json: string): JudgedSession {
  const v: unknown = JSON.parse(json);
  if (!isObject(v)) fail('root', 'must be an object');
  if (v.version !== SESSION_VERSION) fail('version', `unsupported ${JSON.stringify(v.version)}`);
  if (typeof v.seed !== 'number' || !Number.isInteger(v.seed)) fail('seed', 'must be an integer');
  if (!Array.isArray(v.comparisons)) fail('comparisons', 'must be an array');
  return {
    version: SESSION_VERSION,
    judge: text(v, 'judge', 'root'),
    seed: v.seed,
    comparisons: v.comparisons.map((c: unknown, i) => parseComparison(c, `comparisons[${i}]`)),
  };
}

/** RFC 4180: quote a field holding a comma, quote or line break, and double its quotes. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export const CSV_HEADER = ['query', 'system_a', 'system_b', ...ASPECTS, 'a_left_first'] as const;

/**
 * One line per comparison, outcomes as in JSON ("a", "b", "similar"; not the winner's name,
 * which a system called "similar" would make ambiguous). CRLF line ends, as RFC 4180 asks.
 */
export function sessionToCsv(session: JudgedSession): string {
  const lines = session.comparisons.map((c) =>
    [
      c.query,
      c.systemA,
      c.systemB,
      ...ASPECTS.map((aspect) => c.outcome[aspect]),
      c.presentations ? String(c.presentations[0].aOnLeft) : '',
    ]
      .map(csvField)
      .join(','),
  );
  return [CSV_HEADER.join(','), ...lines].map((line) => `${line}\r\n`).join('');
}
