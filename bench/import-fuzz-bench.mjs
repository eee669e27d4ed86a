// The hostile-import fuzz specs with the garbage collector exposed, so that each case's memory
// rise is its own: prints the case count and the largest rise of each import path.
// Usage: node bench/import-fuzz-bench.mjs
import { spawnSync } from 'node:child_process';

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
for (const line of output.split('\n'))
  if (/largest memory rise/.test(line)) console.log(line.trim());
const summary = /Tests\s+.*\(\d+\)/.exec(output);
console.log(summary ? summary[0] : 'no test summary');
process.exit(run.status ?? 1);
