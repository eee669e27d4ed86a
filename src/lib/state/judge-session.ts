import {
  ASPECTS,
  aOnLeftFirst,
  agreementRate,
  combinePresentations,
  comparisonId,
  tally,
  type Agreement,
  type Aspect,
  type AspectVerdicts,
  type JudgedComparison,
  type Presentation,
  type Tally,
} from '../../core/eval/judging';
import {
  SESSION_VERSION,
  sessionToCsv,
  sessionToJson,
  type JudgedSession,
} from '../../core/eval/judged-session';
import type { JudgedPhoto, JudgementRecord } from '../../core/store/db';
import { normaliseQuery } from '../../core/store/query-history';

// The bookkeeping of a stored judging session, kept pure so specs can drive it without a page:
// which showing comes next, which side each system is on, and what the answers add up to.

export type SessionShape = Pick<JudgementRecord, 'systemA' | 'systemB' | 'seed' | 'queries'>;

export interface Showing {
  /** Position in the schedule, 0-based. */
  index: number;
  query: string;
  queryIndex: number;
  aOnLeft: boolean;
  /** The second showing of this comparison, sides swapped. */
  repeat: boolean;
}

function firstSide(s: SessionShape, query: string): boolean {
  return aOnLeftFirst(s.seed, comparisonId(query, s.systemA, s.systemB));
}

/**
 * Every query once, then every query again with the sides swapped: the repeat comes as late as
 * possible, so the person is less likely to remember the first answer than to judge again.
 */
export function showingAt(s: SessionShape, index: number): Showing | null {
  const n = s.queries.length;
  if (index < 0 || index >= 2 * n) return null;
  const queryIndex = index % n;
  const query = s.queries[queryIndex]!.query;
  const repeat = index >= n;
  const first = firstSide(s, query);
  return { index, query, queryIndex, aOnLeft: repeat ? !first : first, repeat };
}

export function showingCount(s: SessionShape): number {
  return 2 * s.queries.length;
}

/** Where the answers stand: complete showings, and the aspect asked next (null when done). */
export function progressOf(record: Pick<JudgementRecord, 'answers' | 'queries'>): {
  done: number;
  total: number;
  aspect: Aspect | null;
} {
  const total = 2 * record.queries.length;
  const done = Math.min(total, Math.floor(record.answers.length / ASPECTS.length));
  return {
    done,
    total,
    aspect: done < total ? ASPECTS[record.answers.length % ASPECTS.length]! : null,
  };
}

export function rowsOf(
  s: SessionShape,
  showing: Showing,
): { left: JudgedPhoto[]; right: JudgedPhoto[] } {
  const rows = s.queries[showing.queryIndex]!;
  return showing.aOnLeft
    ? { left: rows.rowA, right: rows.rowB }
    : { left: rows.rowB, right: rows.rowA };
}

export interface Current {
  done: number;
  total: number;
  aspect: Aspect | null;
  showing: Showing | null;
  rows: { left: JudgedPhoto[]; right: JudgedPhoto[] } | null;
}

export function currentOf(record: JudgementRecord): Current {
  const { done, total, aspect } = progressOf(record);
  const showing = showingAt(record, done);
  return { done, total, aspect, showing, rows: showing ? rowsOf(record, showing) : null };
}

function verdictsAt(answers: JudgementRecord['answers'], index: number): AspectVerdicts | null {
  const at = index * ASPECTS.length;
  if (answers.length < at + ASPECTS.length) return null;
  return { accuracy: answers[at]!, aesthetics: answers[at + 1]!, diversity: answers[at + 2]! };
}

/** The person's comparisons whose both showings are answered, in query order. */
export function personComparisons(record: JudgementRecord): JudgedComparison[] {
  const out: JudgedComparison[] = [];
  const n = record.queries.length;
  for (let q = 0; q < n; q++) {
    const shown = [showingAt(record, q)!, showingAt(record, q + n)!];
    const verdicts = shown.map((s) => verdictsAt(record.answers, s.index));
    if (!verdicts[0] || !verdicts[1]) continue;
    const presentations: [Presentation, Presentation] = [
      { aOnLeft: shown[0]!.aOnLeft, verdicts: verdicts[0] },
      { aOnLeft: shown[1]!.aOnLeft, verdicts: verdicts[1] },
    ];
    out.push({
      query: record.queries[q]!.query,
      systemA: record.systemA,
      systemB: record.systemB,
      outcome: combinePresentations(...presentations),
      presentations,
    });
  }
  return out;
}

export interface JudgeReport {
  comparisons: JudgedComparison[];
  /** From system A's side. */
  tallies: Record<Aspect, Tally>;
}

export interface SessionReport {
  person: JudgeReport;
  proxy: JudgeReport | null;
  /** Over the comparisons both judged; null when they share none. */
  agreement: (Agreement & { comparisons: number }) | null;
}

export function sessionReport(record: JudgementRecord): SessionReport {
  const person = personComparisons(record);
  const proxy = record.proxy ?? null;
  let agreement: SessionReport['agreement'] = null;
  if (proxy) {
    const judged = new Set(person.map((c) => c.query));
    const shared = proxy.filter((c) => judged.has(c.query));
    const mine = person.filter((c) => shared.some((p) => p.query === c.query));
    if (mine.length) agreement = { ...agreementRate(mine, shared), comparisons: mine.length };
  }
  return {
    person: { comparisons: person, tallies: tally(person.map((c) => c.outcome)) },
    proxy: proxy ? { comparisons: proxy, tallies: tally(proxy.map((c) => c.outcome)) } : null,
    agreement,
  };
}

export function judgedSession(record: JudgementRecord, judge: 'person' | 'proxy'): JudgedSession {
  const comparisons = judge === 'person' ? personComparisons(record) : (record.proxy ?? []);
  return { version: SESSION_VERSION, judge, seed: record.seed, comparisons };
}

export interface ExportFile {
  name: string;
  type: string;
  text: string;
}

export function exportFile(
  record: JudgementRecord,
  judge: 'person' | 'proxy',
  format: 'json' | 'csv',
): ExportFile {
  const session = judgedSession(record, judge);
  return {
    name: `lumen-judging-${record.systemA}-vs-${record.systemB}-${judge}.${format}`,
    type: format === 'json' ? 'application/json' : 'text/csv',
    text: format === 'json' ? sessionToJson(session) : sessionToCsv(session),
  };
}

/** Trimmed, each once: case and spacing do not make another query. */
export function uniqueQueries(raw: readonly string[]): string[] {
  const seen = new Set<string>();
  return raw
    .map((q) => q.trim())
    .filter((q) => {
      const key = normaliseQuery(q);
      if (!key || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}
