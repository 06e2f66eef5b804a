import { z } from 'zod';
import { formatUsd } from './money';
import type { RefundLineResult } from './refund';

/**
 * The forms in which the sandbox draws Keap's Refund Payment screen. Nobody outside Keap knows
 * its real markup (keap-facts.md, "Evidence about the classic screens"), so the driver is tested
 * against several plausible ones. Only Keap's documented words are shared by every form; the
 * undocumented ones (headers, the reason's label, the last button, the results) differ.
 */
export const SCREEN_FORMS = ['dialog', 'jquery', 'pages', 'window', 'words', 'iframe', 'two-submits', 'no-owed'] as const;
export type ScreenForm = (typeof SCREEN_FORMS)[number];
export const screenFormSchema = z.enum(SCREEN_FORMS);

/** Forms drawn in the order page by its script, whose last step posts JSON. */
export type DialogForm = Extract<ScreenForm, 'dialog' | 'words' | 'two-submits' | 'no-owed'>;
/** Forms whose steps the server draws, each answering a form post. */
export type StepForm = Extract<ScreenForm, 'jquery' | 'pages' | 'window' | 'iframe'>;

export function isDialogForm(form: ScreenForm): form is DialogForm {
  return form === 'dialog' || form === 'words' || form === 'two-submits' || form === 'no-owed';
}

/** How the rest of the app looks with this form. */
export function formTraits(form: ScreenForm): { contactOrdersLayout: 'id-column' | 'name-links'; orderIdInHeading: boolean } {
  const contractPages = form === 'dialog' || form === 'two-submits' || form === 'no-owed';
  return contractPages ? { contactOrdersLayout: 'id-column', orderIdInHeading: true } : { contactOrdersLayout: 'name-links', orderIdInHeading: false };
}

/** The alteredRefundScreen fault's label for every button that sends the refund: no synonym list holds it. */
const ALTERED_FINAL_BUTTON = 'Make it so';

/** Words and shape of an in-page dialog form, handed to the order page's script as data. */
export interface DialogScreen {
  headings: { payments: string; method: string; errorHandling: string; credit: string; results: string };
  /** Header of the payment id column; null draws no such column. */
  paymentIdHeader: string | null;
  amountHeader: string;
  reasonLabel: string;
  checkboxName: string;
  /** Whether the tick boxes and amount fields carry an aria-label naming the payment. */
  ariaLabels: boolean;
  methodHint: string;
  /** Every button on the last step that sends the refund. */
  finalButtons: string[];
  /** False: the Issuing a Credit step has no owed field and sends 0.00. */
  owedField: boolean;
  closeButton: string;
  /** Where the last step posts its JSON; the query names the form whose results wording to use. */
  postUrl: string;
}

const CONTRACT_DIALOG: DialogScreen = {
  headings: { payments: 'Refund Payment', method: 'Refund Method', errorHandling: 'Error Handling', credit: 'Issuing a Credit', results: 'Refund Results' },
  paymentIdHeader: 'Payment ID',
  amountHeader: 'Refund Amount',
  reasonLabel: 'Reason',
  checkboxName: 'refundPayment',
  ariaLabels: true,
  methodHint: "If the payment's gateway is not listed, the refund must be made in the merchant account itself.",
  finalButtons: ['Finish'],
  owedField: true,
  closeButton: 'Close',
  postUrl: 'refundPayment.jsp',
};

const DIALOG_SCREENS: Record<DialogForm, DialogScreen> = {
  dialog: CONTRACT_DIALOG,
  'two-submits': { ...CONTRACT_DIALOG, finalButtons: ['Finish', 'Process Refund'] },
  'no-owed': { ...CONTRACT_DIALOG, owedField: false },
  words: {
    headings: { payments: 'Select Payments', method: 'Refund Options', errorHandling: 'Error Handling', credit: 'Issuing a Credit', results: 'Refund Complete' },
    paymentIdHeader: null,
    amountHeader: 'Amount to Refund',
    reasonLabel: 'Refund Reason',
    checkboxName: 'paymentIds',
    ariaLabels: false,
    methodHint: 'Payments taken through a gateway that is not shown have to be refunded with the merchant.',
    finalButtons: ['Process Refund'],
    owedField: true,
    closeButton: 'Done',
    postUrl: 'refundPayment.jsp?screen=words',
  },
};

export function dialogScreen(form: DialogForm, altered: boolean): DialogScreen {
  const screen = DIALOG_SCREENS[form];
  return altered ? { ...screen, finalButtons: screen.finalButtons.map(() => ALTERED_FINAL_BUTTON) } : screen;
}

const STEP_FINAL_BUTTONS: Record<StepForm, string> = {
  jquery: 'Submit',
  pages: 'Complete Refund',
  window: 'Finish',
  iframe: 'Submit Refund',
};

export function stepFinalButton(form: StepForm, altered: boolean): string {
  return altered ? ALTERED_FINAL_BUTTON : STEP_FINAL_BUTTONS[form];
}

/** The results line this form shows for one processed payment. */
export function resultText(form: ScreenForm, line: RefundLineResult): string {
  const id = line.paymentId;
  const amount = formatUsd(line.amountMinor);
  if (form === 'words') {
    switch (line.outcome) {
      case 'refunded':
        return `Refund processed for payment ${id} (${amount})`;
      case 'recorded-after-failure':
        return `Automatic refund failed for payment ${id} (${line.failure}); the refund was recorded anyway`;
      case 'skipped-after-failure':
        return `Payment ${id} was skipped: automatic refund failed (${line.failure})`;
      case 'manual-refund-recorded':
        return `Manual refund recorded for payment ${id} (${amount})`;
      case 'voided':
        return `Payment ${id} voided (${amount})`;
    }
  }
  if (form === 'jquery') {
    switch (line.outcome) {
      case 'refunded':
        return `Payment #${id} - Refund successful (${amount})`;
      case 'recorded-after-failure':
        return `Payment #${id} - Automatic refund failed (${line.failure}); refund recorded anyway`;
      case 'skipped-after-failure':
        return `Payment #${id} - Automatic refund failed (${line.failure}); payment skipped`;
      case 'manual-refund-recorded':
        return `Payment #${id} - Manual refund recorded (${amount})`;
      case 'voided':
        return `Payment #${id} - Voided (${amount})`;
    }
  }
  return line.text;
}
