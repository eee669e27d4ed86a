// Big-photo indexing for `npm run bench` (called from bench/run.mjs): on synthetic 4000×3000
// JPEGs, the app's pipeline against the naive main-thread loop and against the model alone
// (same ONNX session on ready-made tensors, same threads), for the ViT-B/32 stand-in and the
// tiny-world model; then the stand-in's WASM rate against native onnxruntime on these cores.
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where models/generator/vit_b32_standin.py writes the stand-in (never inside git). */
export const standinDir =
  process.env.LUMEN_STANDIN_DIR ?? path.join(os.homedir(), '.cache', 'lumen', 'vit-b32-standin');
const STANDIN = 'vit-b32-standin';
const onnxPath = path.join(standinDir, 'onnx', 'vision_model.onnx');

/** Photos per model: the stand-in runs ~0.3 s a photo on 2 threads, the tiny world ~0.01 s. */
const COUNTS = process.argv.includes('--quick')
  ? { [STANDIN]: 6, 'tiny-world': 8 } // a smoke run: the ratios mean little
  : { [STANDIN]: 16, 'tiny-world': 48 };

/**
 * The stand-in's rate in native onnxruntime (onnxruntime-node, from the npm registry) on the
 * same input shape, batch and thread count. Debian has no python3-onnxruntime package.
 */
async function nativeRate(threads, batch, runs) {
  let ort;
  try {
    ort = (await import('onnxruntime-node')).default;
  } catch (e) {
    return { unavailable: `onnxruntime-node could not be loaded (${e.message})` };
  }
  const session = await ort.InferenceSession.create(onnxPath, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
  const data = new Float32Array(batch * 3 * 224 * 224).map((_, i) => Math.sin(i) * 1.5);
  const feeds = { pixel_values: new ort.Tensor('float32', data, [batch, 3, 224, 224]) };
  await session.run(feeds);
  const t0 = performance.now();
  for (let r = 0; r < runs; r++) await session.run(feeds);
  const rate = (batch * runs * 1000) / (performance.now() - t0);
  await session.release();
  return { imagesPerSecond: rate, version: ort.env.versions?.node ?? 'unknown' };
}

/**
 * @param {import('@playwright/test').Page} page the bench page, loaded
 * @param {{ outDir: string, results: Record<string, unknown>, rows: string[][] }} out
 */
export async function benchBigPhotoIndexing(page, { outDir, results, rows }) {
  const hasStandin = existsSync(onnxPath);
  if (hasStandin) {
    // Served like any self-hosted model (models/<id>/ under the app), without copying 335 MB.
    const link = path.join(outDir, 'models', STANDIN);
    mkdirSync(path.dirname(link), { recursive: true });
    rmSync(link, { recursive: true, force: true });
    symlinkSync(standinDir, link, 'dir');
  } else {
    console.log(
      `ViT-B/32 stand-in not found at ${standinDir}: its indexing rows are skipped. Create it (about 1 minute, 335 MB, outside git) with\n  /usr/bin/python3 models/generator/vit_b32_standin.py`,
    );
  }
  // Chromium's HTTP cache fails a second concurrent fetch of a 335 MB file that the first
  // has not finished reading (net::ERR_CACHE_WRITE_FAILURE), and transformers.js opens one
  // to read the size: this section runs in its own page with the cache off from the start.
  // That setting does not reach the model worker's fetches (Chromium 156); the app's own
  // fetch of self-hosted model files skips the HTTP cache (workers/shared/hosting.ts).
  const own = await page.context().browser().newPage();
  own.on('pageerror', (e) => console.error('page error:', e.message));
  const cdp = await own.context().newCDPSession(own);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  try {
    await own.goto(page.url());
    await own.waitForFunction(() => 'lumenBench' in window);
    await measure(own, hasStandin, { results, rows });
  } finally {
    await cdp.detach();
    await own.close();
  }
}

async function measure(page, hasStandin, { results, rows }) {
  const count = Math.max(...Object.values(COUNTS));
  const set = await page.evaluate(
    (n) => window.lumenBench.bigPhotos.makePhotos(n, 4000, 3000),
    count,
  );
  const section = { photos: set, models: {} };
  results.bigPhotoIndexing = section;
  const profile = await page.evaluate(() => window.lumenBench.bigPhotos.stageProfile(6));
  section.stageProfileMs = profile;
  rows.push([
    `4000×3000 JPEG (${set.meanMB.toFixed(1)} MB), one photo's stages`,
    `decode to 256 px ${profile.newDecodeMs.toFixed(0)} ms (ImageDecoder, scaled DCT) + SHA-256 ${profile.sha256Ms.toFixed(0)} ms`,
    `${profile.oldDecodeMs.toFixed(0)} ms (createImageBitmap resize) / ${profile.fullDecodeMs.toFixed(0)} ms (full RawImage)`,
    `${(profile.oldDecodeMs / profile.newDecodeMs).toFixed(1)}× less decoding`,
  ]);

  for (const [model, n] of Object.entries(COUNTS)) {
    if (model === STANDIN && !hasStandin) continue;
    const name = model === STANDIN ? 'ViT-B/32 stand-in' : model;
    const naive = await page.evaluate(
      ([m, c]) => window.lumenBench.bigPhotos.naiveRate(m, c),
      [model, n],
    );
    const ours = await page.evaluate(
      ([m, c]) => window.lumenBench.bigPhotos.pipelineRate(m, c),
      [model, n],
    );
    const vsNaive = ours.imagesPerSecond / naive;
    const vsModel = ours.imagesPerSecond / ours.modelImagesPerSecond;
    section.models[model] = { photos: n, naiveImagesPerSecond: naive, ...ours, vsNaive, vsModel };
    rows.push([
      `indexing 4000×3000 JPEGs, ${name}, ${n} photos`,
      `${ours.imagesPerSecond.toFixed(2)} img/s (pipeline)`,
      `${naive.toFixed(2)} img/s (naive main-thread loop)`,
      `${vsNaive.toFixed(2)}× (goal ≥ 1.5)`,
    ]);
    rows.push([
      `  same, against the model alone`,
      `${ours.imagesPerSecond.toFixed(2)} img/s (pipeline)`,
      `${ours.modelImagesPerSecond.toFixed(2)} img/s (same session, ready tensors, ${ours.threads} threads)`,
      `${vsModel.toFixed(2)}× (goal ≥ 0.9)`,
    ]);
  }

  if (hasStandin) {
    const threads = section.models[STANDIN]?.threads ?? 1;
    const native = await nativeRate(threads, 16, 2);
    const wasm = section.models[STANDIN]?.modelImagesPerSecond;
    section.native = { threads, ...native };
    rows.push([
      `ViT-B/32 stand-in, model alone, WASM vs native`,
      `${wasm?.toFixed(2)} img/s (onnxruntime-web, Chromium)`,
      native.imagesPerSecond
        ? `${native.imagesPerSecond.toFixed(2)} img/s (onnxruntime-node ${native.version}, ${threads} threads)`
        : native.unavailable,
      native.imagesPerSecond ? `${(wasm / native.imagesPerSecond).toFixed(2)}× native` : '—',
    ]);
  }
}

// Alone: `node bench/indexing-bench.mjs` (BENCH_PORT=47xx to pick the port) runs only this
// section and writes bench/results/indexing.json.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { writeFileSync } = await import('node:fs');
  const { machine, root, serveBench } = await import('./serve.mjs');
  const outDir = path.join(os.tmpdir(), `lumen-bench-indexing-${process.pid}`);
  const port = Number(process.env.BENCH_PORT ?? 4700 + Math.floor(Math.random() * 100));
  const { browser, url, close } = await serveBench({ page: 'index.html', outDir, port });
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
    await benchBigPhotoIndexing(page, { outDir, results, rows });
  } finally {
    await close();
    rmSync(outDir, { recursive: true, force: true });
  }
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length)));
  console.log(
    `\n${results.machine.cpu}, ${results.machine.cores} cores, Chromium ${results.browser}`,
  );
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join(' | '));
  mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(
    path.join(root, 'bench', 'results', 'indexing.json'),
    JSON.stringify(results, null, 2),
  );
}
