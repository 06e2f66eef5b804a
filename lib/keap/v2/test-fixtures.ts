/** Keap v2 JSON as the API sends it (ids as text, CurrencyValue totals), for tests of the v2 client and mapping. */

function currencyValueJson(amount: number): Record<string, unknown> {
  return { amount, currency_code: 'USD', formatted_amount: `$${(amount / 100).toFixed(2)}` };
}

export function orderV2Json(id: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: String(id),
    title: `Order ${id}`,
    status: 'PAID',
    total: currencyValueJson(6000),
    total_paid: currencyValueJson(6000),
    total_due: currencyValueJson(0),
    refund_total: currencyValueJson(0),
    order_time: '2025-01-10T15:00:00Z',
    creation_time: '2025-01-10T15:00:00Z',
    contact: { id: '42', given_name: 'Ada', family_name: 'Lovelace', email: 'ada@example.com' },
    order_items: [{ id: String(id * 10), name: 'Course', quantity: 1, price_per_unit: currencyValueJson(6000) }],
    invoice_number: String(id + 10_000),
    ...overrides,
  };
}

/** An order payment; its `amount` in cents unless `overrides` say otherwise. */
export function invoiceOrderPaymentJson(id: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: String(id),
    amount: 6000,
    invoice_id: '500',
    payment_id: String(9000 + id),
    pay_time: '2025-01-10T15:00:05Z',
    pay_status: 'APPROVED',
    last_updated_time: '2025-01-10T15:00:05Z',
    skip_commission: false,
    ...overrides,
  };
}

/** A charge of $60.00 through merchant account 1; its `amount` a decimal unless `overrides` say otherwise. */
export function transactionV2Json(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    amount: 60,
    status: 'APPROVED',
    order_ids: ['1'],
    contact_id: '42',
    transaction_method: 'CAPTURE',
    transaction_time: '2025-01-10T15:00:05Z',
    payment_id: '9001',
    is_successful: true,
    merchant_account_id: '1',
    merchant_account_type: 'STRIPE',
    ...overrides,
  };
}

export const merchantsV2Json = {
  default_merchant_account_id: '1',
  merchant_accounts: [
    { id: '1', name: 'Stripe main', type: 'STRIPE', is_test: false },
    { id: '2', name: 'PayPal shop', type: 'PAYPAL', is_test: false },
    { id: '3', name: 'Stripe sandbox', type: 'STRIPE', is_test: true },
  ],
  next_page_token: '',
};
