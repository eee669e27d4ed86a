import { expect, test, type Page, type Worker } from '@playwright/test';
import { policy } from '../build/vite-plugin-csp';
import { addPhotoFiles, failOnPolicyViolations, search, waitForIndexing } from './app';

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
  // A worker script, as the service worker's precache list names it.
  const precache = await (await request.get('/sw.js')).text();
  const workerScript = /assets\/worker-[\w-]+\.js/.exec(precache)?.[0];
  expect(workerScript, 'the build has worker scripts under assets/').toBeTruthy();
  const worker = await request.get(`/${workerScript}`);
  expect(worker.headers()['content-security-policy']).toBe(HEADER_POLICY);

  // The meta tag, before any script or stylesheet it governs; no inline script at all.
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html);
  expect(meta?.[1]).toBe(META_POLICY);
  expect(html.indexOf('http-equiv="Content-Security-Policy"')).toBeLessThan(
    html.indexOf('<script'),
  );
  expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);

  // Hosts that read a _headers file (Netlify, Cloudflare Pages) send the same policy.
  expect(await (await request.get('/_headers')).text()).toContain(
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

/**
 * What the policy does to a foreign fetch and to eval, run in the page or in one worker. The
 * eval is a string timer: DevTools lets code it evaluates itself call eval, but a timer runs
 * later, as the page's own code.
 */
async function probeScript(foreign: string) {
  const scope = self as typeof self & { evalRan?: boolean };
  const refusals: string[] = [];
  scope.addEventListener('securitypolicyviolation', (e) =>
    refusals.push(`${e.effectiveDirective} ${e.blockedURI}`),
  );
  const fetched = await fetch(foreign).then(
    () => 'fetched',
    () => 'rejected',
  );
  // The string form of setTimeout, which the policy must refuse.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  setTimeout('self.evalRan = true', 0);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  // The page has two policies, header and meta tag: each reports the same refusal.
  return { fetched, refusals: [...new Set(refusals)], evalRan: scope.evalRan === true };
}

function probe(target: Page | Worker, url: string) {
  return 'goto' in target ? target.evaluate(probeScript, url) : target.evaluate(probeScript, url);
}

test('a foreign fetch and eval are refused in the page and in every worker', async ({ page }) => {
  test.setTimeout(240_000);
  const violations = await failOnPolicyViolations(page, false);
  const requests: string[] = [];
  // What the page and its workers ask for (the service worker precaches both builds).
  page.context().on('request', (r) => {
    if (!r.serviceWorker()) requests.push(new URL(r.url()).pathname);
  });
  await page.goto('/?profile=tiny-world');
  await expect(page.getByRole('heading', { name: 'Lumen' })).toBeVisible();
  // Start every worker a short journey uses: indexing (and its decoders), scoring, search.
  await addPhotoFiles(page, 6);
  await waitForIndexing(page);
  await search(page, 'a blue square');
  // The journey itself was refused nothing, in the page or any worker.
  expect(violations).toEqual([]);
  // On WASM, ONNX Runtime is the build without eval, from the app's own origin.
  expect(requests).toContain('/ort/ort-wasm-simd-threaded.mjs');
  expect(requests.filter((r) => r.includes('asyncify'))).toEqual([]);

  expect(await probe(page, FOREIGN)).toEqual({
    fetched: 'rejected',
    refusals: [`connect-src ${FOREIGN}`, 'script-src eval'],
    evalRan: false,
  });
  const workers = page.workers().filter((w) => new URL(w.url()).pathname.includes('/assets/'));
  const urls = workers.map((w) => w.url());
  expect(urls.length, `app workers running: ${urls.join(', ')}`).toBeGreaterThanOrEqual(3);
  for (const worker of workers) {
    const url = `${FOREIGN}?from=${encodeURIComponent(new URL(worker.url()).pathname)}`;
    expect(await probe(worker, url), worker.url()).toEqual({
      fetched: 'rejected',
      refusals: [`connect-src ${url}`, 'script-src eval'],
      evalRan: false,
    });
  }
  // Each refusal reached the console, where the fixture every other spec fails on reads it:
  // from the page's listener and from each worker's own (workers/shared/lifeline.ts).
  for (const worker of workers) {
    const from = encodeURIComponent(new URL(worker.url()).pathname);
    await expect.poll(() => violations.some((v) => v.includes(from)), worker.url()).toBe(true);
  }
  expect(violations.some((v) => v.includes(`in the page: connect-src refused ${FOREIGN}`))).toBe(
    true,
  );
});
