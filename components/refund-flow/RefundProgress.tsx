import type { RefundRecord } from '@/lib/audit/schema';
import { formatMoney } from '@/lib/money';
import { LEARN_SLOT_DESCRIPTIONS } from '@/lib/page/refund-screen/words';
import type { GuidedRefund } from '@/lib/refund/guided';

export interface RefundProgressProps {
  records: RefundRecord[];
  /** The guided checklist of each refund the person is finishing on Keap's screen, by refund id. */
  guided: Record<string, GuidedRefund | undefined>;
  /** The final sentence, once every record has settled or needs a person. */
  summary: string | null;
  busyRecordId: string | null;
  actionError: string | null;
  /** Set while Refund Desk waits for the person to click the control it should learn. */
  learning: string | null;
  onRecheck: (refundId: string) => void;
  onMarkNotRefunded: (refundId: string) => void;
  onContinueInKeap: (refundId: string) => void;
  /** Finish a refund started in Keap's newer app on Keap's classic refund screen instead. */
  onUseClassicScreen: (refundId: string) => void;
  onLearn: (refundId: string) => void;
  onStartOver: () => void;
}

const STATE_WORDS: Record<RefundRecord['state'], string> = {
  planned: 'Saved in the refund history, about to start',
  submitting: "Working in Keap's refund screen…",
  unconfirmed: "Sent to Keap; waiting for Keap's API to show it…",
  confirmed: "Refunded — confirmed by Keap's API",
  recorded: 'Recorded in Keap',
  skipped: 'Skipped',
  failed: 'Not refunded',
  'needs-manual': 'Stopped safely — needs you',
};

const LINE_WORDS: Record<NonNullable<RefundRecord['lines'][number]['outcome']>, string> = {
  refunded: 'refunded',
  recorded: 'recorded',
  skipped: 'skipped',
  failed: 'failed',
  voided: 'voided',
  pending: 'not confirmed yet',
};

const WATCH_WORDS: Record<GuidedRefund['watch'], string> = {
  watching: "Refund Desk is watching Keap's API and confirms the refund as soon as it shows.",
  confirmed: "Keap's API shows the refund.",
  ended: 'Refund Desk stopped watching Keap\'s API. When you have finished in Keap, use "Check Keap again".',
};

function GuidedSteps({
  refundId,
  guide,
  learning,
  busy,
  onLearn,
  onUseClassicScreen,
}: {
  refundId: string;
  guide: GuidedRefund;
  learning: boolean;
  busy: boolean;
  onLearn: (refundId: string) => void;
  onUseClassicScreen: (refundId: string) => void;
}) {
  const next = guide.items.find((item) => !item.done);
  return (
    <div className="guided">
      <h3>On Keap's refund screen</h3>
      {guide.items.length === 0 ? (
        <p className="help">Keap's refund screen opened in a tab: this list follows you as you work there.</p>
      ) : (
        <ol className="checklist" aria-label="Steps on Keap's screen">
          {guide.items.map((item) => (
            <li key={item.id} className={item.done ? 'done' : item === next ? 'next' : undefined} aria-current={item === next ? 'step' : undefined}>
              <input type="checkbox" disabled checked={item.done} aria-label={item.text} />
              <span aria-hidden="true">{item.text}</span>
            </li>
          ))}
        </ol>
      )}
      <p className="watch">{WATCH_WORDS[guide.watch]}</p>
      {guide.classicScreen && (
        <div className="classic-screen">
          <p>This refund goes through Keap's newer app, which may refund whole payments only. Keap's classic refund screen can refund part of a payment.</p>
          <button type="button" disabled={busy} onClick={() => onUseClassicScreen(refundId)}>
            Use Keap's classic refund screen
          </button>
        </div>
      )}
      {guide.learnable && (
        <div className="learn">
          <p>Refund Desk did not know {LEARN_SLOT_DESCRIPTIONS[guide.learnable]}. Show it once and it will know it next time in this Keap app.</p>
          <button type="button" disabled={busy || learning} onClick={() => onLearn(refundId)}>
            {learning ? 'Now click that control on Keap’s screen…' : 'Show Refund Desk this control'}
          </button>
        </div>
      )}
    </div>
  );
}

/** Step three: each payment's progress as the journal records it, then the result. Presentational. */
export function RefundProgress(props: RefundProgressProps) {
  const { records, guided, summary, busyRecordId, actionError, learning } = props;
  return (
    <section aria-labelledby="progress-heading">
      <h2 id="progress-heading">Refund progress</h2>
      {records.map((record) => {
        const guide = guided[record.id];
        const busy = busyRecordId === record.id;
        return (
          <article key={record.id} className={`progress state-${record.state}`} aria-label={`Refund of order #${record.orderId}`}>
            <p className="state">{STATE_WORDS[record.state]}</p>
            <ul>
              {record.lines.map((line) => (
                <li key={line.paymentId}>
                  Payment #{line.paymentId}: {formatMoney(line.amountMinor, line.currency)}
                  {line.channel === 'manual' ? ' (manual refund)' : ''} — {line.outcome ? LINE_WORDS[line.outcome] : 'in progress'}
                  {line.detail ? ` (${line.detail})` : ''}
                </li>
              ))}
            </ul>
            {record.state === 'needs-manual' && (
              <div className="needs-you">
                <p>{record.error?.message}</p>
                {guide ? (
                  <GuidedSteps
                    refundId={record.id}
                    guide={guide}
                    learning={learning === record.id}
                    busy={busy}
                    onLearn={props.onLearn}
                    onUseClassicScreen={props.onUseClassicScreen}
                  />
                ) : (
                  <button type="button" disabled={busy} onClick={() => props.onContinueInKeap(record.id)}>
                    Continue in Keap
                  </button>
                )}
                <div className="actions">
                  <button type="button" disabled={busy} onClick={() => props.onRecheck(record.id)}>
                    Check Keap again
                  </button>
                  <button type="button" disabled={busy} onClick={() => props.onMarkNotRefunded(record.id)}>
                    No refund was made
                  </button>
                </div>
              </div>
            )}
            {record.state !== 'needs-manual' && record.error && <p className="detail">{record.error.message}</p>}
          </article>
        );
      })}
      {actionError && (
        <p className="field-error" role="alert">
          {actionError}
        </p>
      )}
      <p role="status" className="summary">
        {summary}
      </p>
      {summary && (
        <button type="button" onClick={props.onStartOver}>
          Refund another order
        </button>
      )}
    </section>
  );
}
