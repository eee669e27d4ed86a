import { describe, expect, it } from 'vitest';
import { startingProgress } from '../../../workers/embedding/protocol';
import { coalesced, isTabMessage, TabChannel, type TabMessage } from './tab-channel';
import { PageLocks, runExclusive, runIfFree } from './tab-locks';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('cross-tab locks', () => {
  it('runs a second job of the same kind only after the first ends, telling it that it waits', async () => {
    const locks = new PageLocks();
    const order: string[] = [];
    const first = deferred();
    const a = runExclusive(locks, 'index', async () => {
      order.push('a starts');
      await first.promise;
      order.push('a ends');
      return 'a';
    });
    let waited = false;
    const b = runExclusive(
      locks,
      'index',
      () => {
        order.push('b starts');
        return Promise.resolve('b');
      },
      { onWait: () => (waited = true) },
    );
    await new Promise((r) => setTimeout(r, 5));
    expect(waited).toBe(true);
    expect(order).toEqual(['a starts']);
    first.resolve();
    expect(await Promise.all([a, b])).toEqual(['a', 'b']);
    expect(order).toEqual(['a starts', 'a ends', 'b starts']);
  });

  it('lets jobs of different kinds run together', async () => {
    const locks = new PageLocks();
    const held = deferred();
    const a = runExclusive(locks, 'index', () => held.promise);
    let waited = false;
    const b = await runExclusive(locks, 'score', () => Promise.resolve('scored'), {
      onWait: () => (waited = true),
    });
    expect(b).toBe('scored');
    expect(waited).toBe(false);
    held.resolve();
    await a;
  });

  it('cancelling a wait rejects with an AbortError and leaves the queue working', async () => {
    const locks = new PageLocks();
    const held = deferred();
    const a = runExclusive(locks, 'index', () => held.promise);
    const abort = new AbortController();
    const ran: string[] = [];
    const b = runExclusive(locks, 'index', () => Promise.resolve(ran.push('b')), {
      signal: abort.signal,
    });
    const c = runExclusive(locks, 'index', () => Promise.resolve(ran.push('c')));
    await new Promise((r) => setTimeout(r, 5));
    abort.abort();
    await expect(b).rejects.toMatchObject({ name: 'AbortError' });
    held.resolve();
    await Promise.all([a, c]);
    expect(ran).toEqual(['c']);
  });

  it('a failed job releases its lock', async () => {
    const locks = new PageLocks();
    await expect(
      runExclusive(locks, 'index', () => Promise.reject(new Error('worker died'))),
    ).rejects.toThrow('worker died');
    expect(await runIfFree(locks, 'index', () => Promise.resolve('free again'))).toEqual({
      value: 'free again',
    });
  });

  it('runIfFree skips the task while another holds the lock', async () => {
    const locks = new PageLocks();
    const held = deferred();
    const a = runExclusive(locks, 'compact', () => held.promise);
    let ran = false;
    expect(await runIfFree(locks, 'compact', () => Promise.resolve((ran = true)))).toBeUndefined();
    expect(ran).toBe(false);
    held.resolve();
    await a;
  });
});

describe('tab channel', () => {
  const nextMessage = (channel: TabChannel) =>
    new Promise<TabMessage>((resolve) => {
      const stop = channel.on((m) => {
        stop();
        resolve(m);
      });
    });

  it("carries one tab's news to the others (Node's BroadcastChannel), never to itself", async () => {
    const name = `lumen-spec-${Math.random()}`;
    const a = new TabChannel(name);
    const b = new TabChannel(name);
    const c = new TabChannel(name);
    const heardByA: TabMessage[] = [];
    a.on((m) => heardByA.push(m));
    const atB = nextMessage(b);
    const atC = nextMessage(c);
    const progress = { ...startingProgress(40), processed: 12, indexed: 10, rate: 3.5 };
    a.post({ kind: 'indexing', rootName: 'Holidays', progress });
    for (const m of await Promise.all([atB, atC])) {
      expect(m).toEqual({ kind: 'indexing', rootName: 'Holidays', progress, tab: a.tab });
    }
    await new Promise((r) => setTimeout(r, 20));
    expect(heardByA).toEqual([]);
    for (const ch of [a, b, c]) ch.close();
  });

  it('ignores malformed messages', () => {
    expect(isTabMessage({ kind: 'library-changed', tab: 't1' })).toBe(true);
    expect(isTabMessage({ kind: 'library-changed' })).toBe(false);
    expect(isTabMessage({ kind: 'format-disk', tab: 't1' })).toBe(false);
    expect(isTabMessage({ kind: 'indexing', tab: 't1', rootName: 'x', progress: {} })).toBe(false);
    expect(
      isTabMessage({
        kind: 'indexing',
        tab: 't1',
        rootName: 'x',
        progress: { ...startingProgress(1), state: 'exploded' },
      }),
    ).toBe(false);
    expect(isTabMessage({ kind: 'adapter-changed', tab: 't1' })).toBe(false);
    expect(isTabMessage('library-changed')).toBe(false);
  });

  it('works as a silent channel where BroadcastChannel is missing', () => {
    const lonely = new TabChannel('x', () => undefined);
    expect(() => lonely.post({ kind: 'library-changed' })).not.toThrow();
    lonely.close();
  });
});

describe('re-reading after news', () => {
  it('a burst of news while a re-read runs makes one more re-read, not one each', async () => {
    let runs = 0;
    let release!: () => void;
    const refresh = coalesced(async () => {
      runs++;
      if (runs === 1) await new Promise<void>((r) => (release = r));
    });
    refresh();
    refresh();
    refresh();
    refresh();
    expect(runs).toBe(1);
    release();
    await new Promise((r) => setTimeout(r, 5));
    expect(runs).toBe(2);
    refresh();
    await new Promise((r) => setTimeout(r, 5));
    expect(runs).toBe(3);
  });
});
