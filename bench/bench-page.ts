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
import { clipIqa } from '../workers/aesthetics/clip-iqa';
import { CLIP_IQA_PAIRS } from '../workers/aesthetics/protocol';
import { appealScores, pixelStats } from '../workers/aesthetics/pixel-stats';
import { applyLinearHead } from '../workers/aesthetics/pth-reader';
import { appBase, deleteDb, folderFiles } from './page-common';

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
    const baseline = await indexNaively(profileId, files);
    const ours = await indexWithWorker(profileId, files);
    return { images: files.length, ours, baseline };
  },
  topK: benchTopK,
  scoring: benchScoring,
};

declare global {
  interface Window {
    lumenBench: typeof api;
  }
}
window.lumenBench = api;
