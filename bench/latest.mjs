// bench/results/latest.json gathers every bench's figures, one top-level key per section:
// each bench replaces only its own keys, so that running one never drops another's.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const resultsDir = path.resolve(import.meta.dirname, 'results');
export const latestFile = path.join(resultsDir, 'latest.json');

/** Writes `sections` (key → figures) into latest.json, keeping every other key as it was. */
export function mergeIntoLatest(sections) {
  mkdirSync(resultsDir, { recursive: true });
  const latest = existsSync(latestFile) ? JSON.parse(readFileSync(latestFile, 'utf8')) : {};
  writeFileSync(latestFile, JSON.stringify({ ...latest, ...sections }, null, 2));
}
