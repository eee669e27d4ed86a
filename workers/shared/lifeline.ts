import { expose } from 'comlink';

/**
 * Serves `handler` to the page through Comlink and holds, for the worker's whole life,
 * the Web Lock the page named the worker after. The lock is released only when the
 * worker is gone (crash, out of memory, closed from outside), which is how the page
 * learns of a death that fires no event. Once the lock is held the worker posts its
 * name, so the page never asks for the lock before the worker has it.
 */
export function serveWorker(handler: object, scope: DedicatedWorkerGlobalScope = self): void {
  reportPolicyViolations(scope);
  expose(handler, scope);
  const name = scope.name;
  if (!name || !scope.navigator.locks) return;
  void scope.navigator.locks.request(name, () => {
    scope.postMessage(name);
    return new Promise<never>(() => {});
  });
}

/**
 * A worker's Content-Security-Policy refusals fire on its own global scope, never in the page:
 * logged here, so they show in the console, where the end-to-end tests collect them.
 */
export function reportPolicyViolations(scope: DedicatedWorkerGlobalScope = self): void {
  scope.addEventListener('securitypolicyviolation', (e) => {
    if (!(e instanceof SecurityPolicyViolationEvent)) return;
    const where = scope.name || 'a worker';
    console.error(
      `Content-Security-Policy violation in ${where}: ${e.effectiveDirective} refused ${e.blockedURI}`,
    );
  });
}
