// The tiny world embedded in Node through the workers' own classes (transformers.js on
// onnxruntime-node), with every photo scored the way the page scores it. Shared by the
// alignment spec, the settings sweep and the benchmark, so they all measure the same library.
//
// Embedding ~700 photos costs tens of seconds on a loaded 2-core machine, so the vectors and
// scores are cached under node_modules/.cache, keyed by a hash of every input that shapes them
// (model files, aesthetic head, ground truth, scorer key): a retrained world misses the cache.
import { RawImage } from '@huggingface/transformers';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseGroundTruth, type GroundTruth } from '../src/core/eval/ground-truth';
import { getProfile, type Profile } from '../src/core/manifest';
import type { ScoreRecord } from '../src/core/store/db';
import { clipIqa } from '../workers/aesthetics/clip-iqa';
import { appealScores, pixelStats } from '../workers/aesthetics/pixel-stats';
import { promptTexts } from '../workers/aesthetics/protocol';
import { applyLinearHead, readLinearHead } from '../workers/aesthetics/pth-reader';
import { scorerKey } from '../workers/aesthetics/scorer';
import { ScoreIndex } from '../workers/search/rerank';
import type { ImagePixels } from '../workers/embedding/protocol';
import { loadTower, type ClipText } from '../workers/shared/clip-models';
import { configureHosting } from '../workers/shared/hosting';

export const root = path.resolve(import.meta.dirname, '..');
export const fixtureDir = path.join(root, 'e2e/fixtures/tiny-world');
const modelDir = path.join(root, 'models/tiny-world');
const cacheDir = path.join(root, 'node_modules/.cache/lumen-tiny-world');

export interface TinyWorld {
  profile: Profile;
  truth: GroundTruth;
  dim: number;
  /** Base (untuned) unit image embeddings, row i is photo id i + 1. */
  vectors: Float32Array;
  ids: Uint32Array;
  records: ScoreRecord[];
  scoreKey: string;
  /** The re-ranker's index: its `combined` is the beauty score D_po orders rows by. */
  scoreIndex: ScoreIndex;
  text: ClipText;
  /** Unit text embeddings, memoised per text. */
  embedQueries(texts: readonly string[]): Promise<Map<string, Float32Array>>;
  /** Row of photo `id` (1-based), a view into `vectors`. */
  vectorOf(id: number): Float32Array;
}

interface CachedEmbedding {
  key: string;
  vectors: number[];
  records: ScoreRecord[];
}

function cacheKey(profile: Profile, scoreKey: string, truthText: string): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ clip: profile.clip, head: profile.aestheticHead, scoreKey }));
  hash.update(truthText);
  const files = [
    ...readdirSync(path.join(modelDir, 'onnx')).map((f) => path.join('onnx', f)),
    profile.aestheticHead.file,
    'preprocessor_config.json',
  ].sort();
  for (const file of files) hash.update(readFileSync(path.join(modelDir, file)));
  return hash.digest('hex').slice(0, 24);
}

/** One photo as embedFixturePhotos decoded, embedded and scored it. */
export interface EmbeddedPhoto {
  /** Its place in `paths`, and its row in the returned vectors. */
  index: number;
  /** Unit image embedding. */
  vector: Float32Array;
  pixels: ImagePixels;
  /** The profile's aesthetic head on `vector`. */
  laion: number;
}

/**
 * The photos at `paths` (relative to `dir`) decoded and embedded in Node by the tiny world's
 * vision tower (served from models/), 32 at a time, each scored by its aesthetic head, in order:
 * `visit` sees each photo, and the result holds the vectors, row i for `paths[i]`. Shared by the
 * fixtures embedded with the tiny world's model (this one and the moments one).
 */
export async function embedFixturePhotos(
  profile: Profile,
  dir: string,
  paths: readonly string[],
  visit: (photo: EmbeddedPhoto) => void,
): Promise<Float32Array> {
  const dim = profile.clip.embeddingSize;
  configureHosting(profile.clip, { modelRoot: path.join(root, 'models') + '/' });
  const vision = await loadTower('vision', profile.clip, 'cpu');
  const head = readLinearHead(readFileSync(path.join(modelDir, profile.aestheticHead.file)));
  const vectors = new Float32Array(paths.length * dim);
  for (let at = 0; at < paths.length; at += 32) {
    const pixels = await Promise.all(
      paths.slice(at, at + 32).map(async (file): Promise<ImagePixels> => {
        const raw = (await RawImage.read(path.join(dir, file))).rgba();
        return { data: new Uint8ClampedArray(raw.data), width: raw.width, height: raw.height };
      }),
    );
    const embedded = await vision.embed(pixels);
    embedded.forEach((vector, i) => {
      vectors.set(vector, (at + i) * dim);
      visit({ index: at + i, vector, pixels: pixels[i]!, laion: applyLinearHead(head, vector) });
    });
  }
  return vectors;
}

async function embedLibrary(
  profile: Profile,
  truth: GroundTruth,
  text: ClipText,
  scoreKey: string,
): Promise<{ vectors: Float32Array; records: ScoreRecord[] }> {
  const prompts = await text.embed(promptTexts());
  const records: ScoreRecord[] = [];
  const vectors = await embedFixturePhotos(
    profile,
    fixtureDir,
    truth.images.map((img) => img.path),
    ({ index, vector, pixels: px, laion }) => {
      const stats = pixelStats(px, px.width, px.height);
      records.push({
        id: index + 1,
        models: {
          [scoreKey]: {
            laion,
            clipIqa: clipIqa(vector, prompts, profile.clip.logitScale),
          },
        },
        pixel: { version: 1, stats, appeal: appealScores(stats) },
      });
    },
  );
  return { vectors, records };
}

export async function loadTinyWorld(): Promise<TinyWorld> {
  const profile = getProfile('tiny-world');
  const dim = profile.clip.embeddingSize;
  const truthText = readFileSync(path.join(fixtureDir, 'ground-truth.json'), 'utf8');
  const truth = parseGroundTruth(JSON.parse(truthText));
  configureHosting(profile.clip, { modelRoot: path.join(root, 'models') + '/' });
  const text = await loadTower('text', profile.clip, 'cpu');
  const scoreKey = scorerKey(profile);
  const key = cacheKey(profile, scoreKey, truthText);
  const cacheFile = path.join(cacheDir, `${key}.json`);

  let vectors: Float32Array;
  let records: ScoreRecord[];
  const cached = existsSync(cacheFile)
    ? (JSON.parse(readFileSync(cacheFile, 'utf8')) as CachedEmbedding)
    : undefined;
  if (cached?.key === key && cached.vectors.length === truth.images.length * dim) {
    vectors = Float32Array.from(cached.vectors);
    records = cached.records;
  } else {
    ({ vectors, records } = await embedLibrary(profile, truth, text, scoreKey));
    mkdirSync(cacheDir, { recursive: true });
    const entry: CachedEmbedding = { key, vectors: Array.from(vectors), records };
    writeFileSync(cacheFile, JSON.stringify(entry));
  }

  const memo = new Map<string, Float32Array>();
  return {
    profile,
    truth,
    dim,
    vectors,
    ids: Uint32Array.from(truth.images, (_, i) => i + 1),
    records,
    scoreKey,
    scoreIndex: ScoreIndex.build(records, scoreKey),
    text,
    async embedQueries(texts) {
      const missing = [...new Set(texts.filter((t) => !memo.has(t)))];
      const embedded = await text.embed(missing);
      missing.forEach((t, i) => memo.set(t, embedded[i]!));
      return new Map(texts.map((t) => [t, memo.get(t)!]));
    },
    vectorOf: (id) => vectors.subarray((id - 1) * dim, id * dim),
  };
}
