import { startOncePerPage } from '@/lib/page/serve-refund-page';
import { followRefundScreen } from '@/lib/page/refund-screen/guide';
import { pickCandidates } from '@/lib/page/refund-screen/pick';
import { walkRefundScreen } from '@/lib/page/refund-screen/walk';

/** Injected by the background into the tabs of a refund it carries out, wherever Keap draws its classic refund screen. */
export default defineContentScript({
  registration: 'runtime',
  main(ctx) {
    startOncePerPage(ctx, { walk: walkRefundScreen, follow: followRefundScreen, pickCandidates });
  },
});
