// Runs inside Chromium, driven by bench/run.mjs. Every figure has its baseline measured
// in the same page, on the same model and data.
import {
  AutoProcessor,
  CLIPVisionModelWithProjection,
  RawImage,
  type PreTrainedModel,
  type Processor,
} from '@huggingface/transformers';
import { EmbeddingClient } from '../src/lib/clients/embedding-client';
import { sourcesFromFileList } from '../src/lib/files/collect-files';
import { getProfile } from '../src/core/manifest';
import { browserHosting, configureHosting } from '../workers/shared/hosting';
import { topK } from '../workers/search/top-k';
import { LibraryScan, PREFILTER_MIN_ROWS } from '../workers/search/scan/library-scan';
import { compactBatch, fineBytes } from '../src/core/int8-codec';
import { loadCompactMatrix, type CompactMatrix } from '../src/core/store/embedding-store';
import { openLibraryDb } from '../src/core/store/db';
import { commitBatch, libraryStats } from '../src/core/store/photo-store';
import { ScoreIndex } from '../workers/search/rerank';
import { BLOCK_ROWS, packScores, storedBytes } from '../src/core/store/score-store';
import { gaussian, mulberry32 } from '../workers/tuning/random';
import { clipIqa } from '../workers/aesthetics/clip-iqa';
import { CLIP_IQA_PAIRS } from '../workers/aesthetics/protocol';
import { appealScores, pixelStats } from '../workers/aesthetics/pixel-stats';
import { applyLinearHead } from '../workers/aesthetics/pth-reader';
import { appBase, deleteDb, folderFiles } from './page-common';
import { benchFilteredScan } from './filter-page';
import { indexingBench } from './indexing-page';
import { cameraPhotoWrites, fillAppLibrary } from './scroll-page';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Synthetic camera-sized JPEGs, so decoding costs what it costs with real photos. */
async function syntheticPhotos(count: number, width: number, height: number): Promise<File[]> {
  const files: File[] = [];
  for (let i = 0; i < count; i++) {
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d')!;
    const g = ctx.createLinearGradient(0, 0, width, height);
    g.addColorStop(0, `hsl(${(i * 37) % 360} 60% 60%)`);
    g.addColorStop(1, `hsl(${(i * 91) % 360} 50% 25%)`);
    ctx.fillStyle = g;
    ctx.fillRect(0, 0, width, height);
    for (let k = 0; k < 40; k++) {
      ctx.fillStyle = `hsl(${(i * 13 + k * 29) % 360} 70% ${30 + (k % 5) * 10}%)`;
      ctx.beginPath();
      ctx.arc(
        (k * 997) % width,
        (k * 613 + i * 71) % height,
        20 + ((k * 53) % 200),
        0,
        Math.PI * 2,
      );
      ctx.fill();
    }
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
    files.push(new File([blob], `synthetic-${i}.jpg`, { type: 'image/jpeg', lastModified: 1 }));
  }
  return files;
}

/** Lumen's pipeline: the app's own indexing worker, batched, storing everything. */
async function indexWithWorker(profileId: string, files: File[]) {
  await deleteDb();
  const client = new EmbeddingClient();
  try {
    await client.load({ profileId, appBase, device: 'wasm' }, () => {});
    const sources = sourcesFromFileList(files);
    const t0 = performance.now();
    const result = await client.index({ sources, rootName: 'bench' }, () => {});
    const seconds = (performance.now() - t0) / 1000;
    if (result.indexed !== files.length)
      throw new Error(`indexed ${result.indexed} of ${files.length}`);
    return { seconds, imagesPerSecond: files.length / seconds };
  } finally {
    client.terminate();
  }
}

let naive: { model: PreTrainedModel; processor: Processor } | undefined;

/** The naive baseline: one image at a time through transformers.js on the main thread. */
async function indexNaively(profileId: string, files: File[]) {
  const { clip } = getProfile(profileId);
  if (!naive) {
    configureHosting(clip, browserHosting(appBase));
    naive = {
      processor: await AutoProcessor.from_pretrained(clip.id),
      model: await CLIPVisionModelWithProjection.from_pretrained(clip.id, {
        device: 'wasm',
        dtype: clip.dtype.wasm,
      }),
    };
  }
  const forward = naive.model as unknown as (i: unknown) => Promise<unknown>;
  await forward(await naive.processor(await RawImage.fromBlob(files[0]!)));
  const t0 = performance.now();
  for (const file of files) {
    const image = await RawImage.fromBlob(file);
    await forward(await naive.processor(image));
  }
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, imagesPerSecond: files.length / seconds };
}

function randomUnitVectors(n: number, dim: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n * dim);
  for (let i = 0; i < out.length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  for (let r = 0; r < n; r++) {
    const row = out.subarray(r * dim, (r + 1) * dim);
    const norm = Math.hypot(...row);
    for (let j = 0; j < dim; j++) row[j]! /= norm;
  }
  return out;
}

/** The plain-JS baseline: score every vector into an array of objects and sort it. */
function plainTopK(
  vectors: Float32Array,
  dim: number,
  ids: Uint32Array,
  q: Float32Array,
  k: number,
) {
  const scored: { id: number; score: number }[] = [];
  for (let i = 0; i < ids.length; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += vectors[i * dim + j]! * q[j]!;
    scored.push({ id: ids[i]!, score: s });
  }
  scored.sort((a, b) => b.score - a.score);
  return scored.slice(0, k);
}

function benchTopK(n: number, dim: number, k: number, reps: number) {
  const vectors = randomUnitVectors(n, dim, 42);
  const ids = Uint32Array.from({ length: n }, (_, i) => i + 1);
  const queries = Array.from({ length: reps }, (_, i) => randomUnitVectors(1, dim, 1000 + i));
  const time = (fn: (q: Float32Array) => unknown) =>
    median(
      queries.map((q) => {
        const t0 = performance.now();
        fn(q);
        return performance.now() - t0;
      }),
    );
  // Same answers first: a fast wrong search is no result.
  const a = topK(vectors, dim, ids, queries[0]!, k).map((h) => h.id);
  const b = plainTopK(vectors, dim, ids, queries[0]!, k).map((h) => h.id);
  if (a.join() !== b.join()) throw new Error('topK and the baseline disagree');
  time((q) => topK(vectors, dim, ids, q, k));
  return {
    ms: time((q) => topK(vectors, dim, ids, q, k)),
    baselineMs: time((q) => plainTopK(vectors, dim, ids, q, k)),
  };
}

/**
 * The search worker's scan (int8 SIMD + refined re-scoring of 4·k candidates) against
 * today's float topK, on a CLIP-like set: ~1,000 clusters whose members meet at cosine ≈ 0.8,
 * queries near a centre. `prefilter` forces the sign prefilter on (true) or off (false);
 * by default the scan decides by size, as in the app (PREFILTER_MIN_ROWS). Recall@10 is
 * against the exact float top 10, tracked while the set is generated (100 queries, or 50
 * with no float copy); at 1M the float copy (2 GB) for the topK baseline is not built.
 */
function benchScan(
  n: number,
  dim: number,
  k: number,
  reps: number,
  withFloat: boolean,
  prefilter?: boolean,
) {
  const normal = gaussian(mulberry32(42));
  const clusters = Math.min(1000, Math.max(10, Math.round(n / 100)));
  const unit = (v: Float32Array) => {
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  };
  const centres = Array.from({ length: clusters }, () =>
    unit(Float32Array.from({ length: dim }, normal)),
  );
  const near = (c: Float32Array, variance: number) =>
    unit(c.map((x) => x + Math.sqrt(variance / dim) * normal()));
  // Recall queries first: their exact top 10 is kept while the rows are generated.
  const recallQueries = Array.from({ length: withFloat ? 100 : 50 }, (_, i) =>
    near(centres[(i * 53 + 11) % clusters]!, 0.15),
  );
  const exact = recallQueries.map(() => [] as { row: number; score: number }[]);
  const ids = Uint32Array.from({ length: n }, (_, i) => i + 1);
  const codes = new Int8Array(n * dim);
  const scales = new Float32Array(n);
  const fine = new Uint8Array(n * fineBytes(dim));
  const floats = withFloat ? new Float32Array(n * dim) : undefined;
  const chunk = 4096;
  for (let at = 0; at < n; at += chunk) {
    const rows = Math.min(chunk, n - at);
    const block = new Float32Array(rows * dim);
    for (let i = 0; i < rows; i++) block.set(near(centres[(at + i) % clusters]!, 0.25), i * dim);
    recallQueries.forEach((q, r) => {
      const kept = exact[r]!;
      for (let i = 0; i < rows; i++) {
        let score = 0;
        for (let j = 0; j < dim; j++) score += q[j]! * block[i * dim + j]!;
        if (kept.length < 10 || score > kept[9]!.score) {
          kept.push({ row: at + i, score });
          kept.sort((a, b) => b.score - a.score);
          kept.length = Math.min(kept.length, 10);
        }
      }
    });
    const q = compactBatch(block, dim);
    codes.set(q.codes, at * dim);
    scales.set(q.scales, at);
    fine.set(q.fine, at * fineBytes(dim));
    floats?.set(block, at * dim);
  }
  const matrix: CompactMatrix = { model: 'bench', dim, ids, codes, scales, fine, legacyRows: 0 };
  const t0 = performance.now();
  const from = prefilter === undefined ? undefined : prefilter ? 0 : Infinity;
  const scan = new LibraryScan(matrix, undefined, undefined, from);
  const loadMs = performance.now() - t0;
  const queries = Array.from({ length: reps }, (_, i) => near(centres[(i * 37) % clusters]!, 0.15));
  const time = (fn: (q: Float32Array) => unknown) =>
    median(
      queries.map((q) => {
        const t = performance.now();
        fn(q);
        return performance.now() - t;
      }),
    );
  const t1 = performance.now();
  scan.search(queries[0]!, k);
  const firstMs = performance.now() - t1;
  const ms = time((q) => scan.search(q, k));
  let hits = 0;
  recallQueries.forEach((q, r) => {
    const want = new Set(exact[r]!.map((h) => ids[h.row]));
    hits += scan.search(q, 10).hits.filter((h) => want.has(h.id)).length;
  });
  const recallAt10 = hits / (10 * recallQueries.length);
  const topKMs = floats ? time((q) => topK(floats, dim, ids, q, k)) : undefined;
  const prefiltered = prefilter ?? n >= PREFILTER_MIN_ROWS;
  return {
    ms,
    firstMs,
    loadMs,
    topKMs,
    recallAt10,
    recallQueries: recallQueries.length,
    prefiltered,
    bytesPerVector: dim + fineBytes(dim) + 4 + 4,
    floatBytesPerVector: 4 * dim + 4,
    scoreBytesPerPhoto: scoreBytesPerPhoto(),
  };
}

/**
 * Bytes a photo's aesthetic scores take stored: a full block of the real scorer's columns, as
 * score-store.ts packs them (its storedBytes; score-bytes.spec.ts checks it against V8's
 * structured clone and measures the whole photo, which was about 604 bytes of scores before).
 */
function scoreBytesPerPhoto(): number {
  const pairs = CLIP_IQA_PAIRS.map((p) => p.name);
  const random = mulberry32(5);
  const [block] = packScores(
    Array.from({ length: BLOCK_ROWS }, (_, i) => ({
      id: 100_000 + i,
      key: 'Xenova/clip-vit-base-patch32@main|LAION-AI/aesthetic-predictor@main|iqa1',
      pairs,
      pixelVersion: 1,
      model: { laion: 5 + random(), clipIqa: Object.fromEntries(pairs.map((p) => [p, random()])) },
      stats: {
        sharpness: 500 * random(),
        meanLuminance: random(),
        shadowClip: random() / 50,
        highlightClip: random() / 50,
        contrast: random() / 3,
        colourfulness: 60 * random(),
        megapixels: 12,
        noise: 5 * random(),
      },
    })),
  );
  return storedBytes(block!) / BLOCK_ROWS;
}

/**
 * A library of n photos written through the store's own API (commitBatch, 1,000 a batch, no
 * thumbnails), then what a reload costs before the first search, model sessions excluded: the
 * page's library count, and the search worker's read of the vectors, its scan set-up and its
 * score index. Also the bytes the scan holds, and the JS heap the page's realm grew by.
 */
async function benchColdStart(n: number, dim: number) {
  const name = `lumen-bench-cold-${n}`;
  await new Promise<void>((resolve) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
  const model = 'bench@1';
  const normal = gaussian(mulberry32(5));
  // Written at the current version: commitBatch now also writes stores that a version-5 library
  // lacks (photoMeta), so the one-off upgrade to version 6 is no longer timed here (it took
  // 4.9-12.6 s at 100k when it was).
  let db = await openLibraryDb(name);
  const t0 = performance.now();
  for (let at = 0; at < n; at += 1000) {
    const writes = cameraPhotoWrites(at, Math.min(1000, n - at), dim, normal);
    await commitBatch(db, { model, dim, writes, touched: [], skipped: [] });
  }
  const writeMs = performance.now() - t0;
  db.close();
  const heap = () =>
    (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ??
    NaN;
  const heapBefore = heap();
  const t1 = performance.now();
  db = await openLibraryDb(name);
  const stats = await libraryStats(db, model);
  const t2 = performance.now();
  // The scan keeps the codes once, in the kernel's memory; nothing here holds the loaded copy.
  const scan = new LibraryScan(await loadCompactMatrix(db, model, dim));
  const scores = await ScoreIndex.load(db, 'bench');
  const t3 = performance.now();
  scan.search(Float32Array.from({ length: dim }, normal), 50);
  const firstSearchMs = performance.now() - t3;
  const heapAfter = heap();
  db.close();
  if (stats.embedded !== n || scan.size !== n || scores.size !== 0) {
    throw new Error(`cold start read ${stats.embedded} photos and ${scan.size} vectors of ${n}`);
  }
  const est = await navigator.storage.estimate();
  return {
    writeMs,
    countMs: t2 - t1,
    searchReadyMs: t3 - t2,
    firstSearchMs,
    scanBytes:
      scan.matrix.codes.byteLength +
      scan.matrix.fine.byteLength +
      scan.matrix.scales.byteLength +
      scan.matrix.ids.byteLength,
    heapGrowthBytes: heapAfter - heapBefore,
    storageUsageBytes: est.usage ?? NaN,
  };
}

async function pixelsOf(blob: Blob, resizeWidth?: number) {
  const bitmap = await createImageBitmap(
    blob,
    resizeWidth ? { resizeWidth, resizeQuality: 'high' } : {},
  );
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return ctx.getImageData(0, 0, canvas.width, canvas.height);
}

/**
 * Aesthetic scoring throughput per family. Pixel statistics are computed the way the
 * app does (from the 256-pixel working copy) against the naive way (the full photo).
 */
async function benchScoring(count: number) {
  const photos = await syntheticPhotos(count, 2048, 1536);
  const timeIt = async (fn: () => Promise<void> | void) => {
    const t0 = performance.now();
    await fn();
    return count / ((performance.now() - t0) / 1000);
  };
  const ours = await timeIt(async () => {
    for (const p of photos) {
      const img = await pixelsOf(p, 341);
      appealScores(pixelStats(img, 2048, 1536));
    }
  });
  const naive = await timeIt(async () => {
    for (const p of photos) {
      const img = await pixelsOf(p);
      appealScores(pixelStats(img, 2048, 1536));
    }
  });
  const dim = 512;
  const vectors = randomUnitVectors(count * 50, dim, 7);
  const head = { weight: randomUnitVectors(1, dim, 8), bias: 5, inputDim: dim };
  const prompts = Array.from({ length: CLIP_IQA_PAIRS.length * 2 }, (_, i) =>
    randomUnitVectors(1, dim, 100 + i),
  );
  const n = count * 50;
  const rows = Array.from({ length: n }, (_, i) => vectors.subarray(i * dim, (i + 1) * dim));
  const t1 = performance.now();
  for (const r of rows) applyLinearHead(head, r);
  const laion = n / ((performance.now() - t1) / 1000);
  const t2 = performance.now();
  for (const r of rows) clipIqa(r, prompts, 100);
  const iqa = n / ((performance.now() - t2) / 1000);
  return {
    pixel: { imagesPerSecond: ours, baselineImagesPerSecond: naive },
    laion: { imagesPerSecond: laion },
    clipIqa: { imagesPerSecond: iqa },
  };
}

const api = {
  folderFiles: () => folderFiles().length,
  crossOriginIsolated: () => globalThis.crossOriginIsolated,
  async indexing(profileId: string, source: 'folder' | 'synthetic', count: number) {
    const files =
      source === 'folder'
        ? folderFiles().slice(0, count)
        : await syntheticPhotos(count, 2048, 1536);
    // Alternating, best of two each (naive, pipeline, naive, pipeline): on a shared machine one
    // measurement of each side, a minute apart, gave ratios that the neighbours' load decided.
    const baselines = [await indexNaively(profileId, files)];
    const runs = [await indexWithWorker(profileId, files)];
    baselines.push(await indexNaively(profileId, files));
    runs.push(await indexWithWorker(profileId, files));
    const best = (xs: { imagesPerSecond: number }[]) =>
      xs.reduce((a, b) => (b.imagesPerSecond > a.imagesPerSecond ? b : a));
    return {
      images: files.length,
      meanMB: files.reduce((a, f) => a + f.size, 0) / files.length / 1e6,
      ours: best(runs),
      baseline: best(baselines),
      oursRuns: runs.map((r) => r.imagesPerSecond),
      baselineRuns: baselines.map((r) => r.imagesPerSecond),
    };
  },
  topK: benchTopK,
  scan: benchScan,
  filteredScan: benchFilteredScan,
  coldStart: benchColdStart,
  fillAppLibrary,
  scoring: benchScoring,
  bigPhotos: indexingBench,
};

declare global {
  interface Window {
    lumenBench: typeof api;
  }
}
window.lumenBench = api;
