/**
 * A dedicated worker takes its Content-Security-Policy from its own script's response, not from
 * the page (docs/privacy.md). Worker scripts carry the policy when the service worker serves
 * them, or when the host sends it (`vite preview`, `_headers`). On a host that sends no headers
 * (GitHub Pages), a worker started before the service worker controls the page would run
 * without one: there the app waits for that control before starting workers.
 */

/** What the wait needs of the browser; the real ones by default, doubles in tests. */
export interface PolicyEnvironment {
  container: ServiceWorkerContainer | undefined;
  /** Whether the host sends the policy itself: asked of the page's own address. */
  hostSendsPolicy: () => Promise<boolean>;
  /** How long to wait for a registration to appear before deciding that none will. */
  registrationGraceMs: number;
}

export async function hostSendsPolicy(pageUrl: string, fetcher: typeof fetch = fetch) {
  try {
    const response = await fetcher(pageUrl, { method: 'HEAD', cache: 'no-store' });
    return response.headers.has('content-security-policy');
  } catch {
    return false;
  }
}

const browserEnvironment = (): PolicyEnvironment => ({
  // The dev server has no service worker and only a report-only policy: nothing to wait for.
  container: import.meta.env.DEV ? undefined : globalThis.navigator?.serviceWorker,
  hostSendsPolicy: () => hostSendsPolicy(location.href),
  registrationGraceMs: 10_000,
});

/**
 * Resolves when workers started from now on get the policy with their scripts. Without a
 * service worker at all (it could not register: private windows of some browsers) nothing
 * could ever serve them the header, and the app starts anyway.
 */
export async function workerPolicyReady(env: PolicyEnvironment = browserEnvironment()) {
  const { container } = env;
  if (!container || container.controller || (await env.hostSendsPolicy())) return;
  const controlled = new Promise<void>((resolve) =>
    container.addEventListener('controllerchange', () => resolve(), { once: true }),
  );
  // Or give up when no service worker will ever control the page: none registered within the
  // grace period, or the one installing failed (it turns redundant).
  const never = (async () => {
    const until = Date.now() + env.registrationGraceMs;
    while (Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const registration = await container.getRegistration();
      const installing = registration?.installing ?? registration?.waiting;
      if (registration && !installing) return new Promise<void>(() => {});
      if (installing) {
        return new Promise<void>((resolve) =>
          installing.addEventListener('statechange', () => {
            if (installing.state === 'redundant') resolve();
          }),
        );
      }
    }
  })();
  await Promise.race([controlled, never]);
}
