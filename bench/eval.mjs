// npm run eval: the benchmark protocol (issue 10) on the tiny world. Builds the production app
// plus bench/eval.html, serves it like `vite preview` (COOP/COEP), drives Chromium, and judges
// base, +re-rank (beauty 0.7 and val-matched), +tuned and +tuned+re-rank against base on the TEST
// split, by ground truth and by the proxy judge, then sweeps the precision–quality curves
// (bench/eval-curve-report.mjs; docs/eval.md). Prints the tables, writes bench/results/eval.json,
// and exits non-zero when a required system has no numbers. `--quick` (CI): 12 test queries
// (4 per kind), same training, a coarser sweep with one seed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { machine, root, serveBench } from './serve.mjs';
import { curvePlan, matchedBeauty, printCurves, testCurves } from './eval-curve-report.mjs';
import { formatTasteTable, runTasteEval } from './eval-tastes.mjs';

const quick = process.argv.includes('--quick');
const fixture = path.join(root, 'e2e', 'fixtures', 'tiny-world');
const port = Number(process.env.EVAL_PORT ?? 4176);
const PROFILE = 'tiny-world';
const SEEDS = [1, 2, 3];
const QUICK_QUERIES_PER_KIND = 4;
const REQUIRED = ['+re-rank (beauty 0.7)', '+re-rank (matched)', '+tuned', '+tuned+re-rank'];
const curveSvg = path.join(root, 'bench', 'results', 'eval-curve.svg');
const ASPECTS = ['accuracy', 'aesthetics', 'diversity'];
const started = performance.now();
const log = (msg) =>
  console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${msg}`);

function commit() {
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' });
    return { commit: head, uncommittedChanges: dirty.trim() !== '' };
  } catch {
    return { commit: process.env.LUMEN_COMMIT ?? 'unknown (not a git checkout)' };
  }
}

/** The same number of queries of each kind, spread over the list, so quick runs stay balanced. */
function spread(queries, perKind) {
  const byKind = new Map();
  for (const q of queries) byKind.set(q.kind, [...(byKind.get(q.kind) ?? []), q]);
  return [...byKind.values()].flatMap((qs) =>
    Array.from(
      { length: Math.min(perKind, qs.length) },
      (_, i) => qs[Math.floor((i * qs.length) / Math.min(perKind, qs.length))],
    ),
  );
}

const outDir = mkdtempSync(path.join(os.tmpdir(), 'lumen-eval-'));
log(`building into ${outDir}`);
const { browser, url, close } = await serveBench({ page: 'eval.html', outDir, port });

const results = {
  ...commit(),
  date: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
  machine: machine(),
  browser: browser.version(),
  profile: PROFILE,
  source: 'tiny-world fixture ground truth (e2e/fixtures/tiny-world), not people',
};
let failed = [];
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(url);
  await page.waitForFunction(() => 'lumenEval' in window);
  await page.locator('#folder').setInputFiles(path.join(fixture, 'photos'));
  const truth = JSON.parse(readFileSync(path.join(fixture, 'ground-truth.json'), 'utf8'));
  const ready = await page.evaluate(([p, t]) => window.lumenEval.setup(p, t), [PROFILE, truth]);
  results.crossOriginIsolated = ready.crossOriginIsolated;
  log(`page ready: ${ready.files} files, cross-origin isolated: ${ready.crossOriginIsolated}`);

  // Test photos are indexed only after training, so that none is ever in a training pair or
  // in the semantic term's spread (the world's split rule; models/alignment.spec.ts does the same).
  const trainVal = await page.evaluate(() => window.lumenEval.indexSplits(['train', 'val']));
  log(`indexed + scored train/val photos: ${JSON.stringify(trainVal)}`);
  results.training = [];
  for (const seed of SEEDS) {
    const t = await page.evaluate((s) => window.lumenEval.train(s), seed);
    results.training.push({ seed, ...t });
    log(
      `seed ${seed}: ${t.pairs} pairs, ${t.epochs} epochs, held-back pair accuracy ` +
        `${t.baseValidationAccuracy.toFixed(3)} → ${t.validationAccuracy.toFixed(3)}, ${t.durationMs} ms`,
    );
  }
  const testPhotos = await page.evaluate(() => window.lumenEval.indexSplits(['test']));
  log(`indexed + scored test photos: ${JSON.stringify(testPhotos)}`);
  results.indexing = { trainVal, test: testPhotos };

  const all = await page.evaluate(() => window.lumenEval.testQueries());
  const queries = quick ? spread(all, QUICK_QUERIES_PER_KIND) : all;
  const adapters = results.training.map((t) => t.adapterId);
  const plan = curvePlan(quick);
  results.matched = await matchedBeauty(page, adapters, plan, log);
  const report = await page.evaluate(
    ([q, a, b]) => window.lumenEval.evaluate(q, a, b),
    [queries.map((q) => q.text), adapters, results.matched.beauty],
  );
  log(`judged ${report.queries} test queries in ${report.searchSeconds.toFixed(1)} s of search`);
  results.settings = {
    ...(await page.evaluate(() => window.lumenEval.settings())),
    seeds: SEEDS,
    queries: queries.map((q) => q.text),
    queryKinds: [...new Set(queries.map((q) => q.kind))],
    excluded: 'held-out-triple test queries (P@10 capped at 0.2 by design)',
  };
  results.systems = { base: report.base, ...report.systems };
  // Issue 23: base rows with stacking off (as the table) and on (bench/eval-stacking.ts).
  results.stacking = report.stacking;
  log(`stacking off / on: ${JSON.stringify(report.stacking)}`);
  mkdirSync(path.dirname(curveSvg), { recursive: true });
  const texts = queries.map((q) => q.text);
  results.curves = await testCurves(page, texts, adapters, plan, curveSvg, log);
  results.missing = report.missing;
  results.unavailable = { '+rephrase': 'no real LLM in this environment' };
  if (![report.base.precision, report.base.quality].every(Number.isFinite)) failed.push('base');
  for (const name of REQUIRED) {
    const missing = report.missing[name];
    if (!report.systems[name]) failed.push(`${name} (no numbers)`);
    else if (missing?.length) failed.push(`${name} (${missing.join(', ')})`);
  }
} catch (e) {
  failed.push(`run aborted: ${e instanceof Error ? e.message : String(e)}`);
} finally {
  await close();
  rmSync(outDir, { recursive: true, force: true });
}
// The taste table (issue 22): simulated people's picks, in Node (bench/eval-tastes.mjs).
try {
  results.tastes = await runTasteEval({ quick, log });
} catch (e) {
  failed.push(`taste table: ${e instanceof Error ? e.message : String(e)}`);
}
results.seconds = Math.round((performance.now() - started) / 1000);

const fmt = (s) =>
  s === undefined || !Number.isFinite(s.mean)
    ? 'n/a'
    : s.n > 1
      ? `${s.mean.toFixed(3)}±${s.std.toFixed(3)}`
      : s.mean.toFixed(3);
const plain = (x) => ({ mean: x, std: 0, n: 1 });

function table(header, rows) {
  const padded = rows.map((r) => header.map((_, i) => r[i] ?? ''));
  const widths = header.map((h, i) => Math.max(h.length, ...padded.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => c.padEnd(widths[i])).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...padded.map(line)].join(
    '\n',
  );
}

if (results.systems) {
  const sys = results.systems;
  const names = ['base', '+rephrase', ...REQUIRED];
  const main = names.map((name) => {
    if (name === '+rephrase') {
      return [name, 'unavailable'];
    }
    const s = sys[name];
    if (!s) return [name, 'MISSING'];
    if (name === 'base') {
      return [name, fmt(plain(s.precision)), fmt(plain(s.quality)), ...Array(7).fill('—')];
    }
    return [
      name + (s.runs > 1 ? ` (${s.runs} seeds)` : ''),
      fmt(s.precision),
      fmt(s.quality),
      ...ASPECTS.map((a) => fmt(s.truth[a].halfWinRate)),
      ...ASPECTS.map((a) => fmt(s.proxy[a].halfWinRate)),
      fmt(s.agreement.overall),
    ];
  });
  console.log(
    `\nLumen benchmark protocol — tiny-world fixture (ground truth, not people), test split, ` +
      `${results.settings.queries.length} queries, rows of ${results.settings.n}; ` +
      `${results.machine.cpu}, ${results.machine.cores} cores, Chromium ${results.browser}\n`,
  );
  console.log('Half-win rate against base (wins + ½·similar) / comparisons, both orders:\n');
  console.log(
    table(
      [
        'system',
        'P@10',
        'quality@10',
        'GT acc',
        'GT aes',
        'GT div',
        'proxy acc',
        'proxy aes',
        'proxy div',
        'proxy≡GT',
      ],
      main,
    ),
  );
  const detail = [];
  for (const name of REQUIRED) {
    const s = sys[name];
    if (!s) continue;
    for (const judge of ['truth', 'proxy']) {
      detail.push([
        name,
        judge === 'truth' ? 'ground truth' : 'proxy',
        ...ASPECTS.map(
          (a) =>
            `${fmt(s[judge][a].winRate)} / ${fmt(s[judge][a].winOrSimilarRate)} / ${fmt(s[judge][a].halfWinRate)}`,
        ),
        judge === 'proxy' ? ASPECTS.map((a) => fmt(s.agreement[a])).join(' / ') : '',
      ]);
    }
  }
  console.log('\nWin / win+similar / half-win against base, per aspect:\n');
  console.log(
    table(
      ['system', 'judge', 'accuracy', 'aesthetics', 'diversity', 'agreement acc / aes / div'],
      detail,
    ),
  );
  if (results.curves) printCurves(results.curves, results.matched);
  console.log(
    `\n+rephrase: unavailable (${results.unavailable['+rephrase']}); that does not fail the run.`,
  );
  const m = results.settings.margins;
  const margins = (x) => ASPECTS.map((a) => `${a} ${x[a]}`).join(', ');
  console.log(
    'Ground truth: precision@10, mean true quality, distinct (shape, colour, background)' +
      ` combinations; "similar" within ${margins(m.truth)}.`,
  );
  console.log(
    "Proxy judge (base vectors): soft precision (each photo's relevance in the search's units," +
      ' library mean 0 to best match 1, clamped), mean beauty percentile, mean pairwise distance' +
      ` once the CLIP-IQA quality axes are removed; "similar" within ${margins(m.proxy)}.`,
  );
  console.log(
    'The proxy judge scores aesthetics with the same scorers that re-ranking and D_po use, so it' +
      ' favours those systems by construction; ground truth is the authority.',
  );
}

if (results.tastes) {
  console.log(`\nTaste table (${results.tastes.source}), on test queries that leave it free:\n`);
  console.log(formatTasteTable(results.tastes));
}
results.failed = failed;
mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
writeFileSync(path.join(root, 'bench', 'results', 'eval.json'), JSON.stringify(results, null, 2));
console.log(`\nWritten to bench/results/eval.json (${results.seconds} s, ${results.mode} mode)`);
if (failed.length) {
  console.error(`\nFAILED: required systems without numbers: ${failed.join('; ')}`);
  process.exit(1);
}
