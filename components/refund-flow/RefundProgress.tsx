import { i18n } from '#i18n';
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

type RefundLine = RefundRecord['lines'][number];

const STATE_WORDS: Record<RefundRecord['state'], () => string> = {
  planned: () => i18n.t('refundFlow.progress.state.planned'),
  submitting: () => i18n.t('refundFlow.progress.state.submitting'),
  unconfirmed: () => i18n.t('refundFlow.progress.state.unconfirmed'),
  confirmed: () => i18n.t('refundFlow.progress.state.confirmed'),
  recorded: () => i18n.t('refundFlow.progress.state.recorded'),
  skipped: () => i18n.t('refundFlow.progress.state.skipped'),
  failed: () => i18n.t('refundFlow.progress.state.failed'),
  'needs-manual': () => i18n.t('refundFlow.progress.state.needsManual'),
};

const OUTCOME_WORDS: Record<NonNullable<RefundLine['outcome']>, () => string> = {
  refunded: () => i18n.t('refundFlow.progress.line.refunded'),
  recorded: () => i18n.t('refundFlow.progress.line.recorded'),
  skipped: () => i18n.t('refundFlow.progress.line.skipped'),
  failed: () => i18n.t('refundFlow.progress.line.failed'),
  voided: () => i18n.t('refundFlow.progress.line.voided'),
  pending: () => i18n.t('refundFlow.progress.line.pending'),
};

const WATCH_WORDS: Record<GuidedRefund['watch'], () => string> = {
  watching: () => i18n.t('refundFlow.progress.guided.watching'),
  confirmed: () => i18n.t('refundFlow.progress.guided.watchConfirmed'),
  ended: () => i18n.t('refundFlow.progress.guided.watchEnded'),
};

/** One payment's line: which, how much, and what happened to it. */
function lineText(line: RefundLine): string {
  const outcome = line.outcome ? OUTCOME_WORDS[line.outcome]() : i18n.t('refundFlow.progress.line.inProgress');
  const said = line.detail ? i18n.t('refundFlow.progress.line.withDetail', [outcome, line.detail]) : outcome;
  const figures = [line.paymentId, formatMoney(line.amountMinor, line.currency), said] as const;
  return line.channel === 'manual' ? i18n.t('refundFlow.progress.line.manual', [...figures]) : i18n.t('refundFlow.progress.line.automatic', [...figures]);
}

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
      <h3>{i18n.t('refundFlow.progress.guided.heading')}</h3>
      {guide.items.length === 0 ? (
        <p className="help">{i18n.t('refundFlow.progress.guided.waitingForScreen')}</p>
      ) : (
        <ol className="checklist" aria-label={i18n.t('refundFlow.progress.guided.stepsLabel')}>
          {guide.items.map((item) => (
            <li key={item.id} className={item.done ? 'done' : item === next ? 'next' : undefined} aria-current={item === next ? 'step' : undefined}>
              <input type="checkbox" disabled checked={item.done} aria-label={item.text} />
              <span aria-hidden="true">{item.text}</span>
            </li>
          ))}
        </ol>
      )}
      <p className="watch">{WATCH_WORDS[guide.watch]()}</p>
      {guide.classicScreen && (
        <div className="classic-screen">
          <p>{i18n.t('refundFlow.progress.guided.classicScreenWhy')}</p>
          <button type="button" disabled={busy} onClick={() => onUseClassicScreen(refundId)}>
            {i18n.t('refundFlow.progress.guided.useClassicScreen')}
          </button>
        </div>
      )}
      {guide.learnable && (
        <div className="learn">
          <p>{i18n.t('refundFlow.progress.guided.unknownControl', [LEARN_SLOT_DESCRIPTIONS[guide.learnable]])}</p>
          <button type="button" disabled={busy || learning} onClick={() => onLearn(refundId)}>
            {learning ? i18n.t('refundFlow.progress.guided.clickControlNow') : i18n.t('refundFlow.progress.guided.showControl')}
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
      <h2 id="progress-heading">{i18n.t('refundFlow.progress.heading')}</h2>
      {records.map((record) => {
        const guide = guided[record.id];
        const busy = busyRecordId === record.id;
        return (
          <article key={record.id} className={`progress state-${record.state}`} aria-label={i18n.t('refundFlow.progress.refundLabel', [record.orderId])}>
            <p className="state">{STATE_WORDS[record.state]()}</p>
            <ul>
              {record.lines.map((line) => (
                <li key={line.paymentId}>{lineText(line)}</li>
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
                    {i18n.t('refundFlow.progress.continueInKeap')}
                  </button>
                )}
                <div className="actions">
                  <button type="button" disabled={busy} onClick={() => props.onRecheck(record.id)}>
                    {i18n.t('refundFlow.progress.checkAgain')}
                  </button>
                  <button type="button" disabled={busy} onClick={() => props.onMarkNotRefunded(record.id)}>
                    {i18n.t('refundFlow.progress.noRefundMade')}
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
          {i18n.t('refundFlow.progress.refundAnother')}
        </button>
      )}
    </section>
  );
}
