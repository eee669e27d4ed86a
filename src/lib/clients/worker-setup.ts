import type { Remote } from 'comlink';
import type { WorkerBridge } from './worker-bridge';

/** Requests are flat objects of plain values. */
function sameRequest(a: object, b: object): boolean {
  const left = Object.entries(a);
  const right = new Map(Object.entries(b));
  return (
    left.length === right.size && left.every(([k, v]) => right.has(k) && Object.is(v, right.get(k)))
  );
}

/**
 * A set-up step that lives in one worker (a model load, a chosen profile). It is shared
 * while that worker lives and forgotten when it dies, so the worker that replaces it is
 * set up again with the last request before it is asked to do anything.
 */
export class WorkerSetup<T, Req extends object, Res, P = never> {
  #last: Req | undefined;
  #done: { workerId: number | undefined; request: Req; result: Promise<Res> } | undefined;

  constructor(
    private readonly bridge: WorkerBridge<T>,
    private readonly run: (
      remote: Remote<T>,
      request: Req,
      onProgress: (p: P) => void,
    ) => Promise<Res>,
  ) {}

  /** Sets the worker up; the same request on the same living worker shares the first answer. */
  apply(request: Req, onProgress?: (p: P) => void): Promise<Res> {
    this.#last = request;
    const done = this.#done;
    if (done && done.workerId === this.bridge.workerId && sameRequest(done.request, request)) {
      return done.result;
    }
    return this.#apply(request, onProgress);
  }

  /**
   * Before a call that needs the set-up: repeats the last one on a replacement worker.
   * Quietly: whoever asked for the first one has long been told it was ready.
   */
  async ensure(): Promise<void> {
    const last = this.#last;
    if (!last) return;
    const done = this.#done;
    if (done && done.workerId === this.bridge.workerId) await done.result;
    else await this.#apply(last);
  }

  #apply(request: Req, onProgress?: (p: P) => void): Promise<Res> {
    const result = this.bridge.call((remote) => this.run(remote, request, (p) => onProgress?.(p)));
    // The call has started the worker it runs on, if none was running.
    const done = { workerId: this.bridge.workerId, request, result };
    this.#done = done;
    // A failed set-up is tried again next time rather than remembered.
    result.catch(() => {
      if (this.#done === done) this.#done = undefined;
    });
    return result;
  }
}
