import { CLASSIC_CONTACT_SCRIPT_MATCHES } from '@/lib/keap-hosts';
import { classicContactPage } from './classic-contact-page';
import { runRefundsPanel } from './contact-panel';

/** The Refunds panel on the classic app's contact record; the newer app's has its own script. */
export default defineContentScript({
  matches: CLASSIC_CONTACT_SCRIPT_MATCHES,
  runAt: 'document_idle',
  main(ctx) {
    runRefundsPanel(classicContactPage, ctx.signal);
  },
});
