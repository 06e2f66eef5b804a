import { isVisible } from '@/lib/page/accessible-name';
import type { WaitResult } from '@/lib/page/wait';

/**
 * Keap's refund screen may be drawn into the page, or into a same-origin frame on it. These are
 * the documents to read: the page's own and those of its visible frames, nested. A frame of
 * another origin cannot be read and is left out.
 */
export function screenDocuments(top: Document): Document[] {
  const documents = [top];
  for (let index = 0; index < documents.length; index += 1) {
    for (const frame of Array.from(documents[index]!.querySelectorAll('iframe, frame'))) {
      let frameDocument: Document | null = null;
      try {
        frameDocument = (frame as HTMLIFrameElement).contentDocument;
      } catch {
        frameDocument = null;
      }
      if (frameDocument?.body && isVisible(frame)) documents.push(frameDocument);
    }
  }
  return documents;
}

/** Events that change what a person sees without changing the DOM's structure (typing, ticking). */
const INPUT_EVENTS = ['input', 'change', 'click'] as const;

/**
 * Calls `onChange` after any change in the page or its frames: DOM mutations, a frame loading a new
 * document, and (with `inputEvents`) typing and clicks. Observers follow frames as they come and go.
 */
export function watchScreenDocuments(top: Document, onChange: () => void, { signal, inputEvents = false }: { signal: AbortSignal; inputEvents?: boolean }): void {
  if (signal.aborted) return;
  const watched = new Map<Document, () => void>();
  const observer = new MutationObserver(() => {
    sync();
    onChange();
  });
  const onEvent = () => {
    sync();
    onChange();
  };
  function watch(document: Document): () => void {
    observer.observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
    // A frame's `load` does not bubble, but it passes the frame's parent document while capturing.
    document.addEventListener('load', onEvent, true);
    if (inputEvents) for (const type of INPUT_EVENTS) document.addEventListener(type, onEvent, true);
    return () => {
      document.removeEventListener('load', onEvent, true);
      if (inputEvents) for (const type of INPUT_EVENTS) document.removeEventListener(type, onEvent, true);
    };
  }
  function sync() {
    const current = new Set(screenDocuments(top));
    for (const [document, unwatch] of watched) {
      if (!current.has(document)) {
        unwatch();
        watched.delete(document);
      }
    }
    for (const document of current) if (!watched.has(document)) watched.set(document, watch(document));
  }
  sync();
  signal.addEventListener(
    'abort',
    () => {
      observer.disconnect();
      for (const unwatch of watched.values()) unwatch();
      watched.clear();
    },
    { once: true },
  );
}

/** Like `waitFor`, across the page and its frames: resolves as soon as `find` answers. */
export function waitOnScreen<T>(top: Document, find: () => T | null, { timeoutMs, signal }: { timeoutMs: number; signal?: AbortSignal }): Promise<WaitResult<T>> {
  if (signal?.aborted) return Promise.resolve({ ok: false, reason: 'aborted' });
  const immediate = find();
  if (immediate !== null) return Promise.resolve({ ok: true, value: immediate });
  return new Promise((resolve) => {
    const watching = new AbortController();
    let settled = false;
    const finish = (result: WaitResult<T>) => {
      if (settled) return;
      settled = true;
      watching.abort();
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const onAbort = () => finish({ ok: false, reason: 'aborted' });
    const timer = setTimeout(() => finish({ ok: false, reason: 'timeout', timeoutMs }), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    watchScreenDocuments(
      top,
      () => {
        const value = find();
        if (value !== null) finish({ ok: true, value });
      },
      { signal: watching.signal },
    );
  });
}
