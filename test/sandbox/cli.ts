import { SCREEN_FORMS, screenFormSchema } from './screen-forms';
import { startSandbox } from './server';

/**
 * `npm run sandbox [-- --screen NAME]`: the sandbox on SANDBOX_PORT (default 8443), HTTPS unless
 * SANDBOX_TLS=0, drawing Keap's refund screen in the form NAME (default `dialog`, see
 * screen-forms.ts). With TLS the printed app and API URLs are Keap's own hosts, which a browser
 * reaches through `--host-resolver-rules="MAP *.infusionsoft.com 127.0.0.1:PORT, MAP api.keap.com 127.0.0.1:PORT"`.
 */

/** The value of `--screen NAME` or `--screen=NAME`, if given. */
function screenArgument(args: string[]): string | undefined {
  const index = args.findIndex((arg) => arg === '--screen' || arg.startsWith('--screen='));
  if (index === -1) return undefined;
  const arg = args[index] ?? '';
  return arg === '--screen' ? (args[index + 1] ?? '') : arg.slice('--screen='.length);
}

const requestedScreen = screenArgument(process.argv.slice(2));
const screen = screenFormSchema.safeParse(requestedScreen ?? 'dialog');
if (!screen.success) {
  process.stderr.write(`Unknown screen form "${requestedScreen}"; one of: ${SCREEN_FORMS.join(', ')}\n`);
  process.exit(2);
}

const port = Number(process.env.SANDBOX_PORT ?? '8443');
const tls = process.env.SANDBOX_TLS !== '0';
const sandbox = await startSandbox({ port, tls, screenForm: screen.data });
const appBase = tls ? `https://${sandbox.state.appName}.infusionsoft.com` : sandbox.appBase;
const apiBase = tls ? 'https://api.infusionsoft.com/crm/rest' : sandbox.apiBase;

process.stdout.write(
  [`app: ${appBase}`, `api: ${apiBase}`, `key: ${sandbox.apiKey}`, `contact: ${sandbox.demoContactId}`, `screen: ${sandbox.screenForm()}`, `origin: ${sandbox.origin}`].join('\n') +
    '\n',
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
