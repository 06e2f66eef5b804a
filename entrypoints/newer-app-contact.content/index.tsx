import { NEWER_APP_CONTACT_SCRIPT_MATCHES } from '@/lib/keap-hosts';
import { runRefundsPanel } from '../content/contact-panel';
import { newerAppContactPage } from './newer-app-contact-page';

/** The Refunds panel on the newer app's contact record, the same panel as on classic pages. */
export default defineContentScript({
  matches: NEWER_APP_CONTACT_SCRIPT_MATCHES,
  runAt: 'document_idle',
  main(ctx) {
    runRefundsPanel(newerAppContactPage, ctx.signal);
  },
});
