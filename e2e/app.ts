import { expect, type Page } from '@playwright/test';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const FIXTURES = path.resolve(import.meta.dirname, 'fixtures');
export const TINY_WORLD = path.join(FIXTURES, 'tiny-world');
export const PHOTOS = path.join(TINY_WORLD, 'photos');
export const BAD_FILES = path.join(FIXTURES, 'bad-files');

export interface GroundTruthImage {
  path: string;
  shape: string;
  colour: string;
  background: string;
  degradation: string | null;
  quality: number;
  heldOut: boolean;
}
export interface GroundTruthQuery {
  text: string;
  split?: 'train' | 'val' | 'test';
  relevant: Partial<Pick<GroundTruthImage, 'shape' | 'colour' | 'background'>>;
}
export interface GroundTruth {
  images: GroundTruthImage[];
  queries: GroundTruthQuery[];
}

export function groundTruth(): GroundTruth {
  return JSON.parse(
    readFileSync(path.join(TINY_WORLD, 'ground-truth.json'), 'utf8'),
  ) as GroundTruth;
}

export function isRelevant(img: GroundTruthImage, q: GroundTruthQuery): boolean {
  return Object.entries(q.relevant).every(([k, v]) => img[k as keyof GroundTruthImage] === v);
}

/**
 * Opens the app in the tiny-world profile and records every request, so a test can
 * prove that nothing but the page's own origin was contacted.
 */
export async function openApp(page: Page, query = '?profile=tiny-world', base = '/') {
  await failOnPolicyViolations(page);
  const requests: string[] = [];
  // Context-level, so requests made by workers and the service worker are seen too.
  page.context().on('request', (r) => requests.push(r.url()));
  await page.goto(`${base}${query}`);
  await expect(page.getByRole('heading', { name: 'Lumen' })).toBeVisible();
  return requests;
}

export const POLICY_VIOLATION = 'Content-Security-Policy violation';
const watched = new WeakSet<Page>();

/**
 * Logs every Content-Security-Policy refusal as a console error: in the page through this
 * init script, in every worker through workers/shared/lifeline.ts. Each one it sees fails the
 * running test (softly: the test still runs to its end), so every spec that opens the app
 * checks the policy along its journey. Returns the refusals seen, for tests that provoke one.
 */
export async function failOnPolicyViolations(page: Page, fail = true): Promise<string[]> {
  const seen: string[] = [];
  if (watched.has(page)) return seen;
  watched.add(page);
  await page.addInitScript((prefix) => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`${prefix} in the page: ${e.effectiveDirective} refused ${e.blockedURI}`),
    );
  }, POLICY_VIOLATION);
  const check = (text: string) => {
    if (!text.startsWith(POLICY_VIOLATION)) return;
    seen.push(text);
    if (fail) expect.soft(text, 'the Content-Security-Policy refused nothing').toBe('');
  };
  page.on('console', (m) => check(m.text()));
  page.on('worker', (w) => w.on('console', (m) => check(m.text())));
  return seen;
}

export function foreignRequests(requests: string[], origin: string): string[] {
  return requests.filter(
    (u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'),
  );
}

export async function addFolder(page: Page, dir: string) {
  await page.getByLabel('Folder of photos').setInputFiles(dir);
}

/** Waits until indexing has finished and returns the counts line. */
export async function waitForIndexing(page: Page, timeout = 180_000): Promise<string> {
  const panel = page.getByRole('region', { name: 'Indexing' });
  await expect(panel.getByText(/^(Done|Cancelled|Stopped)/)).toBeVisible({ timeout });
  return (await panel.getByTestId('indexing-counts').textContent()) ?? '';
}

export function countOf(counts: string, label: RegExp): number {
  const m = new RegExp(`([\\d,]+) ${label.source}`).exec(counts);
  if (!m) throw new Error(`no "${label.source}" in "${counts}"`);
  return Number(m[1]!.replace(/,/g, ''));
}

export async function search(page: Page, text: string) {
  await page.getByRole('searchbox', { name: 'Search your photos' }).fill(text);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(
    page.getByRole('heading', { name: new RegExp(`results? for “${escapeRegExp(text)}”`) }),
  ).toBeVisible();
}

/** Relative paths of the first n results, in rank order (each image's alt text is its path). */
export async function topPaths(page: Page, n: number): Promise<string[]> {
  const results = page.getByTestId('results');
  const items = results.locator('li');
  await expect(items.first()).toBeVisible();
  const count = Math.min(n, await items.count());
  for (let i = 1; i <= count; i++) {
    await expect(results.locator(`li[aria-posinset="${i}"] img`)).toHaveAttribute('alt', /.+/);
  }
  const out: string[] = [];
  for (let i = 1; i <= count; i++) {
    out.push((await results.locator(`li[aria-posinset="${i}"] img`).getAttribute('alt')) ?? '');
  }
  return out;
}

/** The first subfolder of the fixture photos: a quicker library for tests that need less. */
export function photoSubfolder(): string {
  const name = readdirSync(PHOTOS, { withFileTypes: true }).find((d) => d.isDirectory())!.name;
  return path.join(PHOTOS, name);
}

/**
 * Adds the first `count` photos of photoSubfolder() as loose files, through Add photos' file
 * input (not as a folder); returns their paths.
 */
export async function addPhotoFiles(page: Page, count: number): Promise<string[]> {
  const dir = photoSubfolder();
  const photos = readdirSync(dir)
    .sort()
    .slice(0, count)
    .map((name) => path.join(dir, name));
  await page.getByLabel('Photo files').setInputFiles(photos);
  return photos;
}

/** The app on the photo subfolder, indexed and scored: where the ranking-side specs start. */
export async function openScoredLibrary(page: Page) {
  await openApp(page);
  await addFolder(page, photoSubfolder());
  await waitForIndexing(page);
  await waitForScores(page);
}

/** Waits until every indexed photo has aesthetic scores. */
export async function waitForScores(page: Page) {
  await expect(
    page.getByRole('region', { name: 'Ranking' }).getByText(/\d+ photos? scored for beauty/),
  ).toBeVisible({
    timeout: 120_000,
  });
  const heading = (await page.getByRole('heading', { name: /^Library: / }).textContent()) ?? '';
  const total = /(\d+)/.exec(heading)?.[1];
  if (total) {
    await expect(page.getByRole('region', { name: 'Ranking' })).toContainText(
      `${total} photos scored for beauty`,
      {
        timeout: 120_000,
      },
    );
  }
}

export function escapeRegExp(s: string) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Ends one of the page's workers from outside the page, through the DevTools protocol:
 * neither the page nor its bridge takes part, and the page gets no event, as when a
 * worker runs out of memory. `Target.closeTarget` refuses dedicated workers ("doesn't
 * support closing"), so the worker is attached to and told to close itself.
 */
export async function killWorker(page: Page, label: string): Promise<void> {
  const cdp = await page.context().browser()!.newBrowserCDPSession();
  try {
    const { targetInfos } = await cdp.send('Target.getTargets');
    const worker = targetInfos.find(
      (t) => t.type === 'worker' && t.title.startsWith(`lumen-${label}:`),
    );
    if (!worker) throw new Error(`no running "${label}" worker`);
    const { sessionId } = await cdp.send('Target.attachToTarget', {
      targetId: worker.targetId,
      flatten: false,
    });
    // Detaching at once can drop the message before the worker runs it, and a busy worker may
    // not get to it at once: ask again until the worker is really gone, so the test goes on
    // only after a death it can rely on.
    const gone = async () =>
      !(await cdp.send('Target.getTargets')).targetInfos.some(
        (t) => t.targetId === worker.targetId,
      );
    for (let attempt = 1; ; attempt++) {
      const message = {
        id: attempt,
        method: 'Runtime.evaluate',
        params: { expression: 'close()' },
      };
      await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify(message) });
      const until = Date.now() + 3_000;
      while (Date.now() < until && !(await gone())) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      if (await gone()) break;
      if (attempt === 5) throw new Error(`the "${label}" worker did not close`);
    }
  } finally {
    await cdp.detach();
  }
}

/** The views of the page, by the name of their link in the navigation. */
export type ViewName = 'Photos' | 'Tune' | 'Compare' | 'Moments' | 'Library';

/**
 * Moves to a view through the navigation, as a person would, and waits for its address.
 * Compare is full-window (no navigation left on screen): its address is what shows it is there.
 */
export async function gotoView(page: Page, view: ViewName) {
  const nav = page.getByRole('navigation', { name: 'Views' });
  await nav.getByRole('link', { name: view, exact: true }).click();
  const hash = view === 'Photos' ? '' : `#${view.toLowerCase()}`;
  await expect(page).toHaveURL((url) => url.hash === hash);
}

/** Opens the models' popover of the top bar (if it is not open) and returns the model picker. */
export async function modelPicker(page: Page) {
  const picker = page.getByRole('combobox', { name: 'Model' });
  if (!(await picker.isVisible())) await page.getByRole('button', { name: /^Models: / }).click();
  await expect(picker).toBeVisible();
  return picker;
}

/** The model the page runs, as the models' popover shows it (closed again afterwards). */
export async function currentModel(page: Page): Promise<string> {
  const picker = await modelPicker(page);
  const value = await picker.inputValue();
  await page.keyboard.press('Escape');
  await expect(picker).toBeHidden();
  return value;
}
