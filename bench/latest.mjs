// bench/results/latest.json gathers every bench's figures, one top-level key per section:
// each bench replaces only its own keys, so that running one never drops another's. Beside the
// sections, `measured` records for each key when, where and by which command it was measured
// (bench/render-benchmarks.mjs prints it under each table).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const resultsDir = path.resolve(import.meta.dirname, 'results');
export const latestFile = path.join(resultsDir, 'latest.json');

/**
 * @typedef {{ command?: string, browser?: string, crossOriginIsolated?: boolean }} About
 * @typedef {{ date: string, command: string, machine: { cpu?: string, cores: number,
 *   memoryGiB: number }, loadAverage: number[], node: string } & About} Stamp
 */

/** Where and when a figure is being measured: this process's machine, now. */
export function stampNow(/** @type {About} */ about = {}) {
  return /** @type {Stamp} */ ({
    ...about,
    date: new Date().toISOString(),
    command: about.command ?? `node ${path.relative(process.cwd(), process.argv[1] ?? '')}`,
    machine: {
      cpu: os.cpus()[0]?.model,
      cores: os.cpus().length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    },
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    node: process.version,
  });
}

/**
 * `latest` with `sections` written in: each of their keys replaced, every other key kept, and
 * `measured[key]` set to `stamp` for exactly the keys written.
 * @param {Record<string, unknown>} latest
 * @param {Record<string, unknown>} sections
 * @param {Stamp} stamp
 * @returns {Record<string, unknown> & { measured: Record<string, Stamp> }}
 */
export function mergeSections(latest, sections, stamp) {
  if ('measured' in sections) throw new Error('`measured` is latest.json’s own key');
  const measured = /** @type {Record<string, Stamp>} */ (latest.measured ?? {});
  return {
    ...latest,
    ...sections,
    measured: { ...measured, ...Object.fromEntries(Object.keys(sections).map((k) => [k, stamp])) },
  };
}

/**
 * Writes `sections` (key → figures) into latest.json, keeping every other key as it was, and
 * records when and how they were measured.
 * @param {Record<string, unknown>} sections
 * @param {About} [about] the command (else this script's), the browser, if any
 */
export function mergeIntoLatest(sections, about = {}, file = latestFile) {
  mkdirSync(path.dirname(file), { recursive: true });
  const latest = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  writeFileSync(file, JSON.stringify(mergeSections(latest, sections, stampNow(about)), null, 2));
}
