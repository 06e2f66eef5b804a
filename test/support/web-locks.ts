import { vi } from 'vitest';

/**
 * The Web Locks API (`navigator.locks`) for unit tests: Node 20 has none, and every browser Refund
 * Desk supports has it, so product code uses it unconditionally and tests install this one.
 *
 * Exclusive locks only, as the browser grants them: requests for one name are granted one at a
 * time in the order they were made, each callback runs only once its lock is granted, and the lock
 * is held until the promise the callback returned settles; `request` then settles as that promise
 * did. Requests for different names never wait for each other. Shared locks, `ifAvailable`,
 * `steal` and `signal` are not implemented: asking for them rejects, so a test cannot rely on them
 * by mistake.
 */
export type TestLockManager = LockManager & {
  /** Resolves once a request for `name` is waiting behind a held lock (at once if one already is). */
  whenPending(name: string): Promise<void>;
};

type Waiting = { info: LockInfo; grant: () => void };

const CLIENT_ID = 'unit-test';

export function createLockManager(): TestLockManager {
  const held = new Map<string, LockInfo>();
  const queues = new Map<string, Waiting[]>();
  const pendingWatchers = new Map<string, (() => void)[]>();

  function notifyPending(name: string): void {
    const watchers = pendingWatchers.get(name) ?? [];
    pendingWatchers.delete(name);
    for (const watcher of watchers) watcher();
  }

  /** Grants the lock on `name` to the first request waiting for it, when nobody holds it. */
  function grantNext(name: string): void {
    const queue = queues.get(name) ?? [];
    if (held.has(name) || queue.length === 0) return;
    const next = queue.shift()!;
    if (queue.length === 0) queues.delete(name);
    held.set(name, next.info);
    next.grant();
    if (queue.length > 0) notifyPending(name);
  }

  function request<T>(name: string, optionsOrCallback: LockOptions | LockGrantedCallback<T>, maybeCallback?: LockGrantedCallback<T>): Promise<T> {
    const options = typeof optionsOrCallback === 'function' ? {} : optionsOrCallback;
    const callback = typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback;
    if (callback === undefined) return Promise.reject(new TypeError('navigator.locks.request needs a callback'));
    if (name.startsWith('-')) return Promise.reject(new DOMException(`Lock names starting with "-" are reserved: ${name}`, 'NotSupportedError'));
    const unsupported = [
      (options.mode ?? 'exclusive') === 'exclusive' ? null : `mode "${options.mode}"`,
      options.ifAvailable === true ? 'ifAvailable' : null,
      options.steal === true ? 'steal' : null,
      options.signal === undefined ? null : 'signal',
    ].filter((option) => option !== null);
    if (unsupported.length > 0) return Promise.reject(new Error(`The test LockManager grants plain exclusive locks only, not ${unsupported.join(', ')}`));

    return new Promise<T>((resolve, reject) => {
      const info: LockInfo = { name, mode: 'exclusive', clientId: CLIENT_ID };
      const grant = () => {
        // As in the browser, the callback runs after `request` has returned, never inside it.
        queueMicrotask(() => {
          const lock: Lock = { name, mode: 'exclusive' };
          // A callback that throws at once rejects the request, like one whose promise rejects.
          const result = new Promise<T>((settle) => settle(callback(lock)));
          void result
            .finally(() => {
              held.delete(name);
              grantNext(name);
            })
            .then(resolve, reject);
        });
      };
      const queue = queues.get(name) ?? [];
      queues.set(name, queue);
      queue.push({ info, grant });
      if (held.has(name)) notifyPending(name);
      else grantNext(name);
    });
  }

  return {
    request,
    query: () =>
      Promise.resolve({
        held: [...held.values()].map((info) => ({ ...info })),
        pending: [...queues.values()].flat().map(({ info }) => ({ ...info })),
      }),
    whenPending: (name) =>
      new Promise<void>((resolve) => {
        if ((queues.get(name)?.length ?? 0) > 0 && held.has(name)) {
          resolve();
          return;
        }
        pendingWatchers.set(name, [...(pendingWatchers.get(name) ?? []), resolve]);
      }),
  };
}

/**
 * Installs a fresh `createLockManager()` as `navigator.locks` (keeping the rest of `navigator`
 * where the environment has one) with `vi.stubGlobal`, and returns it. `vi.unstubAllGlobals()`
 * takes it away again.
 */
export function installWebLocks(): TestLockManager {
  const locks = createLockManager();
  const base: object = (globalThis as { navigator?: object }).navigator ?? Object.prototype;
  vi.stubGlobal('navigator', Object.create(base, { locks: { value: locks, enumerable: true } }));
  return locks;
}
