import { renderContactPage, renderOrderPage, type ContactPageOptions } from './pages';
import { createSeedState, SEED } from './seed';

/** A page as served (`raw`, orders not yet drawn) and as it is after its script ran (`drawn`). */
interface PageFixture {
  raw: string;
  drawn: string;
}

export interface PageFixtures {
  demoContact: PageFixture;
  /** The contract's altered contact markup (orders as a div grid, no table). */
  alteredContact: PageFixture;
  /** Name, order title and note carry markup and non-ASCII text. */
  hostileContact: PageFixture;
  emptyOrdersContact: PageFixture;
  /** The order page draws nothing at load (the refund dialog opens on a click), so raw and drawn match. */
  order: PageFixture;
}

/** HTML of the seeded pages, for page-reader unit tests that need saved copies. */
export function pageFixtures(): PageFixtures {
  const state = createSeedState();
  const contact = (contactId: number, options: ContactPageOptions = {}): PageFixture => {
    const raw = renderContactPage(state, contactId, options);
    const drawn = renderContactPage(state, contactId, { ...options, ordersDrawn: true });
    if (raw === undefined || drawn === undefined) throw new Error(`Seed has no contact ${contactId}`);
    return { raw, drawn };
  };
  const orderHtml = renderOrderPage(state, SEED.orders.twoPayments);
  if (orderHtml === undefined) throw new Error(`Seed has no order ${SEED.orders.twoPayments}`);
  return {
    demoContact: contact(SEED.contacts.demo),
    alteredContact: contact(SEED.contacts.demo, { altered: true }),
    hostileContact: contact(SEED.contacts.hostile),
    emptyOrdersContact: contact(SEED.contacts.noOrders),
    order: { raw: orderHtml, drawn: orderHtml },
  };
}
