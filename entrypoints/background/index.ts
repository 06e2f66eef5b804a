import { browser } from 'wxt/browser';
import { startBackgroundService } from '@/lib/service/background';

export default defineBackground(() => {
  startBackgroundService({ id: browser.runtime.id, origin: browser.runtime.getURL('/').replace(/\/$/, '') });
});
