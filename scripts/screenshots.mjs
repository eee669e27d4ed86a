// `npm run screenshots`: every view of the built app at a desktop and a phone width, as PNGs in
// docs/screenshots/ (for the README and for reviewing the layout). The library is the tiny-world
// fixture's model with a few of its photos indexed, so no model is downloaded.
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { root, serveBuilt } from '../bench/serve.mjs';

const outDir = path.join(root, 'dist-screenshots');
const shots = path.join(root, 'docs', 'screenshots');
const port = Number(process.env.SCREENSHOTS_PORT ?? 4180);
const TINY_WORLD = path.join(root, 'e2e', 'fixtures', 'tiny-world');
const WIDTHS = [
  { name: 'wide', viewport: { width: 1280, height: 800 } },
  { name: 'narrow', viewport: { width: 390, height: 844 } },
];
const VIEWS = ['search', 'tune', 'compare', 'moments', 'library'];
const QUERY = 'a red circle';

/**
 * A few photos of each fixture folder, copied to a folder of their own: clean ones (noise
 * and JPEG blocks make PNGs of the page several times larger).
 */
function fewPhotos(perFolder = 8) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lumen-shots-'));
  const { images } = JSON.parse(readFileSync(path.join(TINY_WORLD, 'ground-truth.json'), 'utf8'));
  const taken = new Map();
  for (const { path: rel, degradation } of images) {
    const folder = path.dirname(rel);
    if (degradation === 'noise' || degradation === 'jpeg') continue;
    if ((taken.get(folder) ?? 0) >= perFolder) continue;
    taken.set(folder, (taken.get(folder) ?? 0) + 1);
    mkdirSync(path.join(dir, folder), { recursive: true });
    copyFileSync(path.join(TINY_WORLD, rel), path.join(dir, rel));
  }
  return { dir: path.join(dir, 'photos'), remove: () => rmSync(dir, { recursive: true }) };
}

/** Fewer colours where a PNG encoder that can is installed (sharp); otherwise as taken. */
async function shrink(file) {
  try {
    const { default: sharp } = await import('sharp');
    const out = await sharp(file).png({ palette: true, quality: 90, effort: 8 }).toBuffer();
    if (out.length < statSync(file).size) writeFileSync(file, out);
  } catch {
    // No sharp: the screenshot stays as Chromium wrote it.
  }
}

const served = await serveBuilt({ outDir, port });
const photos = fewPhotos();
const base = `${served.base}?profile=tiny-world`;
try {
  mkdirSync(shots, { recursive: true });
  // One context for both widths: the library indexed once is the same origin's for both.
  const context = await served.browser.newContext({ viewport: WIDTHS[0].viewport });
  const page = await context.newPage();
  await page.goto(base);
  await page.getByRole('heading', { name: 'Lumen' }).waitFor();
  await page.getByLabel('Folder of photos').setInputFiles(photos.dir);
  await page
    .getByRole('region', { name: 'Indexing' })
    .getByText(/^Done/)
    .waitFor({ timeout: 300_000 });
  await page
    .getByRole('region', { name: 'Ranking' })
    .getByText(/\d+ photos? scored for beauty/)
    .waitFor({ timeout: 300_000 });

  for (const { name, viewport } of WIDTHS) {
    await page.setViewportSize(viewport);
    for (const view of VIEWS) {
      await page.goto(view === 'search' ? base : `${base}#${view}`);
      await page.getByRole('heading', { name: 'Lumen' }).waitFor();
      if (view === 'search') {
        await page.getByRole('searchbox', { name: 'Search your photos' }).fill(QUERY);
        await page.getByRole('button', { name: 'Search', exact: true }).click();
        await page.getByRole('heading', { name: /results? for/ }).waitFor();
        await page.locator('[data-testid="results"] li img').first().waitFor();
      }
      // Thumbnails and fonts settle.
      await page.waitForTimeout(1500);
      const file = path.join(shots, `${view}-${name}.png`);
      await page.screenshot({ path: file });
      await shrink(file);
      console.log(`${path.relative(root, file)}: ${Math.round(statSync(file).size / 1024)} KB`);
    }
  }
  await context.close();
} finally {
  photos.remove();
  await served.close();
}
