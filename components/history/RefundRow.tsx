import { i18n } from '#i18n';
import { classicAppOrigin, classicContactUrl } from '@/lib/keap-hosts';
import { madeByOf } from '@/lib/audit/query';
import type { RefundRecord } from '@/lib/audit/schema';
import { formatMoney } from '@/lib/money';
import { formatWhen } from './format';
import { STATE_WORDS } from './states';

/** The first sentence of a message, cut to one line: the whole of it is in the side panel and the title. */
const ONE_LINE = 110;
function oneLine(message: string): string {
  const sentence = /^.*?[.!?](?=\s|$)/.exec(message)?.[0] ?? message;
  return sentence.length <= ONE_LINE ? sentence : `${sentence.slice(0, ONE_LINE - 1).trimEnd()}…`;
}

export interface RefundRowProps {
  record: RefundRecord;
  /** Opens the side panel on a refund that needs the person. */
  onContinue: (refundId: string) => void;
}

export function RefundRow({ record, onContinue }: RefundRowProps) {
  const { word, tone } = STATE_WORDS[record.state];
  const currency = record.lines[0]?.currency ?? 'USD';
  const actor = madeByOf(record);
  return (
    <li className="refund-row">
      <div className="refund-row__top">
        <a
          className="refund-row__contact"
          href={classicContactUrl(classicAppOrigin(record.appName), record.contact.id)}
          target="_blank"
          rel="noreferrer"
          title={i18n.t('history.row.openContact', [record.contact.name])}
        >
          {record.contact.name || record.contact.email}
        </a>
        <span className="refund-row__amount">{formatMoney(record.totalMinor, currency)}</span>
      </div>
      <div className="refund-row__meta">
        <time dateTime={new Date(record.createdAt).toISOString()}>{formatWhen(record.createdAt)}</time>
        <span>{i18n.t('history.row.order', [record.orderId])}</span>
        {actor !== '' ? <span className="refund-row__actor">{i18n.t('history.row.madeBy', [actor])}</span> : null}
        {record.fromKeap !== undefined ? (
          <span className="refund-row__from-keap" title={i18n.t('history.row.fromKeapTitle', [record.fromKeap.noteId])}>
            {i18n.t('history.row.fromKeap')}
          </span>
        ) : null}
        <span className={`state state--${tone}`}>{word}</span>
      </div>
      <div className="refund-row__reason">{record.reason.details ? `${record.reason.preset}: ${record.reason.details}` : record.reason.preset}</div>
      {record.error !== undefined && record.state !== 'confirmed' && record.state !== 'recorded' ? (
        <div className="refund-row__error" title={record.error.message}>
          {oneLine(record.error.message)}
        </div>
      ) : null}
      {record.state === 'needs-manual' ? (
        <button type="button" className="refund-row__continue" onClick={() => onContinue(record.id)}>
          {i18n.t('history.row.continue')}
        </button>
      ) : null}
    </li>
  );
}
