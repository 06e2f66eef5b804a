import { classicAppOrigin, classicContactUrl } from '@/lib/keap-hosts';
import type { RefundRecord } from '@/lib/audit/schema';
import { formatMoney } from '@/lib/money';
import { formatWhen } from './format';
import { STATE_WORDS } from './states';

export function RefundRow({ record }: { record: RefundRecord }) {
  const { word, tone } = STATE_WORDS[record.state];
  const currency = record.lines[0]?.currency ?? 'USD';
  return (
    <li className="refund-row">
      <div className="refund-row__top">
        <a
          className="refund-row__contact"
          href={classicContactUrl(classicAppOrigin(record.appName), record.contact.id)}
          target="_blank"
          rel="noreferrer"
          title={`Open ${record.contact.name} in Keap`}
        >
          {record.contact.name || record.contact.email}
        </a>
        <span className="refund-row__amount">{formatMoney(record.totalMinor, currency)}</span>
      </div>
      <div className="refund-row__meta">
        <time dateTime={new Date(record.createdAt).toISOString()}>{formatWhen(record.createdAt)}</time>
        <span>Order {record.orderId}</span>
        <span className={`state state--${tone}`}>{word}</span>
      </div>
      <div className="refund-row__reason">{record.reason.details ? `${record.reason.preset}: ${record.reason.details}` : record.reason.preset}</div>
      {record.error !== undefined && record.state !== 'confirmed' && record.state !== 'recorded' ? (
        <div className="refund-row__error">{record.error.message}</div>
      ) : null}
    </li>
  );
}
