import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createKeapClient } from '@/lib/keap/client';
import { createRateLimiter } from '@/lib/keap/rate-limiter';
import { actorOf } from '@/lib/refund/actor';
import { startSandbox, type Sandbox } from '@/test/sandbox/server';
import { SEED } from '@/test/sandbox/seed';

/** Who made a refund, asked of the sandbox Keap CRM over real HTTP. */

const USERINFO_PATH = '/crm/rest/v1/oauth/connect/userinfo';

describe('actorOf against the sandbox', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.reset();
  });

  function clientFor(apiKey: string = sandbox.apiKey) {
    return createKeapClient({ apiKey, baseUrl: sandbox.apiBase, limiter: createRateLimiter(), maxRetries: 0 });
  }

  it('names the Keap user the key belongs to, over the name given in options, with one request', async () => {
    expect(await actorOf(clientFor(), 'Sam from options')).toEqual({
      name: 'Riley Admin',
      email: 'riley.admin@refunddemo.example.com',
      source: 'keap-user',
    });
    expect(sandbox.stats().byPath[USERINFO_PATH]).toBe(1);
  });

  it('follows what the sandbox’s user is called (not a fixed name)', async () => {
    sandbox.state.user.givenName = '  Jo ';
    sandbox.state.user.familyName = '';
    sandbox.state.user.email = 'jo@refunddemo.example.com';
    expect(await actorOf(clientFor(), '')).toEqual({ name: 'Jo', email: 'jo@refunddemo.example.com', source: 'keap-user' });
  });

  it('keeps a user whose name has markup as the text it is', async () => {
    sandbox.state.user.givenName = '<img src=x onerror=alert(1)>';
    sandbox.state.user.familyName = '& "Co"';
    expect((await actorOf(clientFor(), '')).name).toBe('<img src=x onerror=alert(1)> & "Co"');
  });

  it('when the key does not answer user info (fault userInfoUnavailable): the name given in options, trimmed, no email', async () => {
    sandbox.setFaults({ userInfoUnavailable: true });
    expect(await actorOf(clientFor(), '  Sam Refunder \n')).toEqual({ name: 'Sam Refunder', email: '', source: 'options' });
    expect(sandbox.stats().byPath[USERINFO_PATH]).toBe(1);
  });

  it('when the key does not answer user info and no name was given: unknown', async () => {
    sandbox.setFaults({ userInfoUnavailable: true });
    expect(await actorOf(clientFor(), '')).toEqual({ name: '', email: '', source: 'unknown' });
    expect(await actorOf(clientFor(), '   ')).toEqual({ name: '', email: '', source: 'unknown' });
  });

  it('a key refused user info like other endpoints (403 read-only, 401 wrong) falls back to options', async () => {
    expect(await actorOf(clientFor(SEED.readOnlyApiKey), 'Sam')).toEqual({ name: 'Sam', email: '', source: 'options' });
    expect(await actorOf(clientFor('KeapAK-wrong'), 'Sam')).toEqual({ name: 'Sam', email: '', source: 'options' });
  });

  it('user info that names no one (empty names and email) falls back to options', async () => {
    sandbox.state.user.givenName = ' ';
    sandbox.state.user.familyName = '';
    sandbox.state.user.email = '';
    expect(await actorOf(clientFor(), 'Sam')).toEqual({ name: 'Sam', email: '', source: 'options' });
  });

  it('an email alone is enough to name the Keap user', async () => {
    sandbox.state.user.givenName = '';
    sandbox.state.user.familyName = '';
    expect(await actorOf(clientFor(), 'Sam')).toEqual({ name: '', email: 'riley.admin@refunddemo.example.com', source: 'keap-user' });
  });

  it('a Keap that answers broken JSON or not at all falls back to options', async () => {
    sandbox.setFaults({ malformedJson: { count: 1 } });
    expect(await actorOf(clientFor(), 'Sam')).toEqual({ name: 'Sam', email: '', source: 'options' });
    sandbox.setFaults({ droppedConnections: { count: 1 } });
    expect(await actorOf(clientFor(), 'Sam')).toEqual({ name: 'Sam', email: '', source: 'options' });
  });
});
