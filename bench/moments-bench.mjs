// The moments worker's grouping at library scale (issue 23): CLIP-like synthetic vectors (a
// shared direction plus a random one, so unlike photos sit near cosine 0.5 as CLIP's do) with
// planted groups of copies and of moments, and no capture times, the worst case (every pair must
// come from the sign-bit bands). Times grouping from scratch, then a batch of new photos, and
// reports the recall of planted pairs and how many unplanted pairs were grouped. Each photo also has
// a colour layout (src/core/colour-layout.ts: copies' barely differ, moments' differ in light),
// compared on every candidate pair as the worker does; the same run also groups without layouts
// (a library indexed before they were stored), the cost they add.
//   node bench/moments-bench.mjs [--photos=100000] [--batch=500]
// Prints JSON; writes nothing.
import { tsLoader } from './ts-loader.mjs';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  }),
);
const PHOTOS = Number(args.get('photos') ?? 100_000);
const BATCH = Number(args.get('batch') ?? 500);
const DIM = 512;

const loader = await tsLoader();
const { MomentIndex } = await loader.load('/workers/moments/moment-index.ts');
const { DEFAULT_MOMENT_THRESHOLDS } = await loader.load('/src/core/manifest.ts');
const { quantizeBatch } = await loader.load('/src/core/int8-codec.ts');
const { LAYOUT_BYTES } = await loader.load('/src/core/colour-layout.ts');

let seed = 1;
const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
const unit = (v) => {
  let s = 0;
  for (const x of v) s += x * x;
  const k = 1 / Math.sqrt(s);
  for (let j = 0; j < v.length; j++) v[j] *= k;
  return v;
};
const randomUnit = () => unit(Float32Array.from({ length: DIM }, gauss));
const shared = randomUnit();
const base = () => {
  const r = randomUnit();
  return unit(r.map((x, j) => 0.7 * shared[j] + 0.7 * x));
};
/** A member of a group: cosine to another member about 1 / (1 + eps²). */
const near = (centre, eps) => {
  const n = randomUnit();
  return unit(centre.map((x, j) => x + eps * n[j]));
};

/**
 * n photos from id `first`; about 12% in planted groups: copies (ε 0.05, cosine about 0.998),
 * moments (ε 0.18, about 0.97) and moments near the no-time threshold (ε 0.21, about 0.958).
 */
const KINDS = [0.05, 0.18, 0.21];
function makePhotos(first, n) {
  const vectors = new Float32Array(n * DIM);
  const label = new Int32Array(n).fill(-1);
  const layouts = new Uint8Array(n * LAYOUT_BYTES);
  let i = 0;
  while (i < n) {
    const r = random();
    const size = r < 0.04 ? 2 + Math.floor(random() * 7) : 1;
    const kind = Math.floor(random() * KINDS.length);
    const eps = KINDS[kind];
    const centre = base();
    const picture = Uint8Array.from({ length: LAYOUT_BYTES }, () => 30 + random() * 190);
    for (let k = 0; k < size && i < n; k++, i++) {
      vectors.set(size === 1 ? centre : near(centre, eps), i * DIM);
      if (size > 1) label[i] = (first + i - k) * 4 + kind;
      // Copies: within a grey level; moments: another light and a little noise.
      const light = size === 1 || kind === 0 ? 1 : 0.85 + 0.3 * random();
      const spread = size === 1 || kind === 0 ? 1 : 8;
      for (let j = 0; j < LAYOUT_BYTES; j++) {
        layouts[i * LAYOUT_BYTES + j] = picture[j] * light + (random() - 0.5) * 2 * spread;
      }
    }
  }
  const ids = Uint32Array.from({ length: n }, (_, k) => first + k);
  return { ids, vectors, label, layouts: { bytes: layouts, has: new Uint8Array(n).fill(1) } };
}

const t0 = performance.now();
const library = makePhotos(1, PHOTOS);
const extra = makePhotos(PHOTOS + 1, BATCH);
const made = performance.now() - t0;
const q = quantizeBatch(library.vectors, DIM);
const qx = quantizeBatch(extra.vectors, DIM);
const noTimes = (n) => new Float64Array(n).fill(NaN);

/** Groups from scratch, then the batch: milliseconds of each, and the index. */
function run(withLayouts) {
  const index = new MomentIndex(DIM, DEFAULT_MOMENT_THRESHOLDS);
  let t = performance.now();
  index.add(
    library.ids,
    q.codes,
    q.scales,
    noTimes(PHOTOS),
    withLayouts ? library.layouts : undefined,
  );
  const scratchMs = performance.now() - t;
  t = performance.now();
  index.add(
    extra.ids,
    qx.codes,
    qx.scales,
    noTimes(BATCH),
    withLayouts ? extra.layouts : undefined,
  );
  return { index, scratchMs, batchMs: performance.now() - t };
}
// Without layouts first; its index is let go before the run with layouts, so that the two runs
// share the machine's memory alike.
const without = (({ index, ...times }) => ({ ...times, groups: index.clusters().length }))(
  run(false),
);
const { index, scratchMs, batchMs } = run(true);

// Recall of planted pairs; "extra" groups are planted among the new photos.
const groupOf = new Map();
for (const c of index.clusters()) for (const id of c.members) groupOf.set(id, c.members[0]);
const planted = new Map();
for (const { ids, label } of [library, extra]) {
  label.forEach((l, i) => {
    if (l < 0) return;
    const list = planted.get(l) ?? [];
    list.push(ids[i]);
    planted.set(l, list);
  });
}
const pairs = [0, 0, 0];
const found = [0, 0, 0];
for (const [l, members] of planted) {
  for (let a = 0; a < members.length; a++) {
    for (let b = a + 1; b < members.length; b++) {
      pairs[l % 4]++;
      const ga = groupOf.get(members[a]);
      if (ga !== undefined && ga === groupOf.get(members[b])) found[l % 4]++;
    }
  }
}
const recallOf = (k) => Number((found[k] / Math.max(1, pairs[k])).toFixed(4));
const sum = (v) => v.reduce((s, x) => s + x, 0);
const plantedOf = new Map();
for (const [l, members] of planted) for (const id of members) plantedOf.set(id, l);
let grouped = 0;
let wrong = 0;
for (const c of index.clusters()) {
  for (let a = 0; a < c.members.length; a++) {
    for (let b = a + 1; b < c.members.length; b++) {
      grouped++;
      const la = plantedOf.get(c.members[a]);
      if (la === undefined || la !== plantedOf.get(c.members[b])) wrong++;
    }
  }
}
console.log(
  JSON.stringify(
    {
      photos: PHOTOS,
      batch: BATCH,
      captureTimes: false,
      generateMs: Math.round(made),
      fromScratchMs: Math.round(scratchMs),
      batchMs: Math.round(batchMs),
      withoutLayouts: {
        fromScratchMs: Math.round(without.scratchMs),
        batchMs: Math.round(without.batchMs),
        groups: without.groups,
      },
      groups: index.clusters().length,
      plantedPairs: sum(pairs),
      recall: Number((sum(found) / sum(pairs)).toFixed(4)),
      recallCopies: recallOf(0),
      recallMoments097: recallOf(1),
      recallMoments0958: recallOf(2),
      groupedPairs: grouped,
      precision: Number(((grouped - wrong) / Math.max(1, grouped)).toFixed(4)),
    },
    null,
    2,
  ),
);
await loader.close();
