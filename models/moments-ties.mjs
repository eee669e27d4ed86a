// Issue 23: which tie rules the moments fixture's thresholds and best-shot weights are chosen
// with, and which best-shot rule (models/moments-harness.ts). The test split is not read.
// - Tie rules: each is fitted on train and scored on val; the manifest's figures are then fitted
//   on train + val with the rules val prefers (MOMENT_TIES, WEIGHT_TIES; models/moments.spec.ts
//   checks them).
// - Best-shot rule: each candidate below is scored by leaving one group of train + val out at a
//   time (its weights or ε fitted on the other groups, the grid and the centroid of tied weights as
//   chooseWeights fits them, then the left-out group picked), on the groups that the manifest's
//   thresholds make. The rule with the most groups right is the one workers/moments/best-shot.ts
//   carries (ties: the rule with fewer fitted figures, then the earlier listed). "exposure within
//   the group" is rankMembers itself, the page's code path.
//   node models/moments-ties.mjs
import { tsLoader } from '../bench/ts-loader.mjs';

const loader = await tsLoader();
const h = await loader.load('/models/moments-harness.ts');
const { rankMembers } = await loader.load('/workers/moments/best-shot.ts');
const { sharpnessScore } = await loader.load('/src/core/subject-sharpness.ts');
const { getProfile, momentThresholds } = await loader.load('/src/core/manifest.ts');
const fixture = await h.loadMomentsFixture();
const out = { moments: {}, weights: {}, bestShotRules: {} };
const fitted = {};
for (const ties of ['strict', 'middle']) {
  const t = h.chooseThresholds(fixture, { fit: ['train'], ties });
  fitted[ties] = t;
  const r = h.measure(fixture, ['val'], t, false);
  out.moments[ties] = { thresholds: t, val: { copies: r.copies, moments: r.moments } };
}
const t = fitted[h.MOMENT_TIES];
for (const ties of ['first', 'centroid']) {
  const weights = h.chooseWeights(fixture, t, { fit: ['train'], ties });
  const r = h.measure(fixture, ['val'], { ...t, bestShot: weights });
  out.weights[ties] = { weights, val: r.bestShot };
}

// Best-shot rules, leave one group out on train + val.
const groups = h.groupsOf(fixture, ['train', 'val'], momentThresholds(getProfile('tiny-world')));
const right = (g, i) => g[i].quality >= Math.max(...g.map((m) => m.quality)) - 0.05;
const argmax = (xs) => xs.reduce((b, x, i) => (x > xs[b] ? i : b), 0);
const median = (xs) => {
  const a = [...xs].sort((x, y) => x - y);
  const n = a.length;
  return n % 2 ? a[(n - 1) / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
};
const minMax = (xs) => {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return xs.map((x) => (hi > lo ? (x - lo) / (hi - lo) : 0.5));
};
const fig = (g, k) => g.map((m) => m.figures[k]);
const relSharp = (g) => {
  const md = median(fig(g, 'sharpness'));
  return fig(g, 'sharpness').map((s) => Math.min(1, s / md));
};
const expWithin = (g) => {
  const md = median(fig(g, 'exposure'));
  return fig(g, 'exposure').map((e) => 1 - Math.abs(e - md));
};
// Readings [aesthetic, sharpness, exposure] per member, for the blends not run by rankMembers.
const readings = {
  'blend, absolute readings (the rule before)': (g) => [
    fig(g, 'laion').map((v) => v / 10),
    fig(g, 'sharpness').map(sharpnessScore),
    fig(g, 'exposure'),
  ],
  'blend, sharpness relative to the group median (capped at 1)': (g) => [
    fig(g, 'laion').map((v) => v / 10),
    relSharp(g),
    fig(g, 'exposure'),
  ],
  'blend, every figure min-max within the group': (g) => [
    minMax(fig(g, 'laion')),
    minMax(fig(g, 'sharpness')),
    minMax(fig(g, 'exposure')),
  ],
  'blend, min-max, sharpness relative to the median': (g) => [
    minMax(fig(g, 'laion')),
    relSharp(g),
    minMax(fig(g, 'exposure')),
  ],
  'blend, sharpness and exposure as departures from the median': (g) => {
    const md = median(fig(g, 'sharpness'));
    return [
      fig(g, 'laion').map((v) => v / 10),
      fig(g, 'sharpness').map((s) => 1 - Math.min(1, Math.abs(Math.log2(Math.max(s, 0.1) / md)))),
      expWithin(g),
    ];
  },
  'blend, sharpness relative to the median, exposure within the group': (g) => [
    fig(g, 'laion').map((v) => v / 10),
    relSharp(g),
    expWithin(g),
  ],
};
const grid = [];
for (let a = 0; a <= 20; a++) {
  for (let s = 0; s <= 20 - a; s++) grid.push([a, s]);
}
const weightsOf = ([a, s]) => ({
  aesthetic: a / 20,
  subjectSharpness: s / 20,
  exposure: (20 - a - s) / 20,
  taste: 1,
});
/** Fits a blend's weights on `gs` as chooseWeights does: most right, the centroid of the tied. */
function fitBlend(gs, pick) {
  let best = -1;
  let tied = [];
  for (const w of grid) {
    const n = gs.filter((g) => right(g, pick(g, weightsOf(w)))).length;
    if (n > best) tied = [];
    if (n >= best) tied.push(w);
    best = Math.max(best, n);
  }
  const mean = (k) => Math.round(tied.reduce((sum, w) => sum + w[k], 0) / tied.length);
  return weightsOf([mean(0), mean(1)]);
}
const rules = {};
for (const [name, read] of Object.entries(readings)) {
  const pick = (g, w) => {
    const [a, s, e] = read(g);
    return argmax(
      g.map((_, i) => w.aesthetic * a[i] + w.subjectSharpness * s[i] + w.exposure * e[i]),
    );
  };
  rules[name] = { figures: 2, fitOn: (gs) => fitBlend(gs, pick), pick };
}
const byRank = (g, w) => {
  const best = rankMembers(
    g.map((m) => m.figures),
    w,
  )[0].photoId;
  return g.findIndex((m) => m.id === best);
};
rules['blend, exposure within the group (rankMembers)'] = {
  figures: 2,
  fitOn: (gs) => fitBlend(gs, byRank),
  pick: byRank,
};
const epsilons = Array.from({ length: 21 }, (_, i) => i / 10);
for (const [name, sharp] of [
  ['aesthetic within ε of the best, then the sharpest', (g) => fig(g, 'sharpness')],
  ['aesthetic within ε of the best, then the sharpest relative to the median', relSharp],
]) {
  const pick = (g, eps) => {
    const top = Math.max(...fig(g, 'laion'));
    const s = sharp(g);
    let b = -1;
    g.forEach((m, i) => {
      if (m.figures.laion >= top - eps && (b < 0 || s[i] > s[b])) b = i;
    });
    return b;
  };
  const fitOn = (gs) => {
    let best = -1;
    let tied = [];
    for (const eps of epsilons) {
      const n = gs.filter((g) => right(g, pick(g, eps))).length;
      if (n > best) tied = [];
      if (n >= best) tied.push(eps);
      best = Math.max(best, n);
    }
    return Math.round((10 * tied.reduce((sum, e) => sum + e, 0)) / tied.length) / 10;
  };
  rules[name] = { figures: 1, fitOn, pick };
}
rules['the highest aesthetic score alone'] = {
  figures: 0,
  fitOn: () => null,
  pick: (g) => argmax(fig(g, 'laion')),
};
rules['the largest file (Immich)'] = {
  figures: 0,
  fitOn: () => null,
  pick: (g) => argmax(g.map((m) => m.bytes)),
};
let chosen = null;
for (const [name, rule] of Object.entries(rules)) {
  let loo = 0;
  groups.forEach((g, k) => {
    if (right(g, rule.pick(g, rule.fitOn(groups.filter((_, j) => j !== k))))) loo++;
  });
  const all = rule.fitOn(groups);
  const inSample = groups.filter((g) => right(g, rule.pick(g, all))).length;
  out.bestShotRules[name] = {
    leaveOneOut: `${loo}/${groups.length} = ${(loo / groups.length).toFixed(3)}`,
    fittedOnAll: all,
    inSample: `${inSample}/${groups.length}`,
  };
  if (!chosen || loo > chosen.loo || (loo === chosen.loo && rule.figures < chosen.figures)) {
    chosen = { name, loo, figures: rule.figures };
  }
}
out.chosen = { moments: h.MOMENT_TIES, weights: h.WEIGHT_TIES, bestShotRule: chosen.name };
console.log(JSON.stringify(out, null, 2));
await loader.close();
