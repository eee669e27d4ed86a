// Writes the sample library that "Try it on sample photos" imports (docs/sample-library.md):
//   node scripts/build-sample-library.mjs
// into public/sample/tiny-world-<revision>.zip. Run it again after the tiny world or the export
// format changes; src/core/sample-library.spec.ts fails while the committed file is stale.
// Needs onnxruntime-node and sharp (both installed by `npm ci`, unless ONNXRUNTIME_NODE_INSTALL
// is skip), which is why the file is committed rather than built by `npm run build`.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { root, tsLoader } from '../bench/ts-loader.mjs';

const loader = await tsLoader();
try {
  const { buildSample } = await loader.load(path.join(root, 'models/sample-library.ts'));
  const { sampleFile, SAMPLE_PROFILE } = await loader.load(
    path.join(root, 'src/core/sample-library.ts'),
  );
  const { getProfile } = await loader.load(path.join(root, 'src/core/manifest.ts'));
  const thumbnail = async (bytes) =>
    new Blob([await sharp(bytes).webp({ quality: 82 }).toBuffer()], { type: 'image/webp' });
  const started = performance.now();
  const { zip, photos, thumbnails } = await buildSample(thumbnail, (line) => console.log(line));
  const out = path.join(root, 'public', sampleFile(getProfile(SAMPLE_PROFILE)));
  mkdirSync(path.dirname(out), { recursive: true });
  // An older revision's sample is no longer importable: only the current one stays.
  for (const f of readdirSync(path.dirname(out)))
    if (f !== path.basename(out)) rmSync(path.join(path.dirname(out), f));
  writeFileSync(out, zip);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `wrote ${path.relative(root, out)}: ${photos} photos, ${thumbnails} thumbnails, ` +
      `${(zip.byteLength / 1024 / 1024).toFixed(2)} MiB in ${seconds} s`,
  );
} finally {
  await loader.close();
}
