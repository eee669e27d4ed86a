import { expose } from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import {
  holdWorkersUntil,
  WorkerBridge,
  WorkerCrashedError,
  type Lifeline,
  type WorkerEndpoint,
} from './worker-bridge';
import { WorkerSetup } from './worker-setup';

/** What the fake worker serves: one call that waits to be told how to end, and a model load. */
class Handler {
  loads: string[] = [];
  cancels = 0;
  #finish: ((answer: string) => void) | undefined;

  work(): Promise<string> {
    return new Promise((resolve) => (this.#finish = resolve));
  }

  finish(answer: string): void {
    this.#finish?.(answer);
  }

  cancel(): void {
    this.cancels++;
    this.#finish?.('cancelled');
  }

  echo(text: string): string {
    return text;
  }

  load(model: string): string {
    this.loads.push(model);
    return `${model} loaded`;
  }

  needsModel(): string {
    if (this.loads.length === 0) throw new Error('The model is not loaded yet.');
    return `answered with ${this.loads.at(-1)}`;
  }
}

const ports: MessagePort[] = [];

/** A worker in the same thread: Comlink on one end of a channel, the bridge on the other. */
class FakeWorker extends EventTarget implements WorkerEndpoint {
  readonly handler = new Handler();
  terminated = false;
  readonly #page: MessagePort;
  readonly #inside: MessagePort;

  constructor(readonly name: string) {
    super();
    const { port1, port2 } = new MessageChannel();
    this.#page = port1;
    this.#inside = port2;
    ports.push(port1, port2);
    port1.onmessage = (e: MessageEvent<unknown>) =>
      this.dispatchEvent(new MessageEvent('message', { data: e.data }));
    expose(this.handler, port2);
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    if (!this.terminated) this.#page.postMessage(message, transfer);
  }

  terminate(): void {
    this.terminated = true;
    this.#page.close();
  }

  /** What the worker does once it holds its lifeline lock. */
  announce(): void {
    this.#inside.postMessage(this.name);
  }

  throwUncaught(message: string): void {
    this.dispatchEvent(Object.assign(new Event('error'), { message }));
  }
}

/** Web Locks as far as the bridge sees them: each worker's lock is released when it is killed. */
class FakeLocks {
  readonly waiting = new Map<string, { release: () => void; signal: AbortSignal }>();

  readonly lifeline: Lifeline = (name, signal) =>
    new Promise((resolve, reject) => {
      this.waiting.set(name, { release: resolve, signal });
      signal.addEventListener('abort', () => reject(new Error('withdrawn')));
    });

  kill(name: string): void {
    this.waiting.get(name)?.release();
  }
}

function setup() {
  const locks = new FakeLocks();
  const workers: FakeWorker[] = [];
  const crashes: string[] = [];
  const bridge = new WorkerBridge<Handler>(
    (name) => {
      const worker = new FakeWorker(name);
      workers.push(worker);
      return worker;
    },
    { label: 'test', lifeline: locks.lifeline, onCrash: (reason) => crashes.push(reason) },
  );
  return { bridge, locks, workers, crashes };
}

/** Lets the channel deliver what is in flight. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

afterEach(() => {
  for (const port of ports.splice(0)) port.close();
});

describe('WorkerBridge', () => {
  it('runs calls on one worker, started on first use', async () => {
    const { bridge, workers } = setup();
    expect(workers).toHaveLength(0);
    expect(await bridge.call((r) => r.echo('a'))).toBe('a');
    expect(await bridge.call((r) => r.echo('b'))).toBe('b');
    expect(workers).toHaveLength(1);
  });

  it('starts no worker until the policy gate opens, then runs the calls made meanwhile', async () => {
    let open: () => void = () => {};
    holdWorkersUntil(new Promise<void>((resolve) => (open = resolve)));
    const { bridge, workers } = setup();
    const answer = bridge.call((r) => r.echo('dropped early'));
    await settle();
    expect(workers).toHaveLength(0);
    open();
    expect(await answer).toBe('dropped early');
    expect(workers).toHaveLength(1);
    // Once open, calls start workers at once.
    const { bridge: later, workers: started } = setup();
    expect(await later.call((r) => r.echo('now'))).toBe('now');
    expect(started).toHaveLength(1);
  });

  it('asks for the lifeline only after the worker says it holds it', async () => {
    const { bridge, locks, workers } = setup();
    await bridge.call((r) => r.echo('x'));
    expect(locks.waiting.size).toBe(0);
    workers[0]!.announce();
    await settle();
    expect([...locks.waiting.keys()]).toEqual([workers[0]!.name]);
  });

  it('rejects pending calls when the worker dies, and says so once', async () => {
    const { bridge, locks, workers, crashes } = setup();
    const first = bridge.call((r) => r.work());
    const second = bridge.call((r) => r.work());
    workers[0]!.announce();
    await settle();
    locks.kill(workers[0]!.name);
    await expect(first).rejects.toBeInstanceOf(WorkerCrashedError);
    await expect(second).rejects.toThrow('The test worker stopped unexpectedly');
    expect(crashes).toHaveLength(1);
    expect(workers[0]!.terminated).toBe(true);
    expect(bridge.workerId).toBeUndefined();
  });

  it('rejects pending calls when the worker throws an uncaught error', async () => {
    const { bridge, workers, crashes } = setup();
    const call = bridge.call((r) => r.work());
    workers[0]!.throwUncaught('wasm trap');
    await expect(call).rejects.toThrow('The test worker stopped unexpectedly (wasm trap).');
    expect(crashes).toEqual(['wasm trap']);
    expect(workers[0]!.terminated).toBe(true);
  });

  it('rejects pending calls when the page terminates the worker, without calling it a crash', async () => {
    const { bridge, locks, workers, crashes } = setup();
    const call = bridge.call((r) => r.work());
    workers[0]!.announce();
    await settle();
    bridge.terminate();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    expect(crashes).toEqual([]);
    // Its lock request is withdrawn, so the worker's end is not reported later.
    expect(locks.waiting.get(workers[0]!.name)!.signal.aborted).toBe(true);
  });

  it('rejects an already-aborted signal at once, without starting a worker', async () => {
    const { bridge, workers } = setup();
    const abort = new AbortController();
    abort.abort(new DOMException('Stopped by the person', 'AbortError'));
    await expect(bridge.call((r) => r.work(), { signal: abort.signal })).rejects.toThrow(
      'Stopped by the person',
    );
    expect(workers).toHaveLength(0);
  });

  it('asks the worker to cancel when the signal aborts, and settles with its answer', async () => {
    const { bridge, workers } = setup();
    const abort = new AbortController();
    const call = bridge.call((r) => r.work(), {
      signal: abort.signal,
      cancel: (r) => r.cancel(),
    });
    await settle();
    abort.abort();
    expect(await call).toBe('cancelled');
    expect(workers[0]!.handler.cancels).toBe(1);
  });

  it('rejects on abort when the call cannot be cancelled', async () => {
    const { bridge } = setup();
    const abort = new AbortController();
    const call = bridge.call((r) => r.work(), { signal: abort.signal });
    abort.abort();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('starts a fresh worker on the next call after a death', async () => {
    const { bridge, locks, workers } = setup();
    const lost = bridge.call((r) => r.work());
    const firstId = bridge.workerId;
    workers[0]!.announce();
    await settle();
    locks.kill(workers[0]!.name);
    await expect(lost).rejects.toThrow();

    const next = bridge.call((r) => r.work());
    expect(workers).toHaveLength(2);
    expect(bridge.workerId).not.toBe(firstId);
    await settle();
    workers[1]!.handler.finish('done');
    expect(await next).toBe('done');
    expect(workers[1]!.name).not.toBe(workers[0]!.name);
  });

  it('ignores the end of a worker it has already replaced', async () => {
    const { bridge, locks, workers, crashes } = setup();
    await bridge.call((r) => r.echo('1'));
    workers[0]!.announce();
    await settle();
    bridge.terminate();
    const pending = bridge.call((r) => r.work());
    locks.kill(workers[0]!.name);
    workers[0]!.throwUncaught('late');
    await settle();
    expect(crashes).toEqual([]);
    workers[1]!.handler.finish('still fine');
    expect(await pending).toBe('still fine');
  });
});

describe('WorkerSetup', () => {
  function withModel() {
    const parts = setup();
    const model = new WorkerSetup(parts.bridge, (remote, request: { model: string }) =>
      remote.load(request.model),
    );
    return { ...parts, model };
  }

  it('loads once per worker for the same request', async () => {
    const { model, workers } = withModel();
    const [a, b] = await Promise.all([model.apply({ model: 'm' }), model.apply({ model: 'm' })]);
    expect([a, b]).toEqual(['m loaded', 'm loaded']);
    await model.ensure();
    expect(workers[0]!.handler.loads).toEqual(['m']);
    await model.apply({ model: 'other' });
    expect(workers[0]!.handler.loads).toEqual(['m', 'other']);
  });

  it('loads the model again on the worker that replaces a dead one', async () => {
    const { bridge, model, locks, workers } = withModel();
    await model.apply({ model: 'm' });
    workers[0]!.announce();
    await settle();
    locks.kill(workers[0]!.name);
    await settle();

    await model.ensure();
    expect(workers).toHaveLength(2);
    expect(workers[1]!.handler.loads).toEqual(['m']);
    expect(await bridge.call((r) => r.needsModel())).toBe('answered with m');
  });

  it('tries a load that failed with its worker again', async () => {
    const { model, workers } = withModel();
    const loading = model.apply({ model: 'm' });
    workers[0]!.throwUncaught('out of memory');
    await expect(loading).rejects.toBeInstanceOf(WorkerCrashedError);
    expect(await model.apply({ model: 'm' })).toBe('m loaded');
    expect(workers).toHaveLength(2);
  });
});
