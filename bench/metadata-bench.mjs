// Capture metadata's cost per photo, in Node: readMetadata (exifr) on a 3 MB JPEG with a
// phone's EXIF (camera, time with offset, GPS), on one without EXIF (the XMP pass too, then the
// file's time), and SHA-256 of the same bytes in the same run, the per-file step it sits beside
// in the decoder workers. The budget is ≤ 5% of indexing a 4000×3000 JPEG (README: 130 ms or
// more per photo in Chromium on these cores), i.e. ≤ 6.5 ms.
//   node bench/metadata-bench.mjs [--runs=300]
// Writes bench/results/metadata.json and, as `metadata`, bench/results/latest.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mergeIntoLatest } from './latest.mjs';
import { root, tsLoader } from './ts-loader.mjs';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  }),
);
const runs = Number(args.get('runs') ?? 300);

const vite = await tsLoader({ name: 'no-wat' });
const { readMetadata } = await vite.load('/workers/embedding/read-metadata.ts');
const { cameraIfds, concat, tiffBytes, withJpegExif } = await vite.load(
  '/workers/embedding/exif-test-bytes.ts',
);
const { mulberry32 } = await vite.load('/workers/tuning/random.ts');
await vite.close();

/** A JPEG-shaped 3 MB file: SOI, APP0, entropy-coded data after SOS (no 0xFF bytes), EOI. */
function bigJpeg(mb) {
  const rand = mulberry32(7);
  const data = Uint8Array.from({ length: Math.round(mb * 1024 * 1024) }, () =>
    Math.floor(rand() * 255),
  );
  const app0 = [0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
  const sos = [0xff, 0xda, 0, 12, 3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3f, 0];
  return concat(new Uint8Array([0xff, 0xd8, ...app0, ...sos]), data, new Uint8Array([0xff, 0xd9]));
}

const plain = bigJpeg(3);
const phone = withJpegExif(
  plain,
  tiffBytes(
    cameraIfds({
      make: 'Apple',
      model: 'iPhone 13',
      taken: '2019:07:14 18:30:05',
      offset: '+01:00',
      lens: 'iPhone 13 back camera 5.1mm f/1.6',
      lat: 38.7223,
      lon: -9.1393,
    }),
  ),
);

async function median(fn) {
  for (let i = 0; i < 20; i++) await fn(); // warm up
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const buffers = { phone: phone.slice().buffer, plain: plain.slice().buffer };
const result = {
  fileMB: +(phone.length / 1024 / 1024).toFixed(2),
  runs,
  readMetadataPhoneMs: await median(() => readMetadata(buffers.phone, 1e12)),
  readMetadataNoExifMs: await median(() => readMetadata(buffers.plain, 1e12)),
  sha256Ms: await median(() => crypto.subtle.digest('SHA-256', buffers.phone)),
  node: process.version,
  at: new Date().toISOString(),
};
result.ofSha256 = +(result.readMetadataPhoneMs / result.sha256Ms).toFixed(4);
result.ofIndexingPhoto = +(
  Math.max(result.readMetadataPhoneMs, result.readMetadataNoExifMs) / 130
).toFixed(5);
console.log(JSON.stringify(result, null, 2));
mkdirSync(path.join(root, 'bench/results'), { recursive: true });
writeFileSync(
  path.join(root, 'bench/results/metadata.json'),
  JSON.stringify(result, null, 2) + '\n',
);
mergeIntoLatest({ metadata: result });
