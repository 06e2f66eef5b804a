import { serveRefundScreen } from './serve';

/** Injected by the background into the tabs of a refund it carries out, wherever Keap draws its refund screen. */
export default defineContentScript({
  registration: 'runtime',
  main(ctx) {
    // The background injects on every page load of the refund's tabs; a second injection into the same page adds nothing.
    const marker = globalThis as { refundDeskRefundScreen?: true };
    if (marker.refundDeskRefundScreen) return;
    marker.refundDeskRefundScreen = true;
    const controller = new AbortController();
    ctx.onInvalidated(() => controller.abort());
    serveRefundScreen(controller.signal);
  },
});
