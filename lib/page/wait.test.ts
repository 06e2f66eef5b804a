// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { waitFor } from '@/lib/page/wait';

const findDialog = () => document.querySelector('[role="dialog"]');

describe('waitFor', () => {
  afterEach(() => {
    vi.useRealTimers();
    document.body.innerHTML = '';
  });

  it('resolves at once when the element is already there', async () => {
    document.body.innerHTML = '<div role="dialog"></div>';
    const result = await waitFor(document.body, findDialog, { timeoutMs: 1000 });
    expect(result).toEqual({ ok: true, value: document.querySelector('[role="dialog"]') });
  });

  it('resolves when the element is added later', async () => {
    const waiting = waitFor(document.body, findDialog, { timeoutMs: 5000 });
    setTimeout(() => {
      document.body.innerHTML = '<div role="dialog">late</div>';
    }, 10);
    const result = await waiting;
    expect(result.ok && result.value.textContent).toBe('late');
  });

  it('reacts to attribute changes (a control becoming visible)', async () => {
    document.body.innerHTML = '<button hidden>Next</button>';
    const button = document.querySelector('button')!;
    const waiting = waitFor(document.body, () => (button.hasAttribute('hidden') ? null : button), { timeoutMs: 5000 });
    button.removeAttribute('hidden');
    expect(await waiting).toEqual({ ok: true, value: button });
  });

  it('times out with a typed result when nothing appears', async () => {
    vi.useFakeTimers();
    const waiting = waitFor(document.body, findDialog, { timeoutMs: 10_000 });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await waiting).toEqual({ ok: false, reason: 'timeout', timeoutMs: 10_000 });
  });

  it('stops when aborted, before or during the wait', async () => {
    const aborted = new AbortController();
    aborted.abort();
    expect(await waitFor(document.body, findDialog, { timeoutMs: 1000, signal: aborted.signal })).toEqual({ ok: false, reason: 'aborted' });

    const controller = new AbortController();
    const waiting = waitFor(document.body, findDialog, { timeoutMs: 5000, signal: controller.signal });
    controller.abort();
    expect(await waiting).toEqual({ ok: false, reason: 'aborted' });
  });

  it('stops observing after it resolves', async () => {
    const find = vi.fn(findDialog);
    const waiting = waitFor(document.body, find, { timeoutMs: 5000 });
    document.body.innerHTML = '<div role="dialog"></div>';
    await waiting;
    const callsAtResolve = find.mock.calls.length;
    document.body.append(document.createElement('p'));
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    await Promise.resolve();
    expect(find.mock.calls.length).toBe(callsAtResolve);
  });
});
