// Filtered search at 100k in Chromium: the search worker's scan with a filter keeping 10% and
// 1% of the library, as ratios against the unfiltered search in the same run (issue 21's goal:
// 10% kept, median ≤ 10 ms). bench/run.mjs runs it too; alone:
//   node bench/filter-bench.mjs
// Writes bench/results/filter.json and, as `filteredScan`, bench/results/latest.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mergeIntoLatest } from './latest.mjs';
import { machine, root, serveBench } from './serve.mjs';

/** Adds the filtered-search rows to `rows` and the figures to `results.filteredScan`. */
export async function benchFilteredSearch(page, { results, rows }) {
  results.filteredScan = {};
  for (const k of [50, 500]) {
    const r = await page.evaluate(
      ([k]) => window.lumenBench.filteredScan(100_000, 512, k, 25),
      [k],
    );
    results.filteredScan[k] = r;
    for (const s of r.shares) {
      rows.push([
        `filtered search, top-${k} of 100,000 × 512, ${Math.round(s.kept * 100)}% kept (${s.rows.toLocaleString('en')} rows)`,
        `${s.ms.toFixed(2)} ms (first with its row list ${s.firstMs.toFixed(1)} ms; exact top 10 ${Math.round(s.exactTop10 * 100)}%)`,
        `${r.unfilteredMs.toFixed(2)} ms (same search unfiltered)`,
        `${(s.ms / r.unfilteredMs).toFixed(2)}× the unfiltered time`,
      ]);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outDir = path.join(root, 'bench', 'dist');
  const { browser, url, close } = await serveBench({ page: 'index.html', outDir, port: 4177 });
  const results = {
    date: new Date().toISOString(),
    machine: machine(),
    browser: browser.version(),
  };
  const rows = [];
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(url);
    await page.waitForFunction(() => 'lumenBench' in window);
    await benchFilteredSearch(page, { results, rows });
  } finally {
    await close();
  }
  console.log(`\nFiltered search — ${results.machine.cpu}, Chromium ${results.browser}\n`);
  for (const r of rows) console.log(r.join(' | '));
  mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(
    path.join(root, 'bench', 'results', 'filter.json'),
    JSON.stringify(results, null, 2),
  );
  mergeIntoLatest({ filteredScan: results.filteredScan });
}
