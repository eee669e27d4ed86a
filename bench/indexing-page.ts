// Big-photo indexing, driven by bench/indexing-bench.mjs: the app's indexing pipeline
// against the naive main-thread loop and against the model alone (the same ONNX session on
// ready-made tensors, same threads), on camera-sized JPEGs, all measured in the same page.
import {
  AutoProcessor,
  CLIPVisionModelWithProjection,
  RawImage,
  type PreTrainedModel,
} from '@huggingface/transformers';
import { EmbeddingClient } from '../src/lib/clients/embedding-client';
import { sourcesFromFileList } from '../src/lib/files/collect-files';
import { getProfile, type ClipSpec } from '../src/core/manifest';
import { browserHosting, configureHosting } from '../workers/shared/hosting';
import { decodeImage, sha256Hex } from '../workers/embedding/decode-image';
import { HEAD_BYTES, TAIL_BYTES, inspectHeader } from '../workers/embedding/image-header';
import { appBase, deleteDb } from './page-common';

/** CLIP ViT-B/32's vision tower with random weights, served from models/vit-b32-standin/. */
export const STANDIN: ClipSpec = {
  id: 'vit-b32-standin',
  host: 'self',
  revision: '1',
  dtype: { wasm: 'fp32', webgpu: 'fp32' },
  embeddingSize: 512,
  logitScale: 100,
  licence: 'MIT (Lumen; random weights, bench only)',
  files: [
    { path: 'config.json' },
    { path: 'preprocessor_config.json' },
    { path: 'onnx/vision_model.onnx', tower: 'vision' },
  ],
};

const specOf = (model: string): ClipSpec =>
  model === STANDIN.id ? STANDIN : getProfile(model).clip;

let photos: File[] = [];

/**
 * Synthetic camera photos: gradients and discs under a fine texture, so that a JPEG of
 * 4000×3000 at quality 0.9 weighs what a phone's does (about 3 MB) and decodes as slowly.
 */
async function makePhotos(count: number, width: number, height: number) {
  const tile = new OffscreenCanvas(256, 256);
  const noise = new ImageData(256, 256);
  let s = 12345;
  for (let j = 0; j < noise.data.length; j++) {
    s = (s * 1103515245 + 12345) >>> 0;
    noise.data[j] = j % 4 === 3 ? 28 : s >>> 24;
  }
  tile.getContext('2d')!.putImageData(noise, 0, 0);
  photos = [];
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
      ctx.arc((k * 997) % width, (k * 613 + i * 71) % height, 40 + ((k * 53) % 400), 0, 7);
      ctx.fill();
    }
    // The texture moves with i, so that no two photos share bytes.
    ctx.translate(i * 7, i * 3);
    ctx.fillStyle = ctx.createPattern(tile, 'repeat')!;
    ctx.fillRect(-i * 7, -i * 3, width, height);
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
    photos.push(new File([blob], `camera-${i}.jpg`, { type: 'image/jpeg', lastModified: 1 }));
  }
  return {
    count,
    width,
    height,
    meanMB: photos.reduce((a, f) => a + f.size, 0) / count / 1e6,
  };
}

/** The naive baseline: one photo at a time through transformers.js on the main thread. */
async function naiveRate(model: string, count: number): Promise<number> {
  const clip = specOf(model);
  configureHosting(clip, browserHosting(appBase));
  const processor = await AutoProcessor.from_pretrained(clip.id);
  const vision: PreTrainedModel = await CLIPVisionModelWithProjection.from_pretrained(clip.id, {
    device: 'wasm',
    dtype: clip.dtype.wasm,
  });
  try {
    const forward = vision as unknown as (i: unknown) => Promise<unknown>;
    await forward(await processor(await RawImage.fromBlob(photos[0]!)));
    const files = photos.slice(0, count);
    const t0 = performance.now();
    for (const file of files) await forward(await processor(await RawImage.fromBlob(file)));
    return (files.length * 1000) / (performance.now() - t0);
  } finally {
    await vision.dispose();
  }
}

/**
 * The app's pipeline (indexing worker, decoders, batches, thumbnails, commits) on a fresh
 * library, then the same worker's model alone, before and after, averaged.
 */
async function pipelineRate(model: string, count: number, decoders?: number) {
  await deleteDb();
  const clip = specOf(model);
  const client = new EmbeddingClient();
  try {
    const loaded = await client.load(
      {
        profileId: 'tiny-world',
        appBase,
        device: 'wasm',
        ...(model === STANDIN.id ? { clip } : {}),
      },
      () => {},
    );
    const files = photos.slice(0, count);
    // Batches of 16 (the job's), as many runs as half the photos fill, before and after.
    const runs = Math.max(1, Math.round(count / 16 / 2));
    const before = await client.modelRate(16, runs);
    const t0 = performance.now();
    const result = await client.index(
      { sources: sourcesFromFileList(files), rootName: 'bench', ...(decoders ? { decoders } : {}) },
      () => {},
    );
    const seconds = (performance.now() - t0) / 1000;
    if (result.indexed !== files.length)
      throw new Error(`indexed ${result.indexed} of ${files.length}: ${result.message ?? ''}`);
    const after = await client.modelRate(16, runs);
    return {
      imagesPerSecond: files.length / seconds,
      modelImagesPerSecond: (before + after) / 2,
      modelBefore: before,
      modelAfter: after,
      threads: loaded.threads,
    };
  } finally {
    client.terminate();
  }
}

/**
 * Where a photo's time goes, stage by stage, on one thread of this page: reading, SHA-256,
 * the old decode (createImageBitmap with resize options, which decodes at full size first)
 * and the new one (ImageDecoder at a reduced DCT scale), each in ms per photo.
 */
async function stageProfile(count: number) {
  const files = photos.slice(0, count);
  const per = async (fn: (f: File) => Promise<unknown>) => {
    const t0 = performance.now();
    for (const f of files) await fn(f);
    return (performance.now() - t0) / files.length;
  };
  const header = async (f: File) => {
    const bytes = new Uint8Array(await f.arrayBuffer());
    const v = inspectHeader(
      bytes.subarray(0, HEAD_BYTES),
      bytes.subarray(-TAIL_BYTES),
      bytes.length,
    );
    if (!v.ok) throw new Error(v.message);
    return v.info;
  };
  const infos = await Promise.all(files.map(header));
  const info = new Map(files.map((f, i) => [f, infos[i]!]));
  const oldDecode = async (f: File) => {
    const { width = 0, height = 0 } = info.get(f)!;
    const bitmap = await createImageBitmap(f, {
      resizeWidth: Math.round((width * 256) / Math.min(width, height)),
      resizeQuality: 'high',
    });
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    ctx.drawImage(bitmap, 0, 0);
    ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    await canvas.convertToBlob({ type: 'image/webp', quality: 0.82 });
    bitmap.close();
  };
  const fullDecode = async (f: File) => {
    const image = await RawImage.fromBlob(f);
    if (!image.width) throw new Error('no pixels');
  };
  return {
    readMs: await per((f) => f.arrayBuffer()),
    sha256Ms: await per(async (f) => sha256Hex(await f.arrayBuffer())),
    fullDecodeMs: await per(fullDecode),
    oldDecodeMs: await per(oldDecode),
    newDecodeMs: await per((f) => decodeImage(f, info.get(f)!)),
  };
}

export const indexingBench = {
  makePhotos,
  naiveRate,
  pipelineRate,
  stageProfile,
};
