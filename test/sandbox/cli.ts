import { startSandbox } from './server';

/**
 * `npm run sandbox`: the sandbox on SANDBOX_PORT (default 8443), HTTPS unless SANDBOX_TLS=0.
 * With TLS the printed app and API URLs are Keap's own hosts, which a browser reaches through
 * `--host-resolver-rules="MAP *.infusionsoft.com 127.0.0.1:PORT, MAP api.keap.com 127.0.0.1:PORT"`.
 */
const port = Number(process.env.SANDBOX_PORT ?? '8443');
const tls = process.env.SANDBOX_TLS !== '0';
const sandbox = await startSandbox({ port, tls });
const appBase = tls ? `https://${sandbox.state.appName}.infusionsoft.com` : sandbox.appBase;
const apiBase = tls ? 'https://api.infusionsoft.com/crm/rest' : sandbox.apiBase;

process.stdout.write(
  [`app: ${appBase}`, `api: ${apiBase}`, `key: ${sandbox.apiKey}`, `contact: ${sandbox.demoContactId}`, `origin: ${sandbox.origin}`].join('\n') + '\n',
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
