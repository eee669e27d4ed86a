import { describe, expect, it } from 'vitest';
import { hostSendsPolicy, workerPolicyReady, type PolicyEnvironment } from './worker-policy';

class FakeWorker extends EventTarget {
  state = 'installing';
  turn(state: string) {
    this.state = state;
    this.dispatchEvent(new Event('statechange'));
  }
}

class FakeContainer extends EventTarget {
  controller: object | null = null;
  registration: { installing: FakeWorker | null; waiting: null } | undefined;
  getRegistration() {
    return Promise.resolve(this.registration);
  }
  takeControl() {
    this.controller = {};
    this.dispatchEvent(new Event('controllerchange'));
  }
}

function environment(container: FakeContainer, sendsPolicy = false): PolicyEnvironment {
  return {
    container: container as unknown as ServiceWorkerContainer,
    hostSendsPolicy: () => Promise.resolve(sendsPolicy),
    registrationGraceMs: 1_000,
  };
}

const settled = async (p: Promise<void>, ms = 600) =>
  Promise.race([p.then(() => true), new Promise((r) => setTimeout(() => r(false), ms))]);

describe('starting workers only with a policy', () => {
  it('goes at once when the host sends the policy, or the service worker already controls', async () => {
    expect(await settled(workerPolicyReady(environment(new FakeContainer(), true)))).toBe(true);
    const controlled = new FakeContainer();
    controlled.controller = {};
    expect(await settled(workerPolicyReady(environment(controlled)))).toBe(true);
  });

  it('on a host without headers, waits until the service worker controls the page', async () => {
    const container = new FakeContainer();
    const installing = new FakeWorker();
    container.registration = { installing, waiting: null };
    const ready = workerPolicyReady(environment(container));
    expect(await settled(ready)).toBe(false);
    container.takeControl();
    expect(await settled(ready)).toBe(true);
  });

  it('does not wait for ever when no service worker will control the page', async () => {
    const failing = new FakeContainer();
    const installing = new FakeWorker();
    failing.registration = { installing, waiting: null };
    const ready = workerPolicyReady(environment(failing));
    expect(await settled(ready)).toBe(false);
    installing.turn('redundant');
    expect(await settled(ready)).toBe(true);
    // None registered at all within the grace period.
    expect(await settled(workerPolicyReady(environment(new FakeContainer())), 2_000)).toBe(true);
  });

  it("reads the host's headers from the page's own address", async () => {
    const withPolicy = () =>
      Promise.resolve(
        new Response(null, { headers: { 'Content-Security-Policy': "default-src 'none'" } }),
      );
    expect(await hostSendsPolicy('http://app.test/', withPolicy)).toBe(true);
    expect(
      await hostSendsPolicy('http://app.test/', () => Promise.resolve(new Response(null))),
    ).toBe(false);
    expect(
      await hostSendsPolicy('http://app.test/', () => Promise.reject(new TypeError('offline'))),
    ).toBe(false);
  });
});
