import {
  AutoProcessor,
  AutoTokenizer,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  RawImage,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  type Processor,
  type ProgressInfo,
  type Tensor,
} from '@huggingface/transformers';
import { getProfile, modelKey, type ClipSpec, type Device } from '../../src/core/manifest';
import { normalize } from '../../src/core/vectors';
import type {
  ImagePixels,
  LoadRequest,
  LoadedModel,
  ModelLoadProgress,
} from '../embedding/protocol';
import { loadOnBestDevice } from './device';
import { browserHosting, configureHosting, explainedLoad, useOrtBuildFor } from './hosting';

function progressReporter(onProgress?: (p: ModelLoadProgress) => void) {
  return (info: ProgressInfo) => {
    if (!onProgress) return;
    if (info.status === 'progress') {
      onProgress({ state: 'downloading', file: info.file, loaded: info.loaded, total: info.total });
    } else if (info.status === 'done') {
      onProgress({ state: 'starting', file: info.file, loaded: 0, total: 0 });
    }
  };
}

/** Unit-length rows of a [n, dim] embedding tensor. */
function rowsOf(t: Tensor): Float32Array[] {
  const [n, dim] = t.dims as [number, number];
  const data = t.data as Float32Array;
  return Array.from({ length: n }, (_, i) => normalize(data.slice(i * dim, (i + 1) * dim)));
}

type Forward = (inputs: Record<string, unknown>) => Promise<Record<string, Tensor>>;

/** CLIP's image tower with its preprocessor; yields unit-length image embeddings. */
export class ClipVision {
  constructor(
    private readonly model: PreTrainedModel,
    private readonly processor: Processor,
  ) {}

  async embed(images: ImagePixels[]): Promise<Float32Array[]> {
    if (images.length === 0) return [];
    const raws = images.map((i) => new RawImage(i.data, i.width, i.height, 4));
    const inputs = (await this.processor(raws)) as Record<string, unknown>;
    const out = await (this.model as unknown as Forward)(inputs);
    return rowsOf(out.image_embeds!);
  }

  async warmUp(): Promise<void> {
    await this.embed([{ data: new Uint8ClampedArray(32 * 32 * 4), width: 32, height: 32 }]);
  }

  /**
   * The model alone: images per second of this session on ready-made input tensors (one
   * batch of `batchSize`, run `runs` times after a warm-up run). The indexing benchmark's
   * ceiling for the whole pipeline.
   */
  async modelRate(batchSize: number, runs: number): Promise<number> {
    const raws = Array.from({ length: batchSize }, (_, i) => {
      const data = new Uint8ClampedArray(256 * 256 * 4).map((_, j) => (j * 31 + i * 17) & 255);
      return new RawImage(data, 256, 256, 4);
    });
    const inputs = (await this.processor(raws)) as Record<string, unknown>;
    const forward = this.model as unknown as Forward;
    await forward(inputs);
    const t0 = performance.now();
    for (let r = 0; r < runs; r++) await forward(inputs);
    return (batchSize * runs * 1000) / (performance.now() - t0);
  }
}

/** CLIP's text tower with its tokenizer; yields unit-length text embeddings. */
export class ClipText {
  constructor(
    private readonly model: PreTrainedModel,
    private readonly tokenizer: PreTrainedTokenizer,
  ) {}

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const inputs = this.tokenizer(texts, { padding: true, truncation: true }) as Record<
      string,
      unknown
    >;
    const out = await (this.model as unknown as Forward)(inputs);
    return rowsOf(out.text_embeds!);
  }

  async warmUp(): Promise<void> {
    await this.embed(['a photo']);
  }

  /**
   * Words of `text` that this model's vocabulary lacks, so that a search can say what it could
   * not read. Only a word-level vocabulary has such words (the tiny world's); CLIP's byte-level
   * BPE spells every word out of pieces it knows, and never reports one.
   */
  unknownWords(text: string): string[] {
    const unk = this.tokenizer.unk_token_id;
    if (unk === undefined || unk === null) return [];
    const words = new Set(text.toLowerCase().match(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu) ?? []);
    return [...words].filter((word) =>
      this.tokenizer.encode(word, { add_special_tokens: false }).includes(unk),
    );
  }
}

interface Towers {
  vision: ClipVision;
  text: ClipText;
}

interface TowerOptions {
  revision: string;
  progress_callback: (info: ProgressInfo) => void;
}

const builders: {
  [K in keyof Towers]: (
    id: string,
    options: TowerOptions,
    device: Device | 'cpu',
    dtype: ClipSpec['dtype'][Device],
  ) => Promise<Towers[K]>;
} = {
  vision: async (id, options, device, dtype) =>
    new ClipVision(
      await CLIPVisionModelWithProjection.from_pretrained(id, { ...options, device, dtype }),
      await AutoProcessor.from_pretrained(id, options),
    ),
  text: async (id, options, device, dtype) =>
    new ClipText(
      await CLIPTextModelWithProjection.from_pretrained(id, { ...options, device, dtype }),
      await AutoTokenizer.from_pretrained(id, options),
    ),
};

/**
 * Loads one CLIP tower and warms it up: the first run compiles kernels (shaders on WebGPU),
 * better done before real work. A failure names the file that could not be fetched.
 * `cpu` is onnxruntime-node's device: Node tests run the same code the workers do.
 */
export function loadTower<K extends keyof Towers>(
  kind: K,
  clip: ClipSpec,
  device: Device | 'cpu',
  onProgress?: (p: ModelLoadProgress) => void,
): Promise<Towers[K]> {
  return explainedLoad(clip, async () => {
    const options = { revision: clip.revision, progress_callback: progressReporter(onProgress) };
    const dtype = clip.dtype[device === 'cpu' ? 'wasm' : device];
    useOrtBuildFor(device);
    const tower = await builders[kind](clip.id, options, device, dtype);
    await tower.warmUp();
    return tower;
  });
}

/** The embedding and search workers' load: host, device (with WASM fallback), tower, ready. */
export async function loadWorkerTower<K extends keyof Towers>(
  kind: K,
  request: LoadRequest,
  onProgress: (p: ModelLoadProgress) => void,
): Promise<{ tower: Towers[K]; model: LoadedModel }> {
  // A model outside the manifest (the benchmark's stand-in) comes with its own spec.
  const clip = request.clip ?? getProfile(request.profileId).clip;
  const hosting = browserHosting(request.appBase);
  configureHosting(clip, hosting);
  const { loaded, device } = await loadOnBestDevice(request.device, (d) =>
    loadTower(kind, clip, d, onProgress),
  );
  onProgress({ state: 'ready', loaded: 0, total: 0 });
  return {
    tower: loaded,
    model: {
      device,
      model: modelKey(clip),
      dim: clip.embeddingSize,
      threads: hosting.threads ?? 1,
    },
  };
}
