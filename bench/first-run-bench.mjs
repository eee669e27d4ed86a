// The first run, on the built page (docs/sample-library.md): time to the first screen (the
// welcome) and time to "ready to search" on the sample library, each in a fresh browser profile.
// Baseline, measured in the same run: the same 912 photos indexed from their folder instead
// (what a visitor would wait for without the sample).
//   node bench/first-run-bench.mjs [--runs=3] [--no-baseline]
// Writes bench/results/first-run.json and merges it into bench/results/latest.json as `firstRun`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mergeIntoLatest, resultsDir } from './latest.mjs';
import { machine, root, serveBuilt } from './serve.mjs';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  }),
);
const runs = Number(args.get('runs') ?? 3);
const withBaseline = !args.has('no-baseline');
const port = 4178;
// Outside the repository: bench/dist is bench/run.mjs's, emptied by its build.
const outDir = path.join(os.tmpdir(), 'lumen-first-run-dist');
const fixture = path.join(root, 'e2e', 'fixtures', 'tiny-world', 'photos');
const manifest = JSON.parse(readFileSync(path.join(root, 'models', 'manifest.json'), 'utf8'));
const query = manifest.profiles['tiny-world'].exampleQuery;
const WELCOME = 'Find your photos by describing them';

const { browser, base, close } = await serveBuilt({ outDir, port });

/** Searches and resolves once the results heading for `query` shows. */
async function searchNow(page) {
  await page.getByRole('searchbox', { name: 'Search your photos' }).fill(query);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page
    .getByRole('heading', { name: new RegExp(`results? for “${query}”`) })
    .waitFor({ timeout: 300_000 });
}

/** A fresh profile: the first screen, then the sample until its first search is answered. */
async function sampleRun() {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    const t0 = performance.now();
    await page.goto(base);
    await page.getByRole('heading', { name: WELCOME }).waitFor();
    const firstScreenMs = performance.now() - t0;
    const paint = await page.evaluate(
      () =>
        performance.getEntriesByName('first-contentful-paint')[0]?.startTime ??
        performance.getEntriesByType('paint').at(-1)?.startTime ??
        null,
    );
    const t1 = performance.now();
    await page.getByRole('button', { name: 'Try it on sample photos' }).click();
    await page.getByRole('region', { name: 'Sample library' }).waitFor({ timeout: 300_000 });
    const sampleLoadedMs = performance.now() - t1;
    await searchNow(page);
    const readyToSearchMs = performance.now() - t1;
    return { firstScreenMs, firstContentfulPaintMs: paint, sampleLoadedMs, readyToSearchMs };
  } finally {
    await context.close();
  }
}

/** The baseline: the same photos added as a folder on the built-in model, then searched. */
async function indexingRun() {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${base}?profile=tiny-world`);
    await page.getByRole('heading', { name: WELCOME }).waitFor();
    const t1 = performance.now();
    await page.getByLabel('Folder of photos').setInputFiles(fixture);
    await page
      .getByRole('region', { name: 'Indexing' })
      .getByText(/^Done/)
      .waitFor({ timeout: 600_000 });
    await searchNow(page);
    return { readyToSearchMs: performance.now() - t1 };
  } finally {
    await context.close();
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

try {
  const sample = [];
  for (let i = 0; i < runs; i++) {
    sample.push(await sampleRun());
    console.log(`sample run ${i + 1}:`, JSON.stringify(sample.at(-1)));
  }
  const baseline = [];
  if (withBaseline) {
    baseline.push(await indexingRun());
    console.log('indexing run:', JSON.stringify(baseline.at(-1)));
  }
  const pick = (rows, key) => median(rows.map((r) => r[key]));
  const results = {
    date: new Date().toISOString(),
    machine: machine(),
    browser: browser.version(),
    runs,
    query,
    photos: 912,
    sample: {
      firstScreenMs: pick(sample, 'firstScreenMs'),
      firstContentfulPaintMs: pick(sample, 'firstContentfulPaintMs'),
      sampleLoadedMs: pick(sample, 'sampleLoadedMs'),
      readyToSearchMs: pick(sample, 'readyToSearchMs'),
      all: sample,
    },
    ...(baseline.length
      ? {
          indexingBaseline: { readyToSearchMs: pick(baseline, 'readyToSearchMs'), all: baseline },
          ratio: pick(baseline, 'readyToSearchMs') / pick(sample, 'readyToSearchMs'),
        }
      : {}),
  };
  // bench/results is not committed: a fresh checkout has none yet.
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(path.join(resultsDir, 'first-run.json'), JSON.stringify(results, null, 2));
  mergeIntoLatest({ firstRun: results }, { browser: browser.version() });
  const s = results.sample;
  const ms = (x) => `${Math.round(x).toLocaleString('en')} ms`;
  console.table([
    ['first screen (welcome visible, from navigation)', ms(s.firstScreenMs)],
    [
      'first contentful paint',
      s.firstContentfulPaintMs === null ? '—' : ms(s.firstContentfulPaintMs),
    ],
    ['sample loaded (click → banner, incl. reload + 2.7 MB + import)', ms(s.sampleLoadedMs)],
    [`ready to search (click → results for “${query}”)`, ms(s.readyToSearchMs)],
    ...(results.indexingBaseline
      ? [
          [
            'baseline: index the same 912 photos, then search',
            ms(results.indexingBaseline.readyToSearchMs),
          ],
          ['sample vs indexing', `${results.ratio.toFixed(1)}× sooner`],
        ]
      : []),
  ]);
} finally {
  await close();
}
