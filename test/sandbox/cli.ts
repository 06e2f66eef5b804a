import { V2_AVAILABILITIES, v2AvailabilitySchema } from './api-v2';
import { NEWER_APP_ORIGIN, newerAppContactPath } from './newer-app';
import { NEWER_APP_FORMS, newerAppFormSchema } from './newer-app-forms';
import { SCREEN_FORMS, screenFormSchema } from './screen-forms';
import { startSandbox } from './server';

/**
 * `npm run sandbox [-- --screen NAME] [-- --newer-app NAME] [-- --v2 AVAILABILITY]`: the sandbox on
 * SANDBOX_PORT (default 8443), HTTPS unless SANDBOX_TLS=0, drawing Keap's refund screen in the form
 * NAME (default `dialog`, see screen-forms.ts) and Keap's newer app in the form NAME (default
 * `cards`, see newer-app-forms.ts), serving REST v2 or answering it 404 or 501 ("v1 only",
 * `served`, `not-found` or `not-implemented`; default `served`, see api-v2.ts). With TLS the printed URLs are Keap's own hosts, which a browser reaches
 * through `--host-resolver-rules="MAP *.infusionsoft.com 127.0.0.1:PORT, MAP api.keap.com 127.0.0.1:PORT, MAP keap.app 127.0.0.1:PORT"`.
 */

/** The value of `--NAME VALUE` or `--NAME=VALUE`, if given. */
function optionValue(args: string[], name: string): string | undefined {
  const flag = `--${name}`;
  const index = args.findIndex((arg) => arg === flag || arg.startsWith(`${flag}=`));
  if (index === -1) return undefined;
  const arg = args[index] ?? '';
  return arg === flag ? (args[index + 1] ?? '') : arg.slice(flag.length + 1);
}

const args = process.argv.slice(2);
const requestedScreen = optionValue(args, 'screen');
const screen = screenFormSchema.safeParse(requestedScreen ?? 'dialog');
if (!screen.success) {
  process.stderr.write(`Unknown screen form "${requestedScreen}"; one of: ${SCREEN_FORMS.join(', ')}\n`);
  process.exit(2);
}
const requestedNewerApp = optionValue(args, 'newer-app');
const newerApp = newerAppFormSchema.safeParse(requestedNewerApp ?? 'cards');
if (!newerApp.success) {
  process.stderr.write(`Unknown newer app form "${requestedNewerApp}"; one of: ${NEWER_APP_FORMS.join(', ')}\n`);
  process.exit(2);
}

const requestedV2 = optionValue(args, 'v2');
const v2 = v2AvailabilitySchema.safeParse(requestedV2 ?? 'served');
if (!v2.success) {
  process.stderr.write(`Unknown v2 availability "${requestedV2}"; one of: ${V2_AVAILABILITIES.join(', ')}\n`);
  process.exit(2);
}

const port = Number(process.env.SANDBOX_PORT ?? '8443');
const tls = process.env.SANDBOX_TLS !== '0';
const sandbox = await startSandbox({ port, tls, screenForm: screen.data, newerAppForm: newerApp.data, v2: v2.data });
const appBase = tls ? `https://${sandbox.state.appName}.infusionsoft.com` : sandbox.appBase;
const apiBase = tls ? 'https://api.infusionsoft.com/crm/rest' : sandbox.apiBase;
// The newer app answers by Host only, so even over plain HTTP its URL names keap.app.
const newerAppBase = tls ? NEWER_APP_ORIGIN : `http://keap.app:${sandbox.port}`;

process.stdout.write(
  [
    `app: ${appBase}`,
    `api: ${apiBase}`,
    `key: ${sandbox.apiKey}`,
    `contact: ${sandbox.demoContactId}`,
    `classic-contact: ${appBase}/Contact/manageContact.jsp?view=edit&ID=${sandbox.demoContactId}`,
    `newer-contact: ${newerAppBase}${newerAppContactPath(sandbox.demoContactId)}`,
    `screen: ${sandbox.screenForm()}`,
    `newer-app: ${sandbox.newerAppForm()}`,
    `v2: ${sandbox.v2()}`,
    `origin: ${sandbox.origin}`,
  ].join('\n') + '\n',
);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await sandbox.close();
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
