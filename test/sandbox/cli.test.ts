import { spawn } from 'node:child_process';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { V2_AVAILABILITIES } from './api-v2';
import { NEWER_APP_FORMS } from './newer-app-forms';
import { SCREEN_FORMS } from './screen-forms';
import { SEED } from './seed';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

interface RunningCli {
  lines: Record<string, string>;
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

function spawnCli(env: Record<string, string>, args: string[]) {
  return spawn(TSX, ['test/sandbox/cli.ts', ...args], { cwd: REPO_ROOT, env: { ...process.env, SANDBOX_PORT: '0', ...env } });
}

/** Starts the CLI on a free port and resolves once it has printed its lines (the last is `origin`). */
function startCli(env: Record<string, string>, args: string[] = []): Promise<RunningCli> {
  const child = spawnCli(env, args);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let output = '';
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
    child.once('exit', (code) => reject(new Error(`CLI exited early (${code}): ${errors}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const lines = Object.fromEntries(
        output
          .split('\n')
          .filter((line) => line.includes(': '))
          .map((line) => [line.slice(0, line.indexOf(': ')), line.slice(line.indexOf(': ') + 2)]),
      );
      if (lines.origin === undefined) return;
      resolve({
        lines,
        stop: (signal) => {
          child.kill(signal);
          return exited;
        },
      });
    });
  });
}

function httpsStatus(url: string): Promise<{ status: number; altNames: string }> {
  return new Promise((resolve, reject) => {
    const request = https.get(url, { rejectUnauthorized: false }, (response) => {
      response.resume();
      const socket = response.socket as TLSSocket;
      resolve({ status: response.statusCode ?? 0, altNames: socket.getPeerCertificate().subjectaltname ?? '' });
    });
    request.on('error', reject);
  });
}

describe('npm run sandbox (cli.ts)', () => {
  it('serves HTTPS by default, prints Keap hosts, and exits 0 on SIGTERM', async () => {
    const cli = await startCli({});
    expect(cli.lines).toMatchObject({
      app: 'https://refunddemo.infusionsoft.com',
      api: 'https://api.infusionsoft.com/crm/rest',
      key: SEED.apiKey,
      contact: String(SEED.contacts.demo),
      'classic-contact': `https://refunddemo.infusionsoft.com/Contact/manageContact.jsp?view=edit&ID=${SEED.contacts.demo}`,
      'newer-contact': `https://keap.app/contacts/list/all/contact/${SEED.contacts.demo}/activity`,
      screen: 'dialog',
      'newer-app': 'cards',
      v2: 'served',
    });
    const answer = await httpsStatus(`${cli.lines.origin}/__sandbox/stats`);
    expect(answer.status).toBe(200);
    expect(answer.altNames).toContain('DNS:*.infusionsoft.com');
    expect(answer.altNames).toContain('DNS:api.keap.com');
    expect(answer.altNames).toContain('DNS:keap.app');
    expect(answer.altNames).toContain('DNS:infusionsoft.app');
    expect(await cli.stop('SIGTERM')).toBe(0);
  });

  it('serves plain HTTP with SANDBOX_TLS=0 and exits 0 on SIGINT', async () => {
    const cli = await startCli({ SANDBOX_TLS: '0' });
    expect(cli.lines.app).toBe(cli.lines.origin);
    expect(cli.lines.api).toBe(`${cli.lines.origin}/crm/rest`);
    expect(cli.lines['newer-contact']).toBe(`http://keap.app:${new URL(cli.lines.origin ?? '').port}/contacts/list/all/contact/${SEED.contacts.demo}/activity`);
    const response = await fetch(`${cli.lines.api}/v1/account/profile`, { headers: { 'X-Keap-API-Key': SEED.apiKey } });
    expect(response.status).toBe(200);
    expect(await cli.stop('SIGINT')).toBe(0);
  });

  it.each([{ args: ['--screen', 'jquery'] }, { args: ['--screen=jquery'] }])('$args draws the refund screen in the jquery form', async ({ args }) => {
    const cli = await startCli({ SANDBOX_TLS: '0' }, args);
    expect(cli.lines.screen).toBe('jquery');
    expect(await (await fetch(`${cli.lines.origin}/__sandbox/screen`)).json()).toEqual({ form: 'jquery' });
    expect(await cli.stop('SIGTERM')).toBe(0);
  });

  it.each([{ args: ['--newer-app', 'table'] }, { args: ['--newer-app=table'] }])('$args draws the newer app in the table form', async ({ args }) => {
    const cli = await startCli({ SANDBOX_TLS: '0' }, args);
    expect(cli.lines['newer-app']).toBe('table');
    expect(cli.lines.screen).toBe('dialog');
    expect(await (await fetch(`${cli.lines.origin}/__sandbox/newer-app`)).json()).toEqual({ form: 'table' });
    expect(await cli.stop('SIGTERM')).toBe(0);
  });

  it('--v2 not-implemented makes the account "v1 only": v2 routes answer 501, v1 still answers', async () => {
    const cli = await startCli({ SANDBOX_TLS: '0' }, ['--v2', 'not-implemented']);
    expect(cli.lines.v2).toBe('not-implemented');
    const headers = { 'X-Keap-API-Key': SEED.apiKey };
    expect((await fetch(`${cli.lines.api}/v2/orders`, { headers })).status).toBe(501);
    expect((await fetch(`${cli.lines.api}/v1/orders`, { headers })).status).toBe(200);
    expect(await (await fetch(`${cli.lines.origin}/__sandbox/v2`)).json()).toEqual({ v2: 'not-implemented' });
    expect(await cli.stop('SIGTERM')).toBe(0);
  });

  it('exits 2 on an unknown v2 availability, naming the ones it knows', async () => {
    const child = spawnCli({ SANDBOX_TLS: '0' }, ['--v2', 'maybe']);
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(errors).toContain('"maybe"');
    for (const name of V2_AVAILABILITIES) expect(errors).toContain(name);
  });

  it('exits 2 on an unknown newer app form, naming the forms it knows', async () => {
    const child = spawnCli({ SANDBOX_TLS: '0' }, ['--newer-app', 'grid']);
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(errors).toContain('"grid"');
    for (const name of NEWER_APP_FORMS) expect(errors).toContain(name);
  });

  it('exits 2 on an unknown form, naming the forms it knows', async () => {
    const child = spawnCli({ SANDBOX_TLS: '0' }, ['--screen', 'popover']);
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(errors).toContain('"popover"');
    for (const name of SCREEN_FORMS) expect(errors).toContain(name);
  });
});
