// Issue 23: which tie rules the moments fixture's thresholds and best-shot weights are chosen
// with (models/moments-harness.ts). Each rule is fitted on train and scored on val; the test split
// is not read. The manifest's figures are then fitted on train + val with the rules val prefers
// (MOMENT_TIES, WEIGHT_TIES; models/moments.spec.ts checks them).
//   node models/moments-ties.mjs
import { tsLoader } from '../bench/ts-loader.mjs';

const loader = await tsLoader();
const h = await loader.load('/models/moments-harness.ts');
const fixture = await h.loadMomentsFixture();
const out = { moments: {}, weights: {} };
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
out.chosen = { moments: h.MOMENT_TIES, weights: h.WEIGHT_TIES };
console.log(JSON.stringify(out, null, 2));
await loader.close();
