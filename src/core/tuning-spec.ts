// The `tuning` section of a manifest profile (issue 9): the built-in query lists and the
// recorded training settings. Typed structurally here because the shared layer imports no
// worker code; workers/tuning/manifest-settings.ts maps it onto the trainer's own types.

/** How D_po samples one query's ranking (the tuning worker's DpoGridSettings). */
export interface TuningGridSpec {
  k: number;
  u: number;
  v: number;
  s: number;
  seed: number;
}

export interface TuningSpec {
  /** Built-in training queries: D_po is built from these plus the person's recent queries. */
  trainingQueries: string[];
  /** The benchmark's judging queries; never trained on, so disjoint from trainingQueries. */
  judgingQueries: string[];
  grid: TuningGridSpec;
  /**
   * Trainer settings chosen on validation queries, by TrainSettings name; a missing one takes
   * the trainer's default. Numbers only, so any key the trainer does not know is caught there.
   */
  settings: Record<string, number>;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function queryList(value: unknown, where: string, problems: string[]): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push(`${where} must be a non-empty array of query texts`);
    return [];
  }
  const texts: string[] = [];
  for (const v of value) {
    if (typeof v === 'string' && v.trim() !== '') texts.push(v.trim().toLowerCase());
    else problems.push(`${where} holds a query that is not a non-empty string`);
  }
  if (new Set(texts).size !== texts.length) problems.push(`${where} repeats a query`);
  return texts;
}

/** Problems with one profile's optional `tuning` section; empty when absent or usable. */
export function tuningProblems(profile: string, value: unknown): string[] {
  if (value === undefined) return [];
  const where = `${profile}: tuning`;
  if (!isRecord(value)) return [`${where} must be an object`];
  const problems: string[] = [];
  const training = queryList(value['trainingQueries'], `${where}.trainingQueries`, problems);
  const judging = new Set(queryList(value['judgingQueries'], `${where}.judgingQueries`, problems));
  // Case and spacing do not make a different query: judging on a trained query overstates gains.
  const shared = training.filter((t) => judging.has(t));
  if (shared.length) {
    problems.push(`${where}: training and judging queries overlap ("${shared.join('", "')}")`);
  }
  const grid = value['grid'];
  if (!isRecord(grid)) problems.push(`${where}.grid must be an object`);
  else {
    for (const key of ['k', 'u', 'v', 's', 'seed'] as const) {
      const n = grid[key];
      const ok = typeof n === 'number' && Number.isInteger(n) && (key === 'seed' || n >= 1);
      if (!ok) problems.push(`${where}.grid.${key} must be a positive integer`);
    }
  }
  const settings = value['settings'];
  if (!isRecord(settings)) problems.push(`${where}.settings must be an object`);
  else {
    for (const [key, n] of Object.entries(settings)) {
      if (typeof n !== 'number' || !Number.isFinite(n)) {
        problems.push(`${where}.settings.${key} must be a finite number`);
      }
    }
  }
  return problems;
}
