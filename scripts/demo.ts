import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { NEWER_APP_ORIGIN, newerAppContactPath } from '../test/sandbox/newer-app';
import { startSandbox } from '../test/sandbox/server';
import { SEED } from '../test/sandbox/seed';
import { chromiumPath } from '../test/e2e/chromium';
import { APP_ORIGIN, configureExtension, contactPath, type ExtensionBrowser, launchExtensionBrowser } from '../test/e2e/harness';
import { WALKTHROUGH_REFUND, walkThroughRefund } from '../test/e2e/walkthrough';

/**
 * `npm run demo [-- --ui classic|new]`: the sandbox Keap CRM over HTTPS and Chromium with the
 * production build, mapped onto Keap's hosts (keap.app among them, by the harness's
 * host-resolver rules). With a display it opens the demo contact, in the classic app or with
 * `--ui new` in the newer app on keap.app, and waits for Ctrl+C; without one it walks through a
 * refund headless in the classic app and saves a screenshot of each step.
 */
const DEFAULT_OUT_DIR = fileURLToPath(new URL('../demo-output', import.meta.url));

const { values: args } = parseArgs({ options: { out: { type: 'string' }, ui: { type: 'string', default: 'classic' } } });
const outDir = resolve(args.out ?? DEFAULT_OUT_DIR);
const headed = Boolean(process.env.DISPLAY);
const ui = z.enum(['classic', 'new']).safeParse(args.ui);
if (!ui.success) {
  process.stderr.write(`Unknown --ui "${args.ui}"; one of: classic, new\n`);
  process.exit(2);
}

try {
  process.stdout.write(`browser: ${chromiumPath()}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

const sandbox = await startSandbox({ tls: true, port: 0 });
process.stdout.write(
  [`app: ${APP_ORIGIN}`, 'api: https://api.infusionsoft.com/crm/rest', `key: ${sandbox.apiKey}`, `origin: ${sandbox.origin} (Chromium reaches Keap's hosts here)`].join('\n') +
    '\n',
);

let browser: ExtensionBrowser | undefined;
let stopping: Promise<never> | undefined;
/** Closes Chromium (removing its throwaway profile) and the sandbox once, however many ways we are asked to stop. */
function stop(exitCode: number): Promise<never> {
  stopping ??= (async () => {
    await browser?.close({ removeProfile: true }).catch(() => undefined);
    await sandbox.close();
    process.exit(exitCode);
  })();
  return stopping;
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  browser = await launchExtensionBrowser(sandbox, { headless: !headed });
  await configureExtension(browser, { apiKey: sandbox.apiKey });
  if (headed) {
    const newUi = ui.data === 'new';
    const contactUrl = newUi ? `${NEWER_APP_ORIGIN}${newerAppContactPath(sandbox.demoContactId)}` : `${APP_ORIGIN}${contactPath(sandbox.demoContactId)}`;
    if (newUi) await (await browser.context.newPage()).goto(contactUrl);
    else await browser.keapPage(contactPath(sandbox.demoContactId));
    for (const page of browser.context.pages()) if (page.url() === 'about:blank') await page.close();
    // Closing the window ends the demo as Ctrl+C does.
    browser.context.on('close', () => void stop(0));
    process.stdout.write(
      [
        `contact: ${contactUrl}`,
        '',
        `Chromium is open on Dana Whitfield’s contact record in the sandbox Keap${newUi ? '’s newer app' : ''}, with the API key set.`,
        `1. In the Refunds panel, click "Refund order #${SEED.orders.twoPayments}": the side panel opens on that order.`,
        `2. Tick payment #${WALKTHROUGH_REFUND.paymentId}, change the amount if you like, choose a reason, click "Review refund".`,
        '3. Click "Confirm refund of $…": Refund Desk works through Keap’s refund screen in a background tab',
        '   and reports the refund once Keap’s API shows it.',
        '4. Click the Refund Desk icon in the toolbar (under the puzzle piece) for the refund history.',
        '',
        'Press Ctrl+C here to stop Chromium and the sandbox.',
      ].join('\n') + '\n',
    );
  } else {
    if (ui.data === 'new') process.stdout.write('No display: the headless walkthrough goes through the classic app; --ui new applies with a display.\n');
    const files = await walkThroughRefund(browser, sandbox, outDir);
    process.stdout.write(`No display: walked through a refund headless and saved ${files.length} screenshots in\n${outDir}\n`);
    await stop(0);
  }
} catch (error) {
  process.stderr.write(`The demo stopped: ${error instanceof Error ? error.message : String(error)}\n`);
  await stop(1);
}
