import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLockManager, installWebLocks } from './web-locks';

/** A callback that holds its lock until `release` is called, and records when it ran. */
function holder(log: string[], label: string) {
  let release!: (value: string) => void;
  const done = new Promise<string>((resolve) => (release = resolve));
  return {
    callback: (lock: Lock | null) => {
      log.push(`${label} got ${lock?.name} (${lock?.mode})`);
      return done;
    },
    release: () => release(label),
  };
}

describe('the test LockManager', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('grants exclusive requests for one name one at a time, in the order they were made', async () => {
    const locks = createLockManager();
    const log: string[] = [];
    const [a, b, c] = [holder(log, 'a'), holder(log, 'b'), holder(log, 'c')];
    const results = [locks.request('order:1', a.callback), locks.request('order:1', b.callback), locks.request('order:1', c.callback)];

    await locks.whenPending('order:1');
    expect(log).toEqual(['a got order:1 (exclusive)']);
    expect(await locks.query()).toEqual({
      held: [{ name: 'order:1', mode: 'exclusive', clientId: 'unit-test' }],
      pending: [
        { name: 'order:1', mode: 'exclusive', clientId: 'unit-test' },
        { name: 'order:1', mode: 'exclusive', clientId: 'unit-test' },
      ],
    });

    a.release();
    expect(await results[0]).toBe('a');
    await locks.whenPending('order:1');
    expect(log).toEqual(['a got order:1 (exclusive)', 'b got order:1 (exclusive)']);
    b.release();
    c.release();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['a got order:1 (exclusive)', 'b got order:1 (exclusive)', 'c got order:1 (exclusive)']);
    expect(await locks.query()).toEqual({ held: [], pending: [] });
  });

  it('never makes a request for one name wait for another name', async () => {
    const locks = createLockManager();
    const log: string[] = [];
    const first = holder(log, 'first');
    const held = locks.request('order:1', first.callback);

    expect(await locks.request('order:2', () => 'other order')).toBe('other order');
    expect(log).toEqual(['first got order:1 (exclusive)']);
    first.release();
    await held;
  });

  it('runs the callback only after request has returned', async () => {
    const locks = createLockManager();
    const log: string[] = [];
    const result = locks.request('order:1', () => log.push('callback'));
    log.push('returned');
    await result;
    expect(log).toEqual(['returned', 'callback']);
  });

  it('settles the request as the callback did, and frees the lock after a failure too', async () => {
    const locks = createLockManager();
    await expect(locks.request('order:1', () => Promise.reject(new Error('work failed')))).rejects.toThrow('work failed');
    await expect(
      locks.request('order:1', () => {
        throw new Error('thrown at once');
      }),
    ).rejects.toThrow('thrown at once');
    expect(await locks.request('order:1', () => Promise.resolve(42))).toBe(42);
    expect(await locks.query()).toEqual({ held: [], pending: [] });
  });

  it('refuses what it does not implement, and reserved names, rather than pretending', async () => {
    const locks = createLockManager();
    await expect(locks.request('order:1', { mode: 'shared' }, () => 1)).rejects.toThrow('not mode "shared"');
    await expect(locks.request('order:1', { ifAvailable: true }, () => 1)).rejects.toThrow('not ifAvailable');
    await expect(locks.request('order:1', { steal: true }, () => 1)).rejects.toThrow('not steal');
    await expect(locks.request('order:1', { signal: new AbortController().signal }, () => 1)).rejects.toThrow('not signal');
    await expect(locks.request('-reserved', () => 1)).rejects.toThrow('reserved');
    expect(await locks.request('order:1', { mode: 'exclusive' }, () => 'plain')).toBe('plain');
  });

  it('is navigator.locks once installed, a fresh one each time', async () => {
    const installed = installWebLocks();
    expect(navigator.locks).toBe(installed);
    expect(await navigator.locks.request('order:1', () => 'granted')).toBe('granted');
    const again = installWebLocks();
    expect(navigator.locks).toBe(again);
    expect(again).not.toBe(installed);
  });
});
