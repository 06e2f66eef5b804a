import { startOncePerPage } from '@/lib/page/serve-refund-page';
import { followNewerAppRefund } from '@/lib/page/newer-app-refund/guide';
import { newerAppPickCandidates } from '@/lib/page/newer-app-refund/pick';
import { walkNewerAppRefund } from '@/lib/page/newer-app-refund/walk';

/**
 * Injected by the background into the tab of a refund it makes through the newer Keap app's own
 * flow, on the contact record. A script of its own: with the Refunds panel's script on the same
 * page, the classic driver as well would pass the 60 KiB a Keap page may be given.
 */
export default defineContentScript({
  registration: 'runtime',
  main(ctx) {
    startOncePerPage(ctx, { walk: walkNewerAppRefund, follow: followNewerAppRefund, pickCandidates: newerAppPickCandidates });
  },
});
