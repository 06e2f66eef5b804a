import { i18n } from '#i18n';
import { formatMoney } from '@/lib/money';
import type { ContactOrderRow } from '@/lib/messaging/contact-page-messages';

export interface OrderPickerProps {
  contactId: number;
  orders: ContactOrderRow[];
  onPick: (orderId: number) => void;
}

/** Lists the current contact's orders when the side panel was opened without one. */
export function OrderPicker({ contactId, orders, onPick }: OrderPickerProps) {
  const refundable = orders.filter((order) => order.summary.refundableNowMinor > 0);
  return (
    <section aria-labelledby="picker-heading">
      <h2 id="picker-heading">{i18n.t('refundFlow.picker.heading', [contactId])}</h2>
      {refundable.length === 0 ? (
        <p>{i18n.t('refundFlow.picker.noRefundableOrders')}</p>
      ) : (
        <ul className="picker">
          {refundable.map((order) => (
            <li key={order.orderId}>
              <button type="button" onClick={() => onPick(order.orderId)}>
                <span className="picker-title">{i18n.t('refundFlow.picker.orderTitle', [order.orderId, order.title])}</span>
                <span className="picker-meta">
                  {i18n.t('refundFlow.picker.orderMeta', [order.orderDate ?? '', formatMoney(order.summary.refundableNowMinor, order.summary.currency)])}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
