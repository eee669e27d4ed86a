// Times one HEIC's decode to 8-bit RGBA with both shipped decoders in the same run, alternating
// them: our SIMD build (vendor/libheif-simd/libheif.mjs) and libheif-js 1.23.2 (the fallback),
// and checks that they give the same pixels.
//
//   node bench/libheif-decode.mjs photo.heic [rounds=5]
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

const file = process.argv[2];
const rounds = Number(process.argv[3] ?? 5);
if (!file) throw new Error('usage: node bench/libheif-decode.mjs photo.heic [rounds]');
const bytes = new Uint8Array(readFileSync(file));

const builds = {
  'libheif-js 1.23.2': '../node_modules/libheif-js/libheif-wasm/libheif-bundle.mjs',
  'SIMD build': '../vendor/libheif-simd/libheif.mjs',
};
const libs = {};
for (const [name, path] of Object.entries(builds))
  libs[name] = await (await import(new URL(path, import.meta.url).href)).default();

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function decode(lib) {
  const context = lib.heif_context_alloc();
  const error = lib.heif_context_read_from_memory(context, bytes);
  if (error.code.value !== 0) throw new Error(error.message);
  const handle = lib.heif_js_context_get_primary_image_handle(context);
  const wall = performance.now();
  const cpu = cpuMs();
  const image = await lib.heif_js_decode_image2(
    handle,
    lib.heif_colorspace.heif_colorspace_RGB,
    lib.heif_chroma.heif_chroma_interleaved_RGBA,
  );
  const times = { wall: performance.now() - wall, cpu: cpuMs() - cpu };
  if ('code' in image) throw new Error(image.message);
  const plane = image.channels[0];
  const hash = createHash('sha256').update(plane.data).digest('hex').slice(0, 16);
  lib.heif_image_release(image.image);
  lib.heif_image_handle_release(handle);
  lib.heif_context_free(context);
  return { ...times, hash, size: `${image.width}×${image.height}` };
}

const runs = Object.fromEntries(Object.keys(libs).map((n) => [n, []]));
console.log(`${file}, ${rounds} rounds, load average ${loadavg().map((l) => l.toFixed(1))}`);
for (let round = 0; round < rounds; round++)
  for (const [name, lib] of Object.entries(libs)) {
    const r = await decode(lib);
    runs[name].push(r);
    console.log(
      `round ${round} ${name}: wall ${r.wall.toFixed(0)} ms, CPU ${r.cpu.toFixed(0)} ms, ${r.size}, RGBA sha256 ${r.hash}`,
    );
  }
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = Object.fromEntries(
  Object.entries(runs).map(([n, rs]) => [
    n,
    { wall: median(rs.map((r) => r.wall)), cpu: median(rs.map((r) => r.cpu)) },
  ]),
);
const [old, ours] = Object.keys(libs);
for (const n of [old, ours])
  console.log(
    `${n}: median wall ${summary[n].wall.toFixed(0)} ms, CPU ${summary[n].cpu.toFixed(0)} ms`,
  );
console.log(
  `speed-up (libheif-js / SIMD build): wall ${(summary[old].wall / summary[ours].wall).toFixed(2)}×, CPU ${(summary[old].cpu / summary[ours].cpu).toFixed(2)}×`,
);
const hashes = new Set(Object.values(runs).flatMap((rs) => rs.map((r) => r.hash)));
console.log(hashes.size === 1 ? 'same RGBA from both' : `RGBA DIFFERS: ${[...hashes]}`);
console.log(`load average after: ${loadavg().map((l) => l.toFixed(1))}`);
