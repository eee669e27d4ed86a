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
import { decodersFor } from '../workers/embedding/decoder-pool';
import { HEAD_BYTES, TAIL_BYTES, inspectHeader } from '../workers/embedding/image-header';
import { cameraIfds, tiffBytes, withJpegExif } from '../workers/embedding/exif-test-bytes';
import { openLibraryDb } from '../src/core/store/db';
import { readLibraryMetadata } from '../src/core/store/metadata-store';
import { readMetadata } from '../workers/embedding/read-metadata';
import { loadPlaceLookup } from '../workers/places/place-lookup';
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
/** The same photos as HEICs (heif-enc on the JPEGs, by the Node driver), once loaded. */
let heics: File[] = [];

/** Where the synthetic photos were taken: cities, so that every one gets a place. */
const CITIES = [
  [48.8566, 2.3522],
  [35.6762, 139.6503],
  [-33.8688, 151.2093],
  [40.7128, -74.006],
  [-22.9068, -43.1729],
] as const;

/** A phone's EXIF block (camera, lens, time with offset, GPS), as spliced into photo `i`. */
function phoneExif(i: number): Uint8Array {
  const [lat, lon] = CITIES[i % CITIES.length]!;
  const day = String(1 + (i % 28)).padStart(2, '0');
  return tiffBytes(
    cameraIfds({
      make: 'Apple',
      model: 'iPhone 15 Pro',
      taken: `2023:07:${day} 18:22:05`,
      offset: '+02:00',
      lens: 'iPhone 15 Pro back triple camera 6.765mm f/1.78',
      lat: lat + i * 1e-4,
      lon: lon - i * 1e-4,
    }),
    true,
  );
}

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
    const jpeg = withJpegExif(new Uint8Array(await blob.arrayBuffer()), phoneExif(i));
    // (A copy: a File takes an ArrayBuffer-backed view, and the splice may hand back another.)
    photos.push(
      new File([new Uint8Array(jpeg)], `camera-${i}.jpg`, { type: 'image/jpeg', lastModified: 1 }),
    );
  }
  return {
    count,
    width,
    height,
    meanMB: photos.reduce((a, f) => a + f.size, 0) / count / 1e6,
  };
}

/** Photo `i`'s JPEG bytes, base64, for the Node driver to make its HEIC. */
async function photoBase64(i: number): Promise<string> {
  const url = await new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () =>
      typeof reader.result === 'string' ? resolve(reader.result) : reject(new Error('no data URL'));
    reader.onerror = () => reject(new Error('could not read the photo'));
    reader.readAsDataURL(photos[i]!);
  });
  return url.slice(url.indexOf(',') + 1);
}

/** Fetches the HEICs the Node driver made (same order as the JPEGs); their mean size in MB. */
async function loadHeics(urls: string[]): Promise<number> {
  heics = await Promise.all(
    urls.map(async (url, i) => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${url}: ${response.status}`);
      const bytes = await response.arrayBuffer();
      return new File([bytes], `camera-${i}.heic`, { type: 'image/heic', lastModified: 1 });
    }),
  );
  return heics.reduce((a, f) => a + f.size, 0) / heics.length / 1e6;
}

export interface PipelineOptions {
  decoders?: number;
  /** Index the HEICs instead of the JPEGs. */
  heic?: boolean;
  /** Read no capture metadata and look up no places (IndexRequest.skipMetadata). */
  skipMetadata?: boolean;
  /** Also measure the model alone before and after (default true). */
  modelRate?: boolean;
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
async function pipelineRate(model: string, count: number, options: PipelineOptions = {}) {
  const { decoders, heic = false, skipMetadata = false, modelRate = true } = options;
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
    const files = (heic ? heics : photos).slice(0, count);
    // Batches of 16 (the job's), as many runs as half the photos fill, before and after.
    const runs = Math.max(1, Math.round(count / 16 / 2));
    const rate = () => (modelRate ? client.modelRate(16, runs) : Promise.resolve(NaN));
    const before = await rate();
    const cpu0 = await browserCpuMs();
    const t0 = performance.now();
    const result = await client.index(
      {
        sources: sourcesFromFileList(files),
        rootName: 'bench',
        ...(decoders ? { decoders } : {}),
        ...(skipMetadata ? { skipMetadata } : {}),
      },
      () => {},
    );
    const seconds = (performance.now() - t0) / 1000;
    const cpuMs = (await browserCpuMs()) - cpu0;
    if (result.indexed !== files.length)
      throw new Error(`indexed ${result.indexed} of ${files.length}: ${result.message ?? ''}`);
    const after = await rate();
    return {
      // The decoder workers the job ran with: the app's choice (decodersFor) unless set.
      decoders: decoders ?? decodersFor(files),
      // Every photo has GPS: with metadata on, fewer places would mean it measured nothing.
      placed: await photosWithPlaces(),
      imagesPerSecond: files.length / seconds,
      // CPU time of all the browser's processes during the job, per photo: what other work on
      // a shared machine changes far less than the wall-clock rate.
      cpuMsPerPhoto: cpuMs / files.length,
      modelImagesPerSecond: (before + after) / 2,
      modelBefore: before,
      modelAfter: after,
      threads: loaded.threads,
    };
  } finally {
    client.terminate();
  }
}

/** The browser's CPU time so far, from the bench's Node side (NaN where it cannot tell). */
function browserCpuMs(): Promise<number> {
  const ask = (window as { lumenBenchCpuMs?: () => Promise<number> }).lumenBenchCpuMs;
  return ask ? ask() : Promise.resolve(Number.NaN);
}

async function photosWithPlaces(): Promise<number> {
  const db = await openLibraryDb();
  try {
    return [...(await readLibraryMetadata(db)).values()].filter((m) => m.place).length;
  } finally {
    db.close();
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
  // What metadata on adds per photo, stage by stage: the EXIF/XMP read on the bytes the
  // decoder already holds, and a place for its GPS (the lookup loaded once, as a job does).
  const bytes = new Map(
    await Promise.all(files.map(async (f) => [f, await f.arrayBuffer()] as const)),
  );
  const lookupLoad0 = performance.now();
  const lookup = await loadPlaceLookup();
  const placesLoadMs = performance.now() - lookupLoad0;
  const metas = new Map<File, Awaited<ReturnType<typeof readMetadata>>>();
  // Each well under a millisecond: timed over 50 rounds of the photos, per photo.
  const perRound = async (fn: (f: File) => unknown) => {
    const t0 = performance.now();
    for (let r = 0; r < 50; r++) for (const f of files) await fn(f);
    return (performance.now() - t0) / files.length / 50;
  };
  const metadataMs = await perRound(async (f) => {
    metas.set(f, await readMetadata(bytes.get(f)!, f.lastModified));
  });
  const placeMs = await perRound((f) => {
    const m = metas.get(f)!;
    if (m.lat === undefined || m.lon === undefined) throw new Error('bench photo without GPS');
    if (!lookup(m.lat, m.lon)) throw new Error('bench photo without a place');
  });
  return {
    metadataMs,
    placeMs,
    placesLoadMs,
    readMs: await per((f) => f.arrayBuffer()),
    sha256Ms: await per(async (f) => sha256Hex(await f.arrayBuffer())),
    fullDecodeMs: await per(fullDecode),
    oldDecodeMs: await per(oldDecode),
    newDecodeMs: await per((f) => decodeImage(f, info.get(f)!)),
  };
}

export const indexingBench = {
  makePhotos,
  photoBase64,
  loadHeics,
  naiveRate,
  pipelineRate,
  stageProfile,
};
