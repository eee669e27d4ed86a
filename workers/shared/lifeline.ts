import { expose } from 'comlink';

/**
 * Serves `handler` to the page through Comlink and holds, for the worker's whole life,
 * the Web Lock the page named the worker after. The lock is released only when the
 * worker is gone (crash, out of memory, closed from outside), which is how the page
 * learns of a death that fires no event. Once the lock is held the worker posts its
 * name, so the page never asks for the lock before the worker has it.
 */
export function serveWorker(handler: object, scope: DedicatedWorkerGlobalScope = self): void {
  expose(handler, scope);
  const name = scope.name;
  if (!name || !scope.navigator.locks) return;
  void scope.navigator.locks.request(name, () => {
    scope.postMessage(name);
    return new Promise<never>(() => {});
  });
}
