import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generic, num, readResults, render } from './render-benchmarks.mjs';
import { mergeIntoLatest } from './latest.mjs';

describe('docs/benchmarks.md rendering', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const results = () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'lumen-render-'));
    return dir;
  };

  it('puts each section’s table where the notes name it, with when and how it was measured', () => {
    const d = results();
    mergeIntoLatest(
      { topK: { 100000: { dim: 512, k: 50, ms: 12.5, baselineMs: 250, ratio: 20 } } },
      { command: 'node bench/run.mjs', browser: '156.0.1' },
      path.join(d, 'latest.json'),
    );
    const notes = '# B\n\n## Top-K\n\n<!-- figures: topK -->\n\nWhy it is fast.\n';
    const page = render(notes, readResults(d));
    expect(page).toMatch(
      /## Top-K\n\n_Measured \d{4}-\d\d-\d\d \d\d:\d\d UTC · `node bench\/run.mjs`/,
    );
    expect(page).toContain('Chromium 156');
    expect(page).toContain('| 100,000 × 512 | 50 | 12.5 ms | 250 ms | 20.0× |');
    expect(page).toContain('Why it is fast.');
    expect(page).not.toContain('<!-- figures');
  });

  it('says which command measures a section the results lack, and shows unnamed sections', () => {
    const d = results();
    mergeIntoLatest(
      { firstRun: { sample: { readyToSearchMs: 7338.2 } } },
      {},
      path.join(d, 'latest.json'),
    );
    const page = render('<!-- figures: scan -->\n\n<!-- figures: unlisted -->\n', readResults(d));
    expect(page).toContain("No figures for `scan` in this run's results");
    expect(page).toContain('`node bench/run.mjs` measures them');
    expect(page).toContain('### `firstRun`');
    expect(page).toContain('| `sample.readyToSearchMs` | 7,338 |');
  });

  it('dates a section without a stamp by its own file when that file holds the same figures', () => {
    const d = results();
    const filtered = { 50: { unfilteredMs: 3.19, shares: [] } };
    writeFileSync(path.join(d, 'latest.json'), JSON.stringify({ filteredScan: filtered }));
    writeFileSync(
      path.join(d, 'filter.json'),
      JSON.stringify({ date: '2026-12-07T20:31:48.489Z', filteredScan: filtered }),
    );
    const sections = readResults(d);
    expect(sections.filteredScan?.stamp.date).toBe('2026-12-07T20:31:48.489Z');
    expect(render('<!-- figures: overview -->', sections)).toContain('2026-12-07 20:31 UTC');
  });

  it('writes figures to about three significant digits', () => {
    expect([num(0.026039), num(12.14), num(369.2), num(2014.4), num(0.5)]).toEqual([
      '0.026',
      '12.1',
      '369',
      '2,014',
      '0.5',
    ]);
    expect(generic({ date: 'x', a: { b: 1.23456 }, runs: [{ ms: 1 }] })).toBe(
      '| figure | value |\n| --- | --- |\n| `a.b` | 1.23 |',
    );
  });
});
