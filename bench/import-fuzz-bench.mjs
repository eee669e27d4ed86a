// The hostile-import fuzz specs with the garbage collector exposed, so that each case's memory
// rise is its own: prints the case count and the largest rise of each import path, and writes
// them into bench/results/latest.json as `importFuzz`.
// Usage: node bench/import-fuzz-bench.mjs
import { spawnSync } from 'node:child_process';
import { mergeIntoLatest } from './latest.mjs';

const specs = [
  'workers/library-io/hostile-imports.fuzz.spec.ts',
  'workers/tuning/adapter-codec.fuzz.spec.ts',
];
const run = spawnSync('npx', ['vitest', 'run', ...specs], {
  encoding: 'utf8',
  env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --expose-gc` },
});
const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const output = `${run.stdout}${run.stderr}`.replace(ansi, '');
// e.g. "hostile imports: 412 cases; largest memory rise 3.1 MiB (truncated npy)"
const paths = {};
for (const line of output.split('\n')) {
  const m = /([\w -]+): (\d+) cases; largest memory rise ([\d.]+) MiB(?: \((.*)\))?/.exec(line);
  if (!m) continue;
  console.log(line.trim());
  paths[m[1].trim()] = {
    cases: Number(m[2]),
    largestRiseMiB: Number(m[3]),
    ...(m[4] ? { largestRiseCase: m[4] } : {}),
  };
}
const summary = /Tests\s+.*\(\d+\)/.exec(output);
console.log(summary ? summary[0] : 'no test summary');
if (run.status === 0 && Object.keys(paths).length) mergeIntoLatest({ importFuzz: paths });
process.exit(run.status ?? 1);
