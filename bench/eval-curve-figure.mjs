// node bench/eval-curve-figure.mjs: redraws docs/eval-curve.svg from the curves that the last
// `npm run eval` wrote to bench/results/eval.json (the same drawing the eval page shows).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { root, tsLoader } from './ts-loader.mjs';

const results = JSON.parse(readFileSync(path.join(root, 'bench/results/eval.json'), 'utf8'));
if (!results.curves) throw new Error('bench/results/eval.json holds no curves: run npm run eval');
if (results.mode !== 'full') console.warn(`warning: drawing a ${results.mode} run`);
const vite = await tsLoader();
const { curveChart } = await vite.load('/bench/eval-curve-chart.ts');
await vite.close();
const out = path.join(root, 'docs/eval-curve.svg');
writeFileSync(out, curveChart(results.curves) + '\n');
console.log(`wrote ${path.relative(root, out)} from the ${results.mode} run of ${results.date}`);
