/** Keap v1 JSON as the API sends it (decimals, snake_case), for tests of the client and facts. */

export function orderJson(id: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    title: `Order ${id}`,
    status: 'PAID',
    total: 60,
    total_paid: 60,
    total_due: 0,
    refund_total: 0,
    invoice_number: id + 10_000,
    order_date: '2025-01-10T15:00:00.000Z',
    creation_date: '2025-01-10T15:00:00.000Z',
    contact: { id: 42, first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' },
    order_items: [{ id: id * 10, name: 'Course', quantity: 1, price: 60 }],
    payment_plan: { payment_gateway: { merchant_account_id: 1, merchant_account_name: 'Stripe main' } },
    allow_payment: true,
    ...overrides,
  };
}

export function transactionJson(id: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    amount: 60,
    currency: 'USD',
    status: 'APPROVED',
    type: 'CAPTURE',
    gateway: 'Stripe',
    gateway_account_name: 'Stripe main',
    collection_method: 'AUTOMATIC',
    errors: null,
    test: false,
    transaction_date: '2025-01-10T15:00:05.000Z',
    contact_id: 42,
    order_ids: '1',
    ...overrides,
  };
}

export function invoicePaymentJson(id: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    amount: 60,
    invoice_id: 500,
    payment_id: 9000 + id,
    pay_date: '2025-01-10T15:00:05.000Z',
    pay_status: 'APPROVED',
    note: null,
    last_updated: '2025-01-10T15:00:05.000Z',
    refund_invoice_payment_id: null,
    skip_commission: false,
    ...overrides,
  };
}

export const merchantsJson = {
  default_merchant_account: 1,
  merchant_accounts: [
    { id: 1, account_name: 'Stripe main', type: 'STRIPE', is_test: false },
    { id: 2, account_name: 'PayPal shop', type: 'PAYPAL', is_test: false },
    { id: 3, account_name: 'Stripe sandbox', type: 'STRIPE', is_test: true },
  ],
};
