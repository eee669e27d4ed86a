import manifestJson from '../../models/manifest.json';
import { withRevision } from './model-revisions';
import { tuningProblems, type TuningSpec } from './tuning-spec';

export type { TuningGridSpec, TuningSpec } from './tuning-spec';

export type Dtype = 'fp32' | 'fp16' | 'q8' | 'q4' | 'q4f16';
export type Device = 'webgpu' | 'wasm';

export interface ModelFile {
  path: string;
  tower?: 'text' | 'vision';
  bytes?: number;
  sha256?: string;
}

export interface ClipSpec {
  /** Repository id on the host, and folder name under models/ when self-hosted. */
  id: string;
  /** Base URL of the model host, or "self" for files served only from the app's origin. */
  host: string;
  revision: string;
  dtype: Record<Device, Dtype>;
  embeddingSize: number;
  /** CLIP's temperature (exp of the learned logit scale), for prompt-pair scoring. */
  logitScale: number;
  licence: string;
  files: ModelFile[];
}

/** A linear aesthetic head on CLIP image embeddings (the LAION predictor's shape). */
export interface AestheticHeadSpec {
  id: string;
  /** Base URL of the host (files at `{host}{id}/{revision}/{file}`), or "self". */
  host: string;
  revision: string;
  file: string;
  format: 'pth';
  inputDim: number;
  licence: string;
  bytes?: number;
  sha256?: string;
}

/** WebLLM's prebuilt models (compiled for WebGPU), by id in web-llm's prebuilt list. */
export interface WebLlmSpec {
  model: string;
  /** The variant for adapters without shader-f16. */
  modelWithoutF16: string;
  host: string;
  vramMB: number;
  downloadMB: number;
  licence: string;
}

/** An ONNX instruct model run by transformers.js (WASM, or WebGPU when present). */
export interface TransformersLlmSpec {
  id: string;
  host: string;
  revision: string;
  dtype: Dtype;
  downloadMB: number;
  licence: string;
}

export interface LlmSpec {
  webllm: WebLlmSpec | null;
  transformers: TransformersLlmSpec | null;
}

export interface Profile {
  id: string;
  label: string;
  description: string;
  /** A query this model answers well, shown in the empty search box. */
  exampleQuery?: string;
  /**
   * λ of `-word` (q − λ·t(word), renormalised: src/core/query/concept-arithmetic.ts). Measured
   * for the tiny world on train/val (models/negation-sweep.mjs); CLIP's 1 is rclip's weight,
   * not measured here. Absent: DEFAULT_NEGATION_WEIGHT.
   */
  negationWeight?: number;
  clip: ClipSpec;
  aestheticHead: AestheticHeadSpec;
  llm: LlmSpec;
  /** Built-in tuning queries and the recorded training settings (optional). */
  tuning?: TuningSpec;
  /** Thresholds of the moments worker's grouping (absent: DEFAULT_MOMENT_THRESHOLDS). */
  moments?: MomentThresholds;
}

/**
 * When two photos group (workers/moments, docs/moments.md). Similarities are cosines of the
 * profile's image vectors; `measured` says on what data they were chosen.
 */
export interface MomentThresholds {
  /** Copies (re-encoded, resized, lightly edited or cropped): cosine at least this. */
  copy: number;
  /** Moments: shots with capture times, each within `windowSeconds` of the next, link at this. */
  moment: number;
  /**
   * The diameter bound of a moment with times: every pair in it at least this (≤ `moment`;
   * absent: `moment`, which is complete linkage). Lower lets a burst whose frames are spoiled in
   * different ways stay one group, while the ends of a chain still cannot meet.
   */
  momentDiameter?: number;
  /** Moments where a photo has no capture time: similarity alone, so stricter. */
  momentWithoutTime: number;
  windowSeconds: number;
  /**
   * Copies by their colour layouts (src/core/colour-layout.ts), whatever the cosine: colour
   * distance at most `colour` and structure at least `structure`. Absent, or where a photo has no
   * layout (indexed before layouts were stored): the cosine alone decides.
   */
  copyLayout?: { colour: number; structure: number };
  /**
   * Moments: the similarity that `moment`, `momentDiameter` and `momentWithoutTime` bound is
   * (1 − w) × cosine + w × the layouts' structure, where both photos have a layout (absent or 0,
   * or a photo without a layout: the cosine alone).
   */
  structureWeight?: number;
  measured: string;
  /** How the best shot weighs its figures (absent: the moments worker's defaults). */
  bestShot?: BestShotWeights;
}

/** Weights of the best shot's figures, each read 0–1 (workers/moments/best-shot.ts). */
export interface BestShotWeights {
  aesthetic: number;
  subjectSharpness: number;
  exposure: number;
  /** The person's tuned model, when one is active. */
  taste: number;
}

/**
 * Immich's copy figure (cosine distance 0.01 with ViT-B/32); the colour-layout copy rule, which
 * reads pixels and not the model, as chosen on the moments fixture (docs/moments.md); the rest are
 * guesses, unmeasured. The manifest's default profile holds the same.
 */
export const DEFAULT_MOMENT_THRESHOLDS: MomentThresholds = {
  copy: 0.99,
  moment: 0.9,
  momentWithoutTime: 0.95,
  windowSeconds: 60,
  copyLayout: { colour: 2.25, structure: 0.96 },
  measured:
    'unmeasured: copy from Immich (cosine distance 0.01, ViT-B/32); copyLayout (pixels, not the model) from the moments fixture; moments guessed',
};

export function momentThresholds(profile: Profile): MomentThresholds {
  return profile.moments ?? DEFAULT_MOMENT_THRESHOLDS;
}

export interface Manifest {
  version: number;
  profiles: Record<string, Omit<Profile, 'id'>>;
}

export const DEFAULT_PROFILE = 'default';

export function listProfiles(manifest: Manifest = manifestJson as Manifest): Profile[] {
  return Object.entries(manifest.profiles).map(([id, p]) => ({ id, ...p }));
}

export function getProfile(id: string, manifest: Manifest = manifestJson as Manifest): Profile {
  const p = manifest.profiles[id];
  if (!p) {
    const known = Object.keys(manifest.profiles).join(', ');
    throw new Error(`Unknown model profile "${id}". Known profiles: ${known}.`);
  }
  return { id, ...p };
}

/** Vectors of different models (or revisions) must never be compared; this key keeps them apart. */
export function modelKey(spec: { id: string; revision: string }): string {
  return `${spec.id}@${spec.revision}`;
}

/**
 * Where a file of a model is looked for, in order: the app's own models/ folder
 * (self-hosting), then the model's host. The same rule as CLIP's, for any file.
 */
export function modelFileUrls(
  spec: { id: string; host: string; revision: string },
  file: string,
  appBase: string,
): string[] {
  // The revision in the local URL is the cache policy for self-hosted files (model-revisions.ts).
  const local = withRevision(new URL(`models/${spec.id}/${file}`, appBase).href, spec.revision);
  return spec.host === 'self'
    ? [local]
    : [local, `${spec.host}${spec.id}/${spec.revision}/${file}`];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Everything wrong with a manifest's shape, one line per problem; empty when it is usable. */
export function manifestProblems(value: unknown): string[] {
  if (!isObject(value) || !isObject(value['profiles'])) return ['no "profiles" object'];
  const profiles = value['profiles'] as Record<string, Partial<Omit<Profile, 'id'>> | null>;
  const problems: string[] = [];
  if (Object.keys(profiles).length === 0) problems.push('"profiles" is empty');
  for (const [id, p] of Object.entries(profiles)) {
    const c = p?.clip;
    if (!c) {
      problems.push(`${id}: missing "clip"`);
      continue;
    }
    if (!c.id) problems.push(`${id}: clip.id is empty`);
    if (!c.host || (c.host !== 'self' && !/^https?:\/\/.+\/$/.test(c.host)))
      problems.push(`${id}: clip.host must be "self" or an http(s) URL ending in "/"`);
    if (!c.revision) problems.push(`${id}: clip.revision is empty`);
    if (!(c.embeddingSize > 0)) problems.push(`${id}: clip.embeddingSize must be positive`);
    if (!c.dtype?.wasm || !c.dtype?.webgpu)
      problems.push(`${id}: clip.dtype needs wasm and webgpu`);
    const h = p.aestheticHead;
    if (!h) problems.push(`${id}: missing "aestheticHead"`);
    else {
      if (!h.file) problems.push(`${id}: aestheticHead.file is empty`);
      if (h.inputDim !== c.embeddingSize)
        problems.push(
          `${id}: aestheticHead.inputDim ${h.inputDim} differs from clip.embeddingSize ${c.embeddingSize}`,
        );
    }
    for (const tower of ['text', 'vision'] as const) {
      if (!c.files?.some((f) => f.tower === tower)) problems.push(`${id}: no ${tower} tower file`);
    }
    if (p.negationWeight !== undefined && !(p.negationWeight >= 0))
      problems.push(`${id}: negationWeight must be a number ≥ 0`);
    problems.push(...tuningProblems(id, p.tuning));
  }
  return problems;
}

/**
 * Run once at start-up (the page calls it before anything loads a model): a bad edit of
 * models/manifest.json then fails at once with every problem named, not deep inside a worker.
 */
export function assertValidManifest(value: unknown = manifestJson): Manifest {
  const problems = manifestProblems(value);
  if (problems.length) {
    throw new Error(
      `The model manifest (models/manifest.json) is invalid: ${problems.join('; ')}. Fix the file and rebuild the app.`,
    );
  }
  return value as Manifest;
}
