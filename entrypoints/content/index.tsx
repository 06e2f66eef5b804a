import { CONTENT_SCRIPT_MATCHES } from '@/lib/keap-hosts';
import { runContactPanel } from './contact-panel';

export default defineContentScript({
  matches: CONTENT_SCRIPT_MATCHES,
  runAt: 'document_idle',
  main(ctx) {
    const controller = new AbortController();
    ctx.onInvalidated(() => controller.abort());
    runContactPanel({ signal: controller.signal });
  },
});
