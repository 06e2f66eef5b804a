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
      <h2 id="picker-heading">Choose an order of contact #{contactId}</h2>
      {refundable.length === 0 ? (
        <p>This contact has no order with money left to refund.</p>
      ) : (
        <ul className="picker">
          {refundable.map((order) => (
            <li key={order.orderId}>
              <button type="button" onClick={() => onPick(order.orderId)}>
                <span className="picker-title">
                  Order #{order.orderId} · {order.title}
                </span>
                <span className="picker-meta">
                  {order.orderDate} · {formatMoney(order.summary.refundableNowMinor, order.summary.currency)} refundable
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
