// The app's grid over a 100k-photo library: reload to the first screen, then a scroll from top
// to bottom, one step per frame, watching the main thread for long tasks (> 50 ms).
// Called by bench/run.mjs with its open browser; the library is written through the store's API
// (bench/scroll-page.ts) and deleted afterwards.

/** Runs in the page: flings the grid top to bottom a step a frame, counting long tasks. */
const flingDown = async () => {
  const durations = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) durations.push(e.duration);
  });
  observer.observe({ type: 'longtask', buffered: false });
  const viewport = document.querySelector('[role="region"][aria-label="Photos"]');
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
  const steps = 400;
  const t0 = performance.now();
  for (let i = 1; i <= steps; i++) {
    viewport.scrollTop = ((viewport.scrollHeight - viewport.clientHeight) * i) / steps;
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
