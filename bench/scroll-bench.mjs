// The app's grid over a 100k-photo library: reload to the first screen, then a scroll from top
// to bottom, one step per frame, watching the main thread for long tasks (> 50 ms).
// Called by bench/run.mjs with its open browser; the library is written through the store's API
// (bench/scroll-page.ts) and deleted afterwards.

import { fileURLToPath } from 'node:url';

/** Runs in the page: flings the grid top to bottom a step a frame, counting long tasks. */
const flingDown = async () => {
  const durations = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) durations.push(e.duration);
  });
  observer.observe({ type: 'longtask', buffered: false });
  // The window scrolls (the grid virtualises against it): from the top of the page to its end.
  const page = document.scrollingElement;
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
  const steps = 400;
  const t0 = performance.now();
  for (let i = 1; i <= steps; i++) {
    page.scrollTop = ((page.scrollHeight - page.clientHeight) * i) / steps;
    await frame();
  }
  const scrollMs = performance.now() - t0;
  // The last screen's page arrives: no slot left waiting.
  const waitStart = performance.now();
  while (document.querySelector('[data-testid="results"] li[aria-busy="true"]')) {
    if (performance.now() - waitStart > 10_000) break;
    await frame();
  }
  const lastPageMs = performance.now() - waitStart;
  await new Promise((r) => setTimeout(r, 200));
  observer.disconnect();
  return {
    steps,
    scrollMs,
    lastPageMs,
    longTasks: durations.length,
    longestTaskMs: durations.length ? Math.max(...durations) : 0,
    pending: document.querySelectorAll('[data-testid="results"] li[aria-busy="true"]').length,
  };
};

/**
 * @param {import('@playwright/test').Browser} browser
 * @param {string} benchUrl the bench page (its origin serves the app at /)
 * @param {number} n photos
 */
export async function benchScroll(browser, benchUrl, n = 100_000) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await page.goto(benchUrl);
    await page.waitForFunction(() => 'lumenBench' in window);
    const writeMs = await page.evaluate(
      ([count]) => window.lumenBench.fillAppLibrary(count, 'tiny-world'),
      [n],
    );
    const appUrl = new URL('/?profile=tiny-world', benchUrl).href;
    const started = Date.now();
    await page.goto(appUrl);
    const heading = page.getByRole('heading', {
      name: `Library: ${n.toLocaleString('en')} photos`,
    });
    await heading.waitFor({ timeout: 180_000 });
    await page.locator('[data-testid="results"] li[data-photo-id]').first().waitFor();
    const firstScreenMs = Date.now() - started;
    const scroll = await page.evaluate(flingDown);
    // The same library listed by time taken (a filter with no words), with a heading row per
    // month: 300 sections over the 100k.
    await page.evaluate(() => localStorage.setItem('lumen.filter', JSON.stringify({ from: 0 })));
    await page.reload();
    await page
      .getByRole('heading', {
        name: `Filtered: ${n.toLocaleString('en')} photos, newest taken first`,
      })
      .waitFor({ timeout: 180_000 });
    await page.locator('[data-testid="results"] h3').first().waitFor();
    const byTime = await page.evaluate(flingDown);
    return { photos: n, writeMs, firstScreenMs, ...scroll, byTime };
  } finally {
    await page.evaluate(() => indexedDB.deleteDatabase('lumen')).catch(() => undefined);
    await page.close();
  }
}

// `node bench/scroll-bench.mjs`: this bench alone (bench/run.mjs runs it among the others).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { serveBench, root } = await import('./serve.mjs');
  const path = await import('node:path');
  const port = Number(process.env.SCROLL_BENCH_PORT ?? 4178);
  const outDir = path.join(root, 'bench', 'dist', 'scroll');
  const { browser, url, close } = await serveBench({ page: 'index.html', outDir, port });
  try {
    const r = await benchScroll(browser, url);
    const line = (name, s) =>
      console.log(
        `${name}: ${s.longTasks} long tasks while scrolling (longest ${s.longestTaskMs.toFixed(0)} ms); ` +
          `${s.steps} frames in ${(s.scrollMs / 1000).toFixed(1)} s; last page ${s.lastPageMs.toFixed(0)} ms; ${s.pending} pending`,
      );
    console.log(
      `${r.photos.toLocaleString('en')} photos: ${(r.firstScreenMs / 1000).toFixed(1)} s to first screen`,
    );
    line('grid, top to bottom', r);
    line('by time taken (month headings)', r.byTime);
  } finally {
    await close();
  }
}
