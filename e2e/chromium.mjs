// How the tests and benchmarks start Chromium on a closed network: Debian's build
// (Playwright cannot download its own) and no calls home, or it stalls.
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
