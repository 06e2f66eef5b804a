/**
 * Waiting for Keap's late-drawn content: a MutationObserver re-runs the finder on every DOM
 * change (and once at the start), so the wait ends as soon as the thing is there, without polling.
 */

export type WaitResult<T> = { ok: true; value: T } | { ok: false; reason: 'timeout'; timeoutMs: number } | { ok: false; reason: 'aborted' };

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

export function waitFor<T>(root: Node, find: () => T | null, { timeoutMs, signal }: WaitOptions): Promise<WaitResult<T>> {
  if (signal?.aborted) return Promise.resolve({ ok: false, reason: 'aborted' });
  const immediate = find();
  if (immediate !== null) return Promise.resolve({ ok: true, value: immediate });

  return new Promise((resolve) => {
    let settled = false;
    const observer = new MutationObserver(() => {
      const value = find();
      if (value !== null) finish({ ok: true, value });
    });
    const timer = setTimeout(() => finish({ ok: false, reason: 'timeout', timeoutMs }), timeoutMs);
    const onAbort = () => finish({ ok: false, reason: 'aborted' });

    function finish(result: WaitResult<T>) {
      if (settled) return;
      settled = true;
      observer.disconnect();
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(result);
    }

    signal?.addEventListener('abort', onAbort, { once: true });
    observer.observe(root, { childList: true, subtree: true, attributes: true, characterData: true });
  });
}
