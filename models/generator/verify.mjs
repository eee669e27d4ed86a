// Loads models/tiny-world with transformers.js exactly as the app does and checks it
// against the PyTorch reference dumped by build.py, then measures retrieval and the
// aesthetic head on the e2e tiny-world library.
//
//   node models/generator/verify.mjs            (from the repository root)
//
// Exits non-zero when a parity check fails.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AutoProcessor,
  AutoTokenizer,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  RawImage,
  Tensor,
  env,
} from '@huggingface/transformers';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const fixtureDir = path.join(root, 'e2e/fixtures/tiny-world');
const MODEL_ID = 'tiny-world';

env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = path.join(root, 'models') + path.sep;
env.useFSCache = false; // never write a cache into node_modules

const reference = JSON.parse(fs.readFileSync(path.join(here, 'reference/reference.json'), 'utf8'));
const groundTruth = JSON.parse(fs.readFileSync(path.join(fixtureDir, 'ground-truth.json'), 'utf8'));
const config = JSON.parse(fs.readFileSync(path.join(root, 'models', MODEL_ID, 'config.json'), 'utf8'));
const head = JSON.parse(fs.readFileSync(path.join(root, 'models', MODEL_ID, 'aesthetic-head.json'), 'utf8'));

let failures = 0;
function check(ok, message) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${message}`);
  if (!ok) failures += 1;
}

function rows(tensor) {
  const [n, d] = tensor.dims;
  const out = [];
  for (let i = 0; i < n; i++) out.push(Array.from(tensor.data.slice(i * d, (i + 1) * d)));
  return out;
}
function l2normalize(v) {
  const n = Math.hypot(...v) || 1;
  return v.map((x) => x / n);
}
function cosine(a, b) {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  return dot / (Math.hypot(...a) * Math.hypot(...b));
}
function ranks(values) {
  const order = values.map((v, i) => [v, i]).sort((x, y) => x[0] - y[0]);
  const r = new Array(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) r[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}
function pearson(x, y) {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}
const spearman = (x, y) => pearson(ranks(x), ranks(y));
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (x) => x.toFixed(3);

// ---------------------------------------------------------------- load, as the app does
const tokenizer = await AutoTokenizer.from_pretrained(MODEL_ID);
const textModel = await CLIPTextModelWithProjection.from_pretrained(MODEL_ID, { dtype: 'fp32' });
const visionModel = await CLIPVisionModelWithProjection.from_pretrained(MODEL_ID, { dtype: 'fp32' });
const processor = await AutoProcessor.from_pretrained(MODEL_ID);

async function embedTexts(texts) {
  const inputs = tokenizer(texts, { padding: true, truncation: true });
  const { text_embeds } = await textModel(inputs);
  return rows(text_embeds);
}
async function embedImages(images) {
  const { pixel_values } = await processor(images);
  const { image_embeds } = await visionModel({ pixel_values });
  return rows(image_embeds);
}

// ---------------------------------------------------------------- (a) tokenizer parity
console.log('\n# tokenizer');
for (const { text, ids } of reference.tokenizer) {
  const got = tokenizer.encode(text);
  check(JSON.stringify(got) === JSON.stringify(ids), `ids of ${JSON.stringify(text)}: ${JSON.stringify(got)}`);
}
{
  const eos = config.text_config.eos_token_id;
  const batch = tokenizer(['a red circle', 'a photo of a blue star on sand'], { padding: true, truncation: true });
  const first = Array.from(batch.input_ids.data.slice(0, batch.input_ids.dims[1]), Number);
  check(first.slice(-2).every((id) => id === eos), `padding uses end-of-text (${eos}): ${JSON.stringify(first)}`);
  check(tokenizer.model_max_length === config.text_config.max_position_embeddings,
    `model_max_length ${tokenizer.model_max_length} = max_position_embeddings`);
}

// ---------------------------------------------------------------- (b) model parity
console.log('\n# embeddings vs PyTorch');
{
  const texts = reference.text.map((t) => t.text);
  const got = await embedTexts(texts); // padded batch: padding must not change the pooled output
  reference.text.forEach((t, i) =>
    check(cosine(got[i], t.embeds) > 0.999, `text ${JSON.stringify(t.text)} cos ${cosine(got[i], t.embeds).toFixed(6)}`));
  const alone = await embedTexts([texts[0]]);
  check(cosine(alone[0], got[0]) > 0.99999, `padding-invariant text embedding (cos ${cosine(alone[0], got[0]).toFixed(7)})`);
}
{
  const [mean_, std_] = [processor.image_processor.image_mean, processor.image_processor.image_std];
  for (const img of reference.images) {
    // Same 64x64 pixels as PyTorch saw: exact model parity, independent of resize method.
    const raw = await RawImage.read(path.join(here, 'reference', img.pixels));
    const rgb = raw.rgb();
    const hw = rgb.height * rgb.width;
    const data = new Float32Array(3 * hw);
    for (let p = 0; p < hw; p++)
      for (let c = 0; c < 3; c++) data[c * hw + p] = (rgb.data[p * 3 + c] / 255 - mean_[c]) / std_[c];
    const pixel_values = new Tensor('float32', data, [1, 3, rgb.height, rgb.width]);
    const { image_embeds } = await visionModel({ pixel_values });
    const c1 = cosine(rows(image_embeds)[0], img.embeds);
    check(c1 > 0.999, `image ${img.path}: same pixels cos ${c1.toFixed(6)}`);
    // Whole pipeline (file -> processor -> model); the resize differs from Pillow's. Under Node
    // transformers.js resizes by point sampling (sharp), whose aliasing the vision tower's
    // energy stem (revision 3) measures as fine detail, so a photo can move further than a
    // resize alone suggests. Parity itself is the same-pixels check above; what the whole
    // pipeline does to retrieval and aesthetics is measured below through this same processor.
    const [viaProcessor] = await embedImages([await RawImage.read(path.join(fixtureDir, img.path))]);
    const c2 = cosine(viaProcessor, img.embeds);
    check(c2 > 0.85, `image ${img.path}: file through AutoProcessor cos ${c2.toFixed(4)} (resize differs)`);
  }
}

// ---------------------------------------------------------------- (c) retrieval and aesthetics
// Two views: the test split (test queries over test images only: the README's targets) and the
// whole library (every query over every image, as the e2e tests see it).
console.log('\n# retrieval and aesthetics over the tiny-world library');
const images = groundTruth.images;
const imageEmbeds = [];
for (let i = 0; i < images.length; i += 32) {
  const batch = await Promise.all(images.slice(i, i + 32).map((im) => RawImage.read(path.join(fixtureDir, im.path))));
  imageEmbeds.push(...(await embedImages(batch)).map(l2normalize));
}
const queries = groundTruth.queries;
const queryEmbeds = (await embedTexts(queries.map((q) => q.text))).map(l2normalize);
const isRelevant = (im, rel) => Object.entries(rel).every(([k, v]) => im[k] === v);
const dot = (a, b) => a.reduce((s, x, j) => s + x * b[j], 0);
const aesthetic = imageEmbeds.map((e) => dot(e, head.weight) + head.bias);

// CLIP-IQA exactly as the app computes it: the pairs are read from the app's source.
const iqaSource = ['protocol.ts', 'clip-iqa.ts']
  .map((f) => path.join(root, 'workers/aesthetics', f))
  .filter((f) => fs.existsSync(f))
  .map((f) => fs.readFileSync(f, 'utf8'))
  .join('\n');
const iqaPairs = [...iqaSource.matchAll(/name: '([^']+)', positive: '([^']+)', negative: '([^']+)'/g)].map((m) => m.slice(1));
check(iqaPairs.length > 0, `found ${iqaPairs.length} CLIP-IQA prompt pairs in workers/aesthetics`);
const iqaPrompts = (await embedTexts(iqaPairs.flatMap(([, pos, neg]) => [pos, neg]))).map(l2normalize);
const scale = config.logit_scale;
const iqa = imageEmbeds.map((e) =>
  mean(iqaPairs.map((_, i) => 1 / (1 + Math.exp(scale * (dot(e, iqaPrompts[2 * i + 1]) - dot(e, iqaPrompts[2 * i])))))),
);

const K = 10;
const CANDIDATES = 30;
const KINDS = ['shape+colour', 'shape+background', 'colour+background'];
const DEGRADATIONS = ['blur', 'noise', 'dark', 'overexposed', 'lowcontrast', 'cutoff', 'jpeg'];

function splitMetrics(subset, qs, label) {
  const quality = subset.map((i) => images[i].quality);
  const perQuery = qs.map((q) => {
    const qe = queryEmbeds[queries.indexOf(q)];
    const order = subset.map((i) => [dot(imageEmbeds[i], qe), i]).sort((a, b) => b[0] - a[0]).map(([, i]) => i);
    const top = order.slice(0, K);
    // Cascade: semantic top-30, re-ranked by the aesthetic head.
    const reranked = order.slice(0, CANDIDATES).sort((a, b) => aesthetic[b] - aesthetic[a]).slice(0, K);
    return {
      text: q.text,
      kind: q.kind,
      relevant: subset.filter((i) => isRelevant(images[i], q.relevant)).length,
      p: top.filter((i) => isRelevant(images[i], q.relevant)).length / K,
      pRe: reranked.filter((i) => isRelevant(images[i], q.relevant)).length / K,
      quality: mean(top.map((i) => images[i].quality)),
      qualityRe: mean(reranked.map((i) => images[i].quality)),
    };
  });
  const main = perQuery.filter((q) => KINDS.includes(q.kind));
  const held = perQuery.filter((q) => q.kind === 'held-out-triple');
  const within = {};
  for (const kind of DEGRADATIONS) {
    const idx = subset.filter((i) => images[i].degradation === kind);
    within[kind] = spearman(idx.map((i) => aesthetic[i]), idx.map((i) => images[i].quality));
  }
  console.log(`\n## ${label}`);
  for (const q of perQuery)
    console.log(`  P@10 ${fmt(q.p)} (re-ranked ${fmt(q.pRe)})  relevant ${String(q.relevant).padStart(3)}  ${q.kind.padEnd(17)} ${q.text}`);
  return {
    images: subset.length,
    queries: main.length,
    precisionAt10: mean(main.map((q) => q.p)),
    precisionAt10ByKind: Object.fromEntries(KINDS.map((k) => [k, mean(main.filter((q) => q.kind === k).map((q) => q.p))])),
    precisionAt10HeldOutTriples: mean(held.map((q) => q.p)),
    precisionAt10AfterRerank: mean(main.map((q) => q.pRe)),
    meanQualityTop10: { semantic: mean(main.map((q) => q.quality)), aestheticRerank: mean(main.map((q) => q.qualityRe)) },
    spearmanHead: spearman(subset.map((i) => aesthetic[i]), quality),
    spearmanHeadWithinDegradation: within,
    spearmanClipIqa: spearman(subset.map((i) => iqa[i]), quality),
  };
}

const testImages = images.map((im, i) => (im.split === 'test' ? i : -1)).filter((i) => i >= 0);
const results = {
  test: splitMetrics(testImages, queries.filter((q) => q.split === 'test'), 'test split: test queries over test images'),
  library: splitMetrics(images.map((_, i) => i), queries, 'whole library: every query over every image'),
  clipIqaPairs: iqaPairs.map(([name]) => name),
  logitScale: config.logit_scale,
};

// ---------------------------------------------------------------- (d) summary
console.log('\n# summary');
for (const [label, m] of [['test split', results.test], ['whole library', results.library]]) {
  console.log(`  ${label}: ${m.images} images, ${m.queries} two-attribute queries`);
  console.log(`    P@10 ${fmt(m.precisionAt10)} (${KINDS.map((k) => `${k} ${fmt(m.precisionAt10ByKind[k])}`).join(', ')}); held-out triples ${fmt(m.precisionAt10HeldOutTriples)}`);
  console.log(`    P@10 after aesthetic re-rank of top-${CANDIDATES} ${fmt(m.precisionAt10AfterRerank)}; mean quality of top-10 ${fmt(m.meanQualityTop10.semantic)} -> ${fmt(m.meanQualityTop10.aestheticRerank)}`);
  console.log(`    Spearman with quality: head ${fmt(m.spearmanHead)}, CLIP-IQA ${fmt(m.spearmanClipIqa)}; head within ${DEGRADATIONS.map((k) => `${k} ${fmt(m.spearmanHeadWithinDegradation[k])}`).join(', ')}`);
}
const jsonOut = process.argv.indexOf('--json');
if (jsonOut > 0) fs.writeFileSync(process.argv[jsonOut + 1], JSON.stringify(results, null, 2) + '\n');

if (failures > 0) {
  console.error(`\n${failures} check(s) failed`);
  process.exit(1);
}
console.log('\nall parity checks passed');
