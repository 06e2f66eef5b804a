import { i18n } from '#i18n';
import type { RefundScreenPlan, ScreenProgress, ScreenStep, WalkEnd, WalkRequest } from '@/lib/page/refund-screen/protocol';
import type { LearnSlot } from '@/lib/page/refund-screen/words';

/*
 * What the walks of Keap's classic refund screen and of the newer app's refund flow share: how long
 * a step may take, how a walk stops, saves its progress and ends, and how a field is typed into.
 */

const DEFAULT_STEP_TIMEOUT_MS = 10_000;
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

export interface WalkHooks {
  /** Saves progress with the background before a click that depends on it; false stops the walk. */
  saveProgress(progress: ScreenProgress): Promise<boolean>;
  /** Asks the background, right before the final click, whether this attempt is still the live one. */
  approveFinalClick(): Promise<boolean>;
  onStep?(step: ScreenStep): void;
  signal: AbortSignal;
}

/** One walk of one page for one request: the progress it makes from where the request stands. */
export abstract class PageWalk {
  readonly progress: ScreenProgress;
  protected readonly plan: RefundScreenPlan;
  protected readonly timeoutMs: number;

  constructor(
    protected readonly top: Document,
    protected readonly request: WalkRequest,
    protected readonly hooks: WalkHooks,
  ) {
    this.progress = structuredClone(request.progress);
    this.plan = request.plan;
    this.timeoutMs = request.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  }

  abstract run(): Promise<WalkEnd>;

  protected stopIfAborted(step: ScreenStep): void {
    if (this.hooks.signal.aborted) throw new WalkStop(step, i18n.t('keapScreen.walk.stoppedBeforeSent'));
  }

  protected async save(step: ScreenStep): Promise<void> {
    if (!(await this.hooks.saveProgress(this.progress))) throw new WalkStop(step, i18n.t('keapScreen.walk.progressNotSaved'));
  }

  /** Right before the final click: the background must still want this attempt sent. */
  protected async checkFinalClickApproved(): Promise<void> {
    if (!(await this.hooks.approveFinalClick())) throw new WalkStop('credit', i18n.t('keapScreen.walk.calledOff'));
  }
}

/**
 * Runs `walk` to its end. Anything unforeseen on a page Refund Desk does not know is a stop too,
 * never a guess (`unreadable` says, around what went wrong, that the page could not be read); after
 * the final click the refund may have been sent, and only Keap's API can say.
 */
export async function runWalk(walk: PageWalk, unreadable: (detail: string) => string): Promise<WalkOutcome> {
  try {
    return { end: await walk.run(), highlight: null };
  } catch (thrown) {
    const error = thrown instanceof WalkStop ? thrown : new WalkStop('open', unreadable(thrown instanceof Error ? thrown.message : String(thrown)));
    if (walk.progress.finalClicked) return { end: { kind: 'sent-without-results', problem: error.problem }, highlight: null };
    return {
      end: { kind: 'stopped', step: error.step, problem: error.problem, ...(error.learnable ? { learnable: error.learnable } : {}) },
      highlight: error.highlight,
    };
  }
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
