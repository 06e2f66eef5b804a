import { i18n } from '#i18n';
import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { browser } from 'wxt/browser';
import { OrderPicker } from '@/components/refund-flow/OrderPicker';
import { type RefundFormState, RefundFormView } from '@/components/refund-flow/RefundFormView';
import { RefundProgress } from '@/components/refund-flow/RefundProgress';
import { RefundReview } from '@/components/refund-flow/RefundReview';
import { refundSummary } from '@/components/refund-flow/summary';
import { type JournalDb, openJournal } from '@/lib/audit/db';
import { classifyKeapUrl, contactIdOfPage } from '@/lib/keap-hosts';
import { CONTACT_PAGE_MESSAGES, type ContactOrderRow } from '@/lib/messaging/contact-page-messages';
import { EXTENSION_PAGE_MESSAGES, type OrderForRefund } from '@/lib/messaging/extension-page-messages';
import { backgroundCaller } from '@/lib/messaging/call-background';
import { type RefundForm, type RefundFormErrors, validateRefundForm } from '@/lib/refund/form';
import type { RefundPlan } from '@/lib/refund/plan';
import { defaultAmountText } from '@/lib/refund/rules';
import type { GuidedRefund } from '@/lib/refund/guided';
import type { RefundMode } from '@/lib/settings';
import { guidedRefundOf, guidedRefundsItem } from '@/lib/service/guided-refunds';
import { refundTargetFor, refundTargetsItem } from '@/lib/service/refund-target';

/** The side panel's own messages, and the contact's orders it lists to choose from. */
const callBackground = backgroundCaller({ ...EXTENSION_PAGE_MESSAGES, getContactOrders: CONTACT_PAGE_MESSAGES.getContactOrders });

/** Which order the panel works on (or which refund of the history it follows up), and where the request came from. */
type Target = { kind: 'order'; contactId: number; orderId: number | null; appOrigin: string; requestedAt: number } | { kind: 'refund'; refundId: string; requestedAt: number };

type Step = { kind: 'form' } | { kind: 'review'; plan: RefundPlan; idempotencyKey: string } | { kind: 'progress'; refundIds: string[] };

const journalPromise: Promise<JournalDb> = openJournal();

/** Follows the Refunds panel's choice for this window; without one, the active Keap tab's contact. */
function useTarget(): Target | null | undefined {
  const [target, setTarget] = useState<Target | null | undefined>(undefined);
  useEffect(() => {
    let windowId: number | undefined;
    const fromStorage = (targets: Record<string, unknown>) => {
      if (windowId === undefined) return;
      const chosen = refundTargetFor(targets, windowId);
      if (chosen?.kind === 'order')
        setTarget({ kind: 'order', contactId: chosen.contactId, orderId: chosen.orderId, appOrigin: chosen.appOrigin, requestedAt: chosen.requestedAt });
      else if (chosen?.kind === 'refund') setTarget({ kind: 'refund', refundId: chosen.refundId, requestedAt: chosen.requestedAt });
    };
    void (async () => {
      const current = await browser.windows.getCurrent();
      windowId = current.id;
      const targets = await refundTargetsItem.getValue();
      if (windowId !== undefined && refundTargetFor(targets, windowId)) {
        fromStorage(targets);
        return;
      }
      const [activeTab] = await browser.tabs.query({ active: true, currentWindow: true });
      const contactId = activeTab?.url ? contactIdOfPage(classifyKeapUrl(activeTab.url)) : null;
      if (activeTab?.url && contactId !== null) {
        setTarget({ kind: 'order', contactId, orderId: null, appOrigin: new URL(activeTab.url).origin, requestedAt: Date.now() });
      } else {
        setTarget(null);
      }
    })();
    return refundTargetsItem.watch((targets) => fromStorage(targets ?? {}));
  }, []);
  return target;
}

function initialForm(view: OrderForRefund): RefundFormState {
  const refundable = view.payments.filter((payment) => payment.channel.kind !== 'blocked');
  return {
    // One refundable payment is ticked for the person; with several, they choose.
    payments: view.payments.map((payment) => ({
      paymentId: payment.paymentId,
      selected: refundable.length === 1 && payment.channel.kind !== 'blocked',
      amount: payment.channel.kind === 'blocked' ? '' : defaultAmountText(payment),
    })),
    reasonPreset: '',
    reasonDetails: '',
    errorHandling: view.defaultErrorHandling,
    amountOwed: '0.00',
  };
}

function toRefundForm(view: OrderForRefund, values: RefundFormState): RefundForm {
  return { ...values, orderId: view.order.orderId, contactId: view.contact.id, currency: view.order.summary.currency } as RefundForm;
}

/** The guided checklists the background keeps for refunds people finish on Keap's screen, live. */
function useGuidedRefunds(refundIds: readonly string[] | null): Record<string, GuidedRefund | undefined> {
  const [all, setAll] = useState<Record<string, unknown>>({});
  useEffect(() => {
    void guidedRefundsItem.getValue().then(setAll);
    return guidedRefundsItem.watch((next) => setAll(next ?? {}));
  }, []);
  return useMemo(() => Object.fromEntries((refundIds ?? []).map((id) => [id, guidedRefundOf(all, id) ?? undefined])), [all, refundIds]);
}

/** The journal's records of `refundIds`, live, with what a person can do about those that need them. */
function ProgressView({ refundIds, onStartOver }: { refundIds: string[]; onStartOver: () => void }) {
  const records = useLiveQuery(async () => (await (await journalPromise).refunds.bulkGet(refundIds)).filter((record) => record !== undefined), [refundIds]);
  const summary = useMemo(() => (records ? refundSummary(records) : null), [records]);
  const guided = useGuidedRefunds(refundIds);
  const [busyRecordId, setBusyRecordId] = useState<string | null>(null);
  const [learning, setLearning] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const act = (refundId: string, call: () => Promise<{ ok: boolean; error?: { message: string } }>) => {
    setBusyRecordId(refundId);
    setActionError(null);
    void call().then((answer) => {
      setBusyRecordId(null);
      if (!answer.ok) setActionError(answer.error?.message ?? i18n.t('refundFlow.sidepanel.actionFailed'));
    });
  };
  return (
    <RefundProgress
      records={records ?? []}
      guided={guided}
      summary={summary}
      busyRecordId={busyRecordId}
      actionError={actionError}
      learning={learning}
      onRecheck={(refundId) => act(refundId, () => callBackground('recheckRefund', { refundId }))}
      onMarkNotRefunded={(refundId) => act(refundId, () => callBackground('markNotRefunded', { refundId }))}
      onContinueInKeap={(refundId) => act(refundId, () => callBackground('continueInKeap', { refundId }))}
      onUseClassicScreen={(refundId) => act(refundId, () => callBackground('continueInKeap', { refundId, onClassicScreen: true }))}
      onLearn={(refundId) => {
        setLearning(refundId);
        setActionError(null);
        void callBackground('learnControl', { refundId }).then((answer) => {
          setLearning(null);
          if (!answer.ok) setActionError(answer.error.message);
        });
      }}
      onStartOver={onStartOver}
    />
  );
}

function OrderRefund({ target, orderId, onPickAnother }: { target: Extract<Target, { kind: 'order' }>; orderId: number; onPickAnother: () => void }) {
  const [view, setView] = useState<OrderForRefund | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [values, setValues] = useState<RefundFormState | null>(null);
  const [errors, setErrors] = useState<RefundFormErrors>({});
  const [step, setStep] = useState<Step>({ kind: 'form' });
  const [manualRefundsDone, setManualRefundsDone] = useState(false);
  const [mode, setMode] = useState<RefundMode>('automatic');
  const [busy, setBusy] = useState(false);
  const [submitError, setSubmitError] = useState<string | null>(null);

  const load = useCallback(() => {
    setView(null);
    setLoadError(null);
    void callBackground('getOrderForRefund', { orderId, contactId: target.contactId, appOrigin: target.appOrigin }).then((answer) => {
      if (!answer.ok) {
        setLoadError(answer.error.message);
        return;
      }
      setView(answer.view);
      setMode(answer.view.defaultRefundMode);
      setValues(initialForm(answer.view));
      setErrors({});
      setStep({ kind: 'form' });
    });
  }, [orderId, target.contactId, target.appOrigin]);
  useEffect(load, [load]);

  if (loadError) {
    return (
      <div role="alert" className="load-error">
        <p>{loadError}</p>
        <button type="button" onClick={load}>
          {i18n.t('refundFlow.sidepanel.tryAgain')}
        </button>
      </div>
    );
  }
  if (!view || !values) return <p role="status">{i18n.t('refundFlow.sidepanel.loadingOrder', [orderId])}</p>;

  if (step.kind === 'review') {
    return (
      <RefundReview
        plan={step.plan}
        mode={mode}
        onModeChange={setMode}
        manualRefundsDone={manualRefundsDone}
        busy={busy}
        error={submitError}
        onManualRefundsDoneChange={setManualRefundsDone}
        onBack={() => setStep({ kind: 'form' })}
        onConfirm={() => {
          setBusy(true);
          setSubmitError(null);
          void callBackground('startRefund', {
            idempotencyKey: step.idempotencyKey,
            form: toRefundForm(view, values),
            appOrigin: target.appOrigin,
            manualRefundsDone,
            mode,
          }).then((answer) => {
            setBusy(false);
            if (answer.ok) {
              setStep({ kind: 'progress', refundIds: answer.refundIds });
            } else if (answer.fieldErrors) {
              setErrors(answer.fieldErrors);
              setStep({ kind: 'form' });
            } else {
              setSubmitError(answer.error.message);
            }
          });
        }}
      />
    );
  }
  if (step.kind === 'progress') return <ProgressView refundIds={step.refundIds} onStartOver={onPickAnother} />;
  return (
    <RefundFormView
      view={view}
      values={values}
      errors={errors}
      onChange={setValues}
      onReview={() => {
        const validation = validateRefundForm(toRefundForm(view, values), view.payments, view.order.totalMinor);
        if (!validation.ok) {
          setErrors(validation.errors);
          return;
        }
        setErrors({});
        setSubmitError(null);
        setManualRefundsDone(false);
        // One key per reviewed refund: a double click or a resend is the same refund, never a second.
        setStep({ kind: 'review', plan: validation.plan, idempotencyKey: crypto.randomUUID() });
      }}
    />
  );
}

function ContactOrders({ target, onPick }: { target: Extract<Target, { kind: 'order' }>; onPick: (orderId: number) => void }) {
  const [orders, setOrders] = useState<ContactOrderRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void callBackground('getContactOrders', { contactId: target.contactId, appOrigin: target.appOrigin }).then((answer) =>
      answer.ok ? setOrders(answer.orders) : setError(answer.error.message),
    );
  }, [target.contactId, target.appOrigin]);
  if (error) return <p role="alert">{error}</p>;
  if (!orders) return <p role="status">{i18n.t('refundFlow.sidepanel.loadingContactOrders')}</p>;
  return <OrderPicker contactId={target.contactId} orders={orders} onPick={onPick} />;
}

export function SidePanelApp() {
  const target = useTarget();
  // What the person chose here; null follows the Refunds panel's choice.
  const [choice, setChoice] = useState<{ orderId: number | null } | null>(null);
  // A new choice in the Refunds panel replaces whatever was picked here.
  useEffect(() => setChoice(null), [target?.requestedAt]);
  const orderId = choice ? choice.orderId : target?.kind === 'order' ? target.orderId : null;

  if (target === undefined) return <p role="status">{i18n.t('refundFlow.sidepanel.loading')}</p>;
  if (target === null) {
    return (
      <main>
        <h1>{i18n.t('common.brand')}</h1>
        <p>{i18n.t('refundFlow.sidepanel.noContact')}</p>
      </main>
    );
  }
  if (target.kind === 'refund') {
    return (
      <main>
        <h1>{i18n.t('common.brand')}</h1>
        <ProgressView key={target.requestedAt} refundIds={[target.refundId]} onStartOver={() => setChoice(null)} />
      </main>
    );
  }
  return (
    <main>
      <h1>{orderId === null ? i18n.t('common.brand') : i18n.t('refundFlow.sidepanel.orderHeading', [orderId])}</h1>
      {orderId === null ? (
        <ContactOrders target={target} onPick={(picked) => setChoice({ orderId: picked })} />
      ) : (
        <OrderRefund key={`${orderId}:${target.requestedAt}`} target={target} orderId={orderId} onPickAnother={() => setChoice({ orderId: null })} />
      )}
    </main>
  );
}
