#!/usr/bin/env node
// npm run models -- fetch <profile>   download a profile's model files into models/
// npm run models -- list              show profiles and what is already self-hosted
//
// Files land where the app looks first (models/<id>/<path>), so a build served from
// anywhere then needs no model host. Sizes and SHA-256 recorded in the manifest are
// checked; an interrupted download resumes where it stopped (HTTP Range).
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * @typedef {{ url: string, dest: string, bytes?: number, sha256?: string }} Download
 * @typedef {{ id: string, host: string, revision: string }} HostedSpec
 */

/**
 * Every remote file of a profile, with where it goes. Files of "self" models already
 * ship with the app and are skipped.
 * @param {any} manifest
 * @param {string} profileId
 * @param {string} modelsDir
 * @returns {Download[]}
 */
export function plan(manifest, profileId, modelsDir) {
  const profile = manifest.profiles[profileId];
  if (!profile) {
    throw new Error(
      `Unknown profile "${profileId}". Known: ${Object.keys(manifest.profiles).join(', ')}.`,
    );
  }
  /** @type {Download[]} */
  const out = [];
  const { clip, aestheticHead, llm } = profile;
  if (clip.host !== 'self') {
    for (const f of clip.files) {
      out.push({
        url: `${clip.host}${clip.id}/resolve/${clip.revision}/${f.path}`,
        dest: path.join(modelsDir, clip.id, f.path),
        ...(f.bytes ? { bytes: f.bytes } : {}),
        ...(f.sha256 ? { sha256: f.sha256 } : {}),
      });
    }
  }
  if (aestheticHead && aestheticHead.host !== 'self') {
    out.push({
      url: `${aestheticHead.host}${aestheticHead.id}/${aestheticHead.revision}/${aestheticHead.file}`,
      dest: path.join(modelsDir, aestheticHead.id, aestheticHead.file),
      ...(aestheticHead.bytes ? { bytes: aestheticHead.bytes } : {}),
      ...(aestheticHead.sha256 ? { sha256: aestheticHead.sha256 } : {}),
    });
  }
  const t = llm?.transformers;
  if (t && t.host !== 'self') {
    for (const f of t.files ?? []) {
      out.push({
        url: `${t.host}${t.id}/resolve/${t.revision}/${f.path}`,
        dest: path.join(modelsDir, t.id, f.path),
        ...(f.bytes ? { bytes: f.bytes } : {}),
        ...(f.sha256 ? { sha256: f.sha256 } : {}),
      });
    }
  }
  return out;
}

/** @param {string} file */
function sha256Of(file) {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => hash.update(d))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

/**
 * @param {Download} d
 * @param {string} file
 * @returns {Promise<string | null>} why the file is wrong, or null when it matches
 */
async function mismatch(d, file) {
  const size = statSync(file).size;
  if (d.bytes !== undefined && size !== d.bytes) return `size ${size} bytes, expected ${d.bytes}`;
  if (d.sha256 !== undefined) {
    const got = await sha256Of(file);
    if (got !== d.sha256) return `SHA-256 ${got}, expected ${d.sha256}`;
  }
  return null;
}

/**
 * Downloads one file, resuming a previous partial download when the server allows it.
 * @param {Download} d
 * @param {{ fetch?: typeof fetch, log?: (line: string) => void }} [options]
 * @returns {Promise<'present' | 'downloaded'>}
 */
export async function download(d, options = {}) {
  const doFetch = options.fetch ?? fetch;
  const log = options.log ?? (() => {});
  if (existsSync(d.dest) && (await mismatch(d, d.dest)) === null) {
    log(`✓ ${d.dest} (already here)`);
    return 'present';
  }
  await mkdir(path.dirname(d.dest), { recursive: true });
  const part = `${d.dest}.part`;
  const have = existsSync(part) ? statSync(part).size : 0;
  const res = await doFetch(d.url, have > 0 ? { headers: { Range: `bytes=${have}-` } } : {});
  if (!res.ok || !res.body) throw new Error(`${d.url}: the server answered HTTP ${res.status}`);
  const resumed = res.status === 206;
  if (have > 0)
    log(
      resumed
        ? `… resuming ${d.dest} at ${have} bytes`
        : `… restarting ${d.dest} (no resume support)`,
    );
  const fh = await open(part, resumed ? 'a' : 'w');
  try {
    for await (const chunk of /** @type {AsyncIterable<Uint8Array>} */ (res.body))
      await fh.write(chunk);
  } finally {
    await fh.close();
  }
  const wrong = await mismatch(d, part);
  if (wrong) {
    rmSync(part, { force: true });
    throw new Error(`${d.url}: ${wrong}; the download was discarded`);
  }
  renameSync(part, d.dest);
  const sha = d.sha256 ?? (await sha256Of(d.dest));
  log(
    `✓ ${d.dest} ${statSync(d.dest).size} bytes sha256 ${sha}${d.sha256 ? '' : ' (not recorded in the manifest)'}`,
  );
  return 'downloaded';
}

/**
 * @param {string[]} argv
 * @param {{ manifestPath?: string, modelsDir?: string, fetch?: typeof fetch, log?: (l: string) => void }} [options]
 */
export async function main(argv, options = {}) {
  const log = options.log ?? ((l) => console.log(l));
  const manifestPath = options.manifestPath ?? path.join(here, 'manifest.json');
  const modelsDir = options.modelsDir ?? here;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const [command, profileId] = argv;
  if (command === 'list') {
    for (const id of Object.keys(manifest.profiles)) {
      const files = plan(manifest, id, modelsDir);
      const here = files.filter((f) => existsSync(f.dest)).length;
      log(
        `${id}: ${files.length ? `${here} of ${files.length} files self-hosted` : 'ships with the app'}`,
      );
    }
    return 0;
  }
  if (command !== 'fetch' || !profileId) {
    log('Usage: npm run models -- fetch <profile> | list');
    return 2;
  }
  const files = plan(manifest, profileId, modelsDir);
  if (files.length === 0) {
    log(`Profile "${profileId}" has no remote files: it ships with the app.`);
    return 0;
  }
  let failed = 0;
  for (const d of files) {
    try {
      await download(d, { ...options, log });
    } catch (e) {
      failed++;
      log(`✗ ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  log(
    failed
      ? `${failed} of ${files.length} files failed; run the command again to resume.`
      : 'All files present.',
  );
  return failed ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
