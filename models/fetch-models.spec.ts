import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, plan } from './fetch-models.mjs';

// A stand-in for the model host on loopback: serves bytes, honours Range, and can cut a
// response short once to simulate a dropped connection.
const files: Record<string, Buffer> = {
  '/org/clip/resolve/r1/config.json': Buffer.from('{"model_type":"clip"}'),
  '/org/clip/resolve/r1/onnx/vision.onnx': randomBytes(300_000),
  '/laion/head/main/head.pth': randomBytes(3047),
};
let cut: { url: string; at: number } | null = null;
const requests: { url: string; range?: string }[] = [];
let server: Server;
let host: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ url: req.url!, ...(req.headers.range ? { range: req.headers.range } : {}) });
    const body = files[req.url!];
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    const m = /bytes=(\d+)-/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    res.writeHead(m ? 206 : 200, { 'Content-Length': body.length - start });
    if (cut && req.url!.endsWith(cut.url)) {
      res.write(body.subarray(start, cut.at));
      cut = null;
      // Let the first part reach the client before the connection drops.
      setTimeout(() => res.destroy(), 100);
      return;
    }
    res.end(body.subarray(start));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise((r) => server.close(r)));

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function setup(overrides: { headSha?: string } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lumen-models-'));
  const manifest = {
    version: 1,
    profiles: {
      test: {
        clip: {
          id: 'org/clip',
          host,
          revision: 'r1',
          files: [
            { path: 'config.json' },
            {
              path: 'onnx/vision.onnx',
              bytes: files['/org/clip/resolve/r1/onnx/vision.onnx']!.length,
              sha256: sha(files['/org/clip/resolve/r1/onnx/vision.onnx']!),
            },
          ],
        },
        aestheticHead: {
          id: 'laion/head',
          host,
          revision: 'main',
          file: 'head.pth',
          bytes: 3047,
          sha256: overrides.headSha ?? sha(files['/laion/head/main/head.pth']!),
        },
        llm: { webllm: null, transformers: null },
      },
      fixture: { clip: { id: 'tiny', host: 'self', revision: '1', files: [] }, llm: {} },
    },
  };
  const manifestPath = path.join(dir, 'manifest.json');
  writeFileSync(manifestPath, JSON.stringify(manifest));
  const lines: string[] = [];
  const run = (...argv: string[]) =>
    main(argv, {
      manifestPath,
      modelsDir: dir,
      log: (l: string) => lines.push(l),
    }) as Promise<number>;
  return { dir, run, lines, manifest };
}

describe('npm run models -- fetch', () => {
  it('downloads every file of a profile to where the app looks first', async () => {
    const { dir, run } = setup();
    expect(await run('fetch', 'test')).toBe(0);
    expect(readFileSync(path.join(dir, 'org/clip/onnx/vision.onnx'))).toEqual(
      files['/org/clip/resolve/r1/onnx/vision.onnx'],
    );
    expect(readFileSync(path.join(dir, 'laion/head/head.pth'))).toEqual(
      files['/laion/head/main/head.pth'],
    );
    expect(existsSync(path.join(dir, 'org/clip/config.json'))).toBe(true);
  });

  it('does nothing for files already present and intact', async () => {
    const { run, lines } = setup();
    await run('fetch', 'test');
    requests.length = 0;
    expect(await run('fetch', 'test')).toBe(0);
    expect(requests).toEqual([]);
    expect(lines.filter((l) => l.includes('already here'))).toHaveLength(3);
  });

  it('resumes an interrupted download with a Range request', async () => {
    const { dir, run } = setup();
    cut = { url: 'vision.onnx', at: 100_000 };
    const first = await run('fetch', 'test');
    expect(first).toBe(1);
    requests.length = 0;
    expect(await run('fetch', 'test')).toBe(0);
    expect(requests.find((r) => r.url.endsWith('vision.onnx'))?.range).toMatch(/^bytes=\d+-$/);
    expect(sha(readFileSync(path.join(dir, 'org/clip/onnx/vision.onnx')))).toBe(
      sha(files['/org/clip/resolve/r1/onnx/vision.onnx']!),
    );
  });

  it('refuses a file whose hash differs from the manifest, keeping nothing of it', async () => {
    const { dir, run, lines } = setup({ headSha: '0'.repeat(64) });
    expect(await run('fetch', 'test')).toBe(1);
    expect(lines.join('\n')).toMatch(
      /head\.pth: SHA-256 [0-9a-f]{64}, expected 0{64}; the download was discarded/,
    );
    expect(existsSync(path.join(dir, 'laion/head/head.pth'))).toBe(false);
    expect(existsSync(path.join(dir, 'laion/head/head.pth.part'))).toBe(false);
  });

  it('explains unknown profiles and profiles that ship with the app', async () => {
    const { run, lines, manifest } = setup();
    await expect(run('fetch', 'nope')).rejects.toThrow(/Unknown profile "nope"/);
    expect(await run('fetch', 'fixture')).toBe(0);
    expect(lines.at(-1)).toMatch(/ships with the app/);
    expect(plan(manifest, 'test', '/m')).toHaveLength(3);
  });
});
