import { CONTENT_SCRIPT_MATCHES } from '@/lib/keap-hosts';

export default defineContentScript({
  matches: CONTENT_SCRIPT_MATCHES,
  main() {
    document.documentElement.dataset.refundDesk = 'loaded';
  },
});
