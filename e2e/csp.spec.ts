import { expect, test, type Page, type Worker } from '@playwright/test';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { policy } from '../build/vite-plugin-csp';
import { PHOTOS, failOnPolicyViolations, search, waitForIndexing } from './app';

const HEADER_POLICY = policy(true);
const META_POLICY = policy(false);
// Unreachable from here either way: only the policy's refusal tells the two apart.
const FOREIGN = 'https://foreign.example/leak';

test('the page, worker scripts and ONNX Runtime are served with the policy, and the page carries it', async ({
  page,
  request,
}) => {
  // `vite preview`'s headers: the page's document, and a worker script (which takes its policy
  // from its own response, not from the page), the same as the service worker adds.
  const served = await request.get('/?profile=tiny-world');
  expect(served.headers()['content-security-policy']).toBe(HEADER_POLICY);
  expect(HEADER_POLICY).toContain("frame-ancestors 'none'");
  expect(HEADER_POLICY).not.toContain("'unsafe-eval'");
  expect(HEADER_POLICY).not.toContain("'unsafe-inline'");
  const html = await served.text();
  const workerScript = readdirSync('dist/assets').find((f) => /^worker-.*\.js$/.test(f));
  expect(workerScript, 'the build has worker scripts under assets/').toBeTruthy();
  const worker = await request.get(`/assets/${workerScript}`);
  expect(worker.headers()['content-security-policy']).toBe(HEADER_POLICY);

  // The meta tag, before any script or stylesheet it governs; no inline script at all.
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html);
  expect(meta?.[1]).toBe(META_POLICY);
  expect(html.indexOf('http-equiv="Content-Security-Policy"')).toBeLessThan(
    html.indexOf('<script'),
  );
  expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);

  // Hosts that read a _headers file (Netlify, Cloudflare Pages) send the same policy.
  expect(readFileSync(path.join('dist', '_headers'), 'utf8')).toContain(
    `Content-Security-Policy: ${HEADER_POLICY}`,
  );

  // ONNX Runtime comes from the app's own origin, in the build without eval for WASM.
  await page.goto('/?profile=tiny-world');
  const inPage = await page.evaluate(() =>
    document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content'),
  );
  expect(inPage).toBe(META_POLICY);
  const ort = await request.get('/ort/ort-wasm-simd-threaded.mjs');
  expect(ort.ok()).toBe(true);
  expect(await ort.text()).not.toContain('new Function');
});

/** What the policy does to a foreign fetch and to eval, run in the page or in one worker. */
async function probeScript(foreign: string) {
  const refused = new Promise<string>((resolve) => {
    self.addEventListener(
      'securitypolicyviolation',
      (e) => resolve(`${e.effectiveDirective} ${e.blockedURI}`),
      { once: true },
    );
    setTimeout(() => resolve('no violation'), 5_000);
  });
  const fetched = await fetch(foreign).then(
    () => 'fetched',
    () => 'rejected',
  );
  let evaluated = 'ran';
  try {
    // The point of the probe: the policy must refuse it.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    new Function('return 1');
  } catch (e) {
    evaluated = e instanceof EvalError ? 'refused' : String(e);
  }
  return { fetched, refusal: await refused, evaluated };
}

function probe(target: Page | Worker, url: string) {
  return 'goto' in target ? target.evaluate(probeScript, url) : target.evaluate(probeScript, url);
}

test('a foreign fetch and eval are refused in the page and in every worker', async ({ page }) => {
  test.setTimeout(240_000);
  const violations = await failOnPolicyViolations(page, false);
  await page.goto('/?profile=tiny-world');
  await expect(page.getByRole('heading', { name: 'Lumen' })).toBeVisible();
  // Start every worker a short journey uses: indexing (and its decoders), scoring, search.
  const dir = readdirSync(PHOTOS, { withFileTypes: true }).find((d) => d.isDirectory())!.name;
  const photos = readdirSync(path.join(PHOTOS, dir))
    .sort()
    .slice(0, 6)
    .map((name) => path.join(PHOTOS, dir, name));
  await page.getByLabel('Photo files').setInputFiles(photos);
  await waitForIndexing(page);
  await search(page, 'a blue square');

  expect(await probe(page, FOREIGN)).toEqual({
    fetched: 'rejected',
    refusal: `connect-src ${FOREIGN}`,
    evaluated: 'refused',
  });
  const workers = page.workers().filter((w) => new URL(w.url()).pathname.includes('/assets/'));
  const urls = workers.map((w) => w.url());
  expect(urls.length, `app workers running: ${urls.join(', ')}`).toBeGreaterThanOrEqual(3);
  for (const worker of workers) {
    const url = `${FOREIGN}?from=${encodeURIComponent(new URL(worker.url()).pathname)}`;
    expect(await probe(worker, url), worker.url()).toEqual({
      fetched: 'rejected',
      refusal: `connect-src ${url}`,
      evaluated: 'refused',
    });
  }
  // The console reports reach the fixture every other spec fails on: from the page and from
  // the workers' own listeners (workers/shared/lifeline.ts).
  await expect
    .poll(() => violations.filter((v) => v.includes('foreign.example')).length)
    .toBeGreaterThanOrEqual(1 + workers.length);
  expect(violations.filter((v) => !v.includes('foreign.example') && !v.includes('eval'))).toEqual(
    [],
  );
});
