// npm run bench: builds the app with a benchmark page, serves it like `vite preview`
// (COOP/COEP, so WASM gets threads), drives Chromium, prints ratios against baselines
// measured in the same run, and writes its sections into bench/results/latest.json (the other
// benches' keys stay).
import { mergeIntoLatest } from './latest.mjs';
import path from 'node:path';
import { machine, root, serveBench } from './serve.mjs';
import { benchScroll } from './scroll-bench.mjs';
import { benchBigPhotoIndexing } from './indexing-bench.mjs';
import { benchFilteredSearch } from './filter-bench.mjs';

const fixture = path.join(root, 'e2e', 'fixtures', 'tiny-world', 'photos');

// `--skip=bigPhotoIndexing,scroll` leaves sections out (their keys in latest.json stay as they were).
const skip = new Set(
  process.argv
    .filter((a) => a.startsWith('--skip='))
    .flatMap((a) => a.slice('--skip='.length).split(',')),
);
const want = (section) => !skip.has(section);

const outDir = path.join(root, 'bench', 'dist');
const { browser, url, close } = await serveBench({ page: 'index.html', outDir, port: 4175 });

// Only sections go into latest.json; when and where they were measured is latest.mjs's stamp.
const about = { machine: machine(), browser: browser.version(), crossOriginIsolated: false };
const results = {};
const rows = [];
const command = `node bench/run.mjs${process.argv
  .slice(2)
  .map((a) => ` ${a}`)
  .join('')}`;
/**
 * Runs one section unless skipped, prints its rows and writes its key into latest.json at once,
 * so that a section that fails later loses nothing measured before it.
 */
async function section(key, measure) {
  if (!want(key)) return;
  const from = rows.length;
  await measure();
  for (const r of rows.slice(from)) console.log(r.join(' | '));
  if (results[key] !== undefined)
    mergeIntoLatest(
      { [key]: results[key] },
      { command, browser: about.browser, crossOriginIsolated: about.crossOriginIsolated },
    );
}
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(url);
  await page.waitForFunction(() => 'lumenBench' in window);
  about.crossOriginIsolated = await page.evaluate(() => window.lumenBench.crossOriginIsolated());
  await page.locator('#folder').setInputFiles(fixture);

  await section('indexing', async () => {
    results.indexing = {};
    for (const [name, source, count] of [
      ['tiny-world fixture (128×128 JPEG/PNG)', 'folder', 200],
      ['synthetic camera photos (2048×1536 JPEG)', 'synthetic', 40],
    ]) {
      const r = await page.evaluate(
        ([s, c]) => window.lumenBench.indexing('tiny-world', s, c),
        [source, count],
      );
      results.indexing[source] = {
        name,
        ...r,
        ratio: r.ours.imagesPerSecond / r.baseline.imagesPerSecond,
      };
      rows.push([
        `indexing: ${name}, ${r.images} images`,
        `${r.ours.imagesPerSecond.toFixed(1)} img/s (best of ${r.oursRuns.map((x) => x.toFixed(1)).join(', ')})`,
        `${r.baseline.imagesPerSecond.toFixed(1)} img/s (main thread, one at a time, nothing stored; best of ${r.baselineRuns.map((x) => x.toFixed(1)).join(', ')})`,
        `${(r.ours.imagesPerSecond / r.baseline.imagesPerSecond).toFixed(2)}× faster`,
      ]);
    }
  });
  await section('bigPhotoIndexing', () => benchBigPhotoIndexing(page, { outDir, results, rows }));
  await section('scoring', async () => {
    const sc = await page.evaluate(() => window.lumenBench.scoring(30));
    results.scoring = {
      ...sc,
      pixelRatio: sc.pixel.imagesPerSecond / sc.pixel.baselineImagesPerSecond,
    };
    rows.push([
      'pixel statistics, 30 photos of 2048×1536',
      `${sc.pixel.imagesPerSecond.toFixed(1)} img/s (256-px working copy)`,
      `${sc.pixel.baselineImagesPerSecond.toFixed(1)} img/s (full-size decode)`,
      `${(sc.pixel.imagesPerSecond / sc.pixel.baselineImagesPerSecond).toFixed(2)}× faster`,
    ]);
    rows.push([
      'LAION head on stored 512-d vectors',
      `${Math.round(sc.laion.imagesPerSecond).toLocaleString('en')} img/s`,
      '—',
      '—',
    ]);
    rows.push([
      'CLIP-IQA, 7 prompt pairs, stored vectors',
      `${Math.round(sc.clipIqa.imagesPerSecond).toLocaleString('en')} img/s`,
      '—',
      '—',
    ]);
  });
  await section('topK', async () => {
    results.topK = {};
    for (const n of [10_000, 100_000]) {
      const r = await page.evaluate(([n]) => window.lumenBench.topK(n, 512, 50, 15), [n]);
      results.topK[n] = { dim: 512, k: 50, ...r, ratio: r.baselineMs / r.ms };
      rows.push([
        `exact top-50, ${n.toLocaleString('en')} × 512 vectors`,
        `${r.ms.toFixed(2)} ms`,
        `${r.baselineMs.toFixed(2)} ms (plain JS loop + sort)`,
        `${(r.baselineMs / r.ms).toFixed(2)}× faster`,
      ]);
    }
  });
  await section('scan', async () => {
    results.scan = {};
    // 100k twice: scanned whole (exact int8) and through the sign prefilter the app uses there.
    const scans = [
      [10_000, undefined, '10000'],
      [100_000, false, '100000-whole'],
      [100_000, undefined, '100000'],
      ...(process.argv.includes('--1m') ? [[1_000_000, undefined, '1000000']] : []),
    ];
    for (const [n, prefilter, key] of scans) {
      const r = await page.evaluate(
        ([n, withFloat, prefilter]) =>
          window.lumenBench.scan(n, 512, 50, 15, withFloat, prefilter ?? undefined),
        [n, n <= 100_000, prefilter ?? null],
      );
      results.scan[key] = { dim: 512, k: 50, ...r, ratio: r.topKMs ? r.topKMs / r.ms : null };
      const how = r.prefiltered ? 'sign prefilter + int8 SIMD + refined' : 'int8 SIMD + refined';
      rows.push([
        `search scan (${how}), top-50, ${n.toLocaleString('en')} × 512`,
        `${r.ms.toFixed(2)} ms (first ${r.firstMs.toFixed(1)} ms, recall@10 ${r.recallAt10.toFixed(3)} over ${r.recallQueries} queries)`,
        r.topKMs ? `${r.topKMs.toFixed(2)} ms (float topK)` : '— (no 2 GB float copy)',
        r.topKMs ? `${(r.topKMs / r.ms).toFixed(1)}× faster` : '—',
      ]);
    }
    rows.push([
      'stored vector per photo (512-d)',
      `${results.scan[10_000].bytesPerVector} B (int8 + 2-bit refinement + scale + id)`,
      `${results.scan[10_000].floatBytesPerVector} B (float32 + id)`,
      `${(results.scan[10_000].floatBytesPerVector / results.scan[10_000].bytesPerVector).toFixed(1)}× smaller`,
    ]);
  });
  await section('filteredScan', () => benchFilteredSearch(page, { results, rows }));
  await section('coldStart', async () => {
    const cold = await page.evaluate(() => window.lumenBench.coldStart(100_000, 512));
    results.coldStart = { photos: 100_000, dim: 512, ...cold };
    rows.push([
      'reload to ready to search, 100k photos (no model sessions)',
      `${(cold.countMs + cold.searchReadyMs).toFixed(0)} ms (count ${cold.countMs.toFixed(0)} + vectors, scan, scores ${cold.searchReadyMs.toFixed(0)})`,
      `first search ${cold.firstSearchMs.toFixed(1)} ms`,
      '—',
    ]);
    rows.push([
      'memory for 100k photos',
      `${(cold.scanBytes / 2 ** 20).toFixed(1)} MB of vectors in the scan`,
      `JS heap grew ${(cold.heapGrowthBytes / 2 ** 20).toFixed(1)} MB; origin storage ${(cold.storageUsageBytes / 2 ** 20).toFixed(0)} MB`,
      '—',
    ]);
  });
  await section('scroll', async () => {
    const scroll = await benchScroll(browser, url);
    results.scroll = scroll;
    rows.push([
      'grid over 100k photos: reload to first screen, then top-to-bottom scroll',
      `${(scroll.firstScreenMs / 1000).toFixed(1)} s to first screen; ${scroll.longTasks} long tasks while scrolling (longest ${scroll.longestTaskMs.toFixed(0)} ms)`,
      `${scroll.steps} frames in ${(scroll.scrollMs / 1000).toFixed(1)} s; last page ${scroll.lastPageMs.toFixed(0)} ms`,
      '—',
    ]);
    rows.push([
      'the same 100k listed by time taken, month heading rows (300), top-to-bottom scroll',
      `${scroll.byTime.longTasks} long tasks while scrolling (longest ${scroll.byTime.longestTaskMs.toFixed(0)} ms)`,
      `${scroll.byTime.steps} frames in ${(scroll.byTime.scrollMs / 1000).toFixed(1)} s; last page ${scroll.byTime.lastPageMs.toFixed(0)} ms`,
      '—',
    ]);
  });
} finally {
  await close();
}

console.log(
  `\nLumen benchmarks — ${about.machine.cpu}, ${about.machine.cores} cores, Chromium ${about.browser}, cross-origin isolated: ${about.crossOriginIsolated}\n`,
);
const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length)));
console.log(['what', 'Lumen', 'baseline', 'ratio'].map((h, i) => h.padEnd(widths[i])).join(' | '));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join(' | '));
console.log(`\nWritten to bench/results/latest.json: ${Object.keys(results).join(', ')}`);
