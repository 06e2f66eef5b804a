import { accessibleName, isVisible, normaliseWhitespace } from '@/lib/page/accessible-name';
import { screenDocuments } from './documents';
import type { RefundScreenPlan } from './protocol';
import { readRefundScreen } from './screen';
import type { LearnedWords, LearnSlot } from './words';

/*
 * "Show Refund Desk this control": the person clicks the control on Keap's screen whose word Refund
 * Desk does not know. That click is caught before the page sees it, so showing Refund Desk the
 * final button does not press it.
 */

const CANDIDATE_OUTLINE = '3px dashed #1a73e8';
/** Every event a press is made of: the page must see none of them while Refund Desk is being shown. */
const PRESS_EVENTS = ['pointerdown', 'mousedown', 'pointerup', 'mouseup', 'click', 'dblclick', 'keydown', 'submit'] as const;

/** The controls the person may pick for `slot` on the step on screen now. */
export function pickCandidates(top: Document, plan: RefundScreenPlan, learned: LearnedWords, slot: LearnSlot): HTMLElement[] {
  const reading = readRefundScreen(top, plan, learned);
  if (slot === 'payments-reason') {
    return screenDocuments(top).flatMap((document) =>
      Array.from(document.querySelectorAll<HTMLElement>('input:not([type]), input[type="text"], textarea')).filter(
        (field) => isVisible(field) && field.closest('tr')?.querySelector('input[type="checkbox"]') == null,
      ),
    );
  }
  if (reading.kind === 'step') return reading.step.forwardActions.map((action) => action.element);
  // Only a problem about this very slot points at a candidate: another problem's control (a field, a tick box) is not one.
  if (reading.kind === 'problem' && reading.learnable === slot && reading.highlight) return [reading.highlight];
  return [];
}

/**
 * Waits for a trusted click on one of `candidates` and answers its name; the click goes no further.
 * Null when `signal` ends first or the picked control has no name to remember.
 */
export function pickControl(top: Document, candidates: readonly HTMLElement[], signal: AbortSignal): Promise<string | null> {
  return new Promise((resolve) => {
    const documents = screenDocuments(top);
    const outlines = candidates.map((element) => ({ element, outline: element.style.outline }));
    for (const { element } of outlines) element.style.outline = CANDIDATE_OUTLINE;
    const finish = (name: string | null) => {
      for (const document of documents) for (const type of PRESS_EVENTS) document.defaultView?.removeEventListener(type, onPress, true);
      for (const { element, outline } of outlines) element.style.outline = outline;
      signal.removeEventListener('abort', onAbort);
      resolve(name);
    };
    const onAbort = () => finish(null);
    function onPress(event: Event) {
      const target = event.target as Node | null;
      const picked = candidates.find((candidate) => target !== null && candidate.contains(target));
      if (!picked) return;
      if (event instanceof KeyboardEvent && event.key !== 'Enter' && event.key !== ' ') return;
      event.preventDefault();
      event.stopImmediatePropagation();
      if (event.type !== 'click' || !event.isTrusted) return;
      const name = normaliseWhitespace(accessibleName(picked));
      finish(name === '' ? null : name);
    }
    for (const document of documents) for (const type of PRESS_EVENTS) document.defaultView?.addEventListener(type, onPress, true);
    if (signal.aborted) finish(null);
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
