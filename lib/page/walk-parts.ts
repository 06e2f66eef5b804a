import type { ScreenStep, WalkEnd } from '@/lib/page/refund-screen/protocol';
import type { LearnSlot } from '@/lib/page/refund-screen/words';

/*
 * What the walks of Keap's classic refund screen and of the newer app's refund flow share: how long
 * a step may take, how a walk stops, how a field is typed into, and how a walk's end is told.
 */

export const DEFAULT_STEP_TIMEOUT_MS = 10_000;
/** Time for a step to finish drawing when its first reading is doubtful. */
export const SETTLE_MS = 1_500;

/** How a walk ended, with the control the person should use next when it stopped. */
export type WalkOutcome = { end: WalkEnd; highlight: HTMLElement | null };

/** Why a walk stopped; thrown so that every step can stop it, and caught where the walk ends. */
export class WalkStop extends Error {
  constructor(
    readonly step: ScreenStep,
    readonly problem: string,
    readonly highlight: HTMLElement | null = null,
    readonly learnable?: LearnSlot,
  ) {
    super(problem);
    this.name = 'WalkStop';
  }
}

/**
 * The end of a walk that threw. Anything unforeseen on a page Refund Desk does not know is a stop
 * too, never a guess (`unreadable` names what could not be read); after the final click the refund
 * may have been sent, and only Keap's API can say.
 */
export function endOfStoppedWalk(thrown: unknown, finalClicked: boolean, unreadable: string): WalkOutcome {
  const error =
    thrown instanceof WalkStop ? thrown : new WalkStop('open', `Refund Desk could not read ${unreadable} (${thrown instanceof Error ? thrown.message : String(thrown)})`);
  if (finalClicked) return { end: { kind: 'sent-without-results', problem: error.problem }, highlight: null };
  return {
    end: { kind: 'stopped', step: error.step, problem: error.problem, ...(error.learnable ? { learnable: error.learnable } : {}) },
    highlight: error.highlight,
  };
}

/** Sets a field the way typing does, through the element's own value setter, so the page's listeners see it. */
export function typeInto(field: HTMLElement, text: string): void {
  field.focus();
  const prototype = Object.getPrototypeOf(field) as object;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the field as `this`
  const setter = Object.getOwnPropertyDescriptor(prototype, 'value')?.set;
  if (setter) setter.call(field, text);
  else (field as HTMLInputElement).value = text;
  field.dispatchEvent(new Event('input', { bubbles: true }));
  field.dispatchEvent(new Event('change', { bubbles: true }));
  field.blur();
}

export function valueOf(field: HTMLElement): string {
  return (field as HTMLInputElement).value ?? '';
}
