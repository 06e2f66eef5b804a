import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { answerApi } from './api';
import { answerApiV2, V2_AVAILABILITIES, v2AvailabilitySchema, v2Unavailable, type V2Availability } from './api-v2';
import { FaultBoard, FaultsSchema, type Faults } from './faults';
import { answerNewerAppRequest, isNewerAppHost, NEWER_APP_DATA_PREFIX } from './newer-app';
import { NEWER_APP_FORMS, newerAppFormSchema, type NewerAppForm } from './newer-app-forms';
import { renderNewerAppShell } from './newer-app-shell';
import { renderContactPage, renderOrderPage } from './pages';
import { processRefund, RefundSubmissionSchema } from './refund';
import { answerStepPage, answerStepPost, type StepContext } from './refund-steps';
import { formTraits, resultText, SCREEN_FORMS, screenFormSchema, type ScreenForm } from './screen-forms';
import { createSeedState, SEED } from './seed';
import type { SandboxState } from './state';
import { KEAP_PAT_LIMITS, Throttle, type ThrottleLimits } from './throttle';

export type { Faults } from './faults';

export interface SandboxOptions {
  /** 0 = any free port (default 0). */
  port?: number;
  /** HTTPS with a self-signed certificate for *.infusionsoft.com, api.keap.com, keap.app and infusionsoft.app; default false. */
  tls?: boolean;
  /** Default 10 / 240 / 30000, Keap's limits for a personal access token. */
  throttle?: ThrottleLimits;
  /** Added to every API answer (default 0). */
  latencyMs?: number;
  /** The form Keap's refund screen is drawn in (screen-forms.ts); default 'dialog'. */
  screenForm?: ScreenForm;
  /** The form the newer app (keap.app, newer-app-forms.ts) is drawn in; default 'cards'. */
  newerAppForm?: NewerAppForm;
  /** Whether REST v2 is served, or every v2 route answers 404 or 501 ("v1 only", api-v2.ts); default 'served'. */
  v2?: V2Availability;
}

interface SandboxStats {
  /** Every request except the admin routes: API calls and pages. */
  requests: number;
  /** API answers that were HTTP 429 (throttle or storm fault). */
  throttled: number;
  /** Requests by URL path (no query). */
  byPath: Record<string, number>;
}

export interface Sandbox {
  origin: string;
  port: number;
  apiBase: string;
  appBase: string;
  apiKey: string;
  demoContactId: number;
  state: SandboxState;
  setFaults(faults: Faults): void;
  /** Draws the refund screen (and the pages around it) in another form from the next page on. */
  setScreenForm(form: ScreenForm): void;
  screenForm(): ScreenForm;
  /** Draws the newer app (keap.app) in another form from its next page load on. */
  setNewerAppForm(form: NewerAppForm): void;
  newerAppForm(): NewerAppForm;
  /** Serves REST v2, or makes the account "v1 only" (every v2 route 404 or 501), from the next request on. */
  setV2(availability: V2Availability): void;
  v2(): V2Availability;
  /** Seed data, no faults, zeroed counters, and the screen and newer-app forms and v2 availability the sandbox started with. */
  reset(): void;
  stats(): SandboxStats;
  close(): Promise<void>;
}

const API_PREFIX = '/crm/rest';
const ADMIN_PREFIX = '/__sandbox/';
/** What a key without rights may still read: the account profile, in v1 and v2. */
const PROFILE_PATHS = ['/v1/account/profile', '/v2/businessProfile'];

const INVALID_KEY_BODY = {
  fault: { faultstring: 'Invalid Access Token', detail: { errorcode: 'keymanagement.service.invalid_access_token' } },
};
const THROTTLED_BODY = { code: '429', message: 'Quota Exceeded', status: 'Request Throttled' };

type ServerResponse = http.ServerResponse;

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
  response.end(JSON.stringify(body));
}

function sendHtml(response: ServerResponse, status: number, html: string): void {
  if (response.destroyed) return;
  response.writeHead(status, { 'content-type': 'text/html;charset=UTF-8', 'cache-control': 'no-store' });
  response.end(html);
}

async function readBody(request: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Parsed JSON, or undefined for an empty body; throws on text that is not JSON. */
function parseJsonBody(text: string): unknown {
  return text.trim() === '' ? undefined : JSON.parse(text);
}

async function makeCertificate(): Promise<{ key: string; cert: string }> {
  const pems = await generate([{ name: 'commonName', value: '*.infusionsoft.com' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 30 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: '*.infusionsoft.com' },
          { type: 2, value: 'api.infusionsoft.com' },
          { type: 2, value: 'api.keap.com' },
          { type: 2, value: 'keap.app' },
          { type: 2, value: 'infusionsoft.app' },
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const state = createSeedState();
  const faults = new FaultBoard();
  const throttle = new Throttle(options.throttle ?? KEAP_PAT_LIMITS);
  const latencyMs = options.latencyMs ?? 0;
  const startScreenForm = options.screenForm ?? 'dialog';
  let screenForm: ScreenForm = startScreenForm;
  const startNewerAppForm = options.newerAppForm ?? 'cards';
  let newerAppForm: NewerAppForm = startNewerAppForm;
  const startV2 = options.v2 ?? 'served';
  let v2: V2Availability = startV2;
  let stats: SandboxStats = { requests: 0, throttled: 0, byPath: {} };
  const pendingWaits = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let closing = false;

  /** Resolves after `ms`, or at once when the sandbox closes (then `closing` is true). */
  function wait(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          pendingWaits.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      pendingWaits.add(entry);
    });
  }

  function reset(): void {
    Object.assign(state, createSeedState());
    faults.clear();
    throttle.reset();
    stats = { requests: 0, throttled: 0, byPath: {} };
    screenForm = startScreenForm;
    newerAppForm = startNewerAppForm;
    v2 = startV2;
  }

  async function handleApi(request: http.IncomingMessage, response: ServerResponse, url: URL, requestOrigin: string): Promise<void> {
    const apiPath = url.pathname.slice(API_PREFIX.length);
    await wait(latencyMs + faults.takeDelay());
    if (closing) return;
    const fault = faults.takeApiFault(url.pathname, apiPath);
    if (fault?.kind === 'drop') {
      request.socket.destroy();
      return;
    }
    if (fault?.kind === 'redirect') return sendJson(response, 302, { message: 'Moved' }, { location: fault.location });
    if (fault?.kind === 'server-error') return sendJson(response, 500, { message: 'An unexpected error occurred' });
    if (fault?.kind === 'rate-limit-storm') {
      stats.throttled += 1;
      return sendJson(response, 429, THROTTLED_BODY, { 'retry-after': String(fault.retryAfterSeconds) });
    }
    if (fault?.kind === 'malformed-json') {
      if (response.destroyed) return;
      response.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' });
      response.end('{"count": 3, "orders": [{"id": 5001, "title": "Annual');
      return;
    }

    const key = request.headers['x-keap-api-key'];
    if (key !== SEED.apiKey && key !== SEED.readOnlyApiKey) return sendJson(response, 401, INVALID_KEY_BODY);
    const decision = throttle.take(key, Date.now());
    if (!decision.allowed) {
      stats.throttled += 1;
      return sendJson(response, 429, THROTTLED_BODY, { ...decision.headers, 'retry-after': String(decision.retryAfterSeconds) });
    }
    const method = request.method ?? 'GET';
    if (key === SEED.readOnlyApiKey && !(method === 'GET' && PROFILE_PATHS.includes(apiPath.replace(/\/+$/, '')))) {
      return sendJson(
        response,
        403,
        { code: 403, message: 'The API key does not have permission for this request', status: 'Forbidden', details: [{ domain: 'crm', resource: apiPath }] },
        decision.headers,
      );
    }
    let body: unknown;
    try {
      body = parseJsonBody(await readBody(request));
    } catch {
      return sendJson(response, 400, { message: 'Request body is not valid JSON' }, decision.headers);
    }
    const apiRequest = { method, apiPath, query: url.searchParams, requestOrigin, body, now: new Date(), faults: faults.current };
    const isV2 = apiPath.startsWith('/v2/');
    const answer = !isV2 ? answerApi(state, apiRequest) : v2 === 'served' ? answerApiV2(state, apiRequest) : v2Unavailable(v2, apiPath);
    sendJson(response, answer.status, answer.body, decision.headers);
  }

  async function handleAdmin(request: http.IncomingMessage, response: ServerResponse, route: string): Promise<void> {
    const method = request.method ?? 'GET';
    if (method === 'POST' && route === 'reset') {
      reset();
      return sendJson(response, 200, { ok: true });
    }
    if (method === 'POST' && route === 'faults') {
      let parsed: ReturnType<typeof FaultsSchema.safeParse>;
      try {
        parsed = FaultsSchema.safeParse(parseJsonBody(await readBody(request)) ?? {});
      } catch {
        return sendJson(response, 400, { message: 'Faults must be JSON' });
      }
      if (!parsed.success) return sendJson(response, 400, { message: `Faults not understood: ${parsed.error.message}` });
      faults.replace(parsed.data);
      return sendJson(response, 200, { ok: true, faults: faults.current });
    }
    if (method === 'POST' && route === 'screen') {
      let body: unknown;
      try {
        body = parseJsonBody(await readBody(request));
      } catch {
        return sendJson(response, 400, { message: 'The screen form must be JSON: {"form": "<name>"}' });
      }
      const parsed = screenFormSchema.safeParse((body as { form?: unknown } | undefined)?.form);
      if (!parsed.success) return sendJson(response, 400, { message: `Unknown screen form; one of: ${SCREEN_FORMS.join(', ')}` });
      screenForm = parsed.data;
      return sendJson(response, 200, { ok: true, form: screenForm });
    }
    if (method === 'GET' && route === 'screen') return sendJson(response, 200, { form: screenForm });
    if (method === 'POST' && route === 'newer-app') {
      let body: unknown;
      try {
        body = parseJsonBody(await readBody(request));
      } catch {
        return sendJson(response, 400, { message: 'The newer app form must be JSON: {"form": "<name>"}' });
      }
      const parsed = newerAppFormSchema.safeParse((body as { form?: unknown } | undefined)?.form);
      if (!parsed.success) return sendJson(response, 400, { message: `Unknown newer app form; one of: ${NEWER_APP_FORMS.join(', ')}` });
      newerAppForm = parsed.data;
      return sendJson(response, 200, { ok: true, form: newerAppForm });
    }
    if (method === 'GET' && route === 'newer-app') return sendJson(response, 200, { form: newerAppForm });
    if (method === 'POST' && route === 'v2') {
      let body: unknown;
      try {
        body = parseJsonBody(await readBody(request));
      } catch {
        return sendJson(response, 400, { message: 'The v2 availability must be JSON: {"v2": "<served | not-found | not-implemented>"}' });
      }
      const parsed = v2AvailabilitySchema.safeParse((body as { v2?: unknown } | undefined)?.v2);
      if (!parsed.success) return sendJson(response, 400, { message: `Unknown v2 availability; one of: ${V2_AVAILABILITIES.join(', ')}` });
      v2 = parsed.data;
      return sendJson(response, 200, { ok: true, v2 });
    }
    if (method === 'GET' && route === 'v2') return sendJson(response, 200, { v2 });
    if (method === 'GET' && route === 'state') return sendJson(response, 200, state);
    if (method === 'GET' && route === 'stats') return sendJson(response, 200, stats);
    return sendJson(response, 404, { message: `No admin route ${method} ${ADMIN_PREFIX}${route}` });
  }

  function refundContext(): StepContext {
    return {
      declines: (paymentId) => faults.declines(paymentId),
      now: new Date(),
      altered: faults.current.alteredRefundScreen === true,
      lateRefundMs: faults.current.lateRefunds?.delayMs,
    };
  }

  /**
   * The last step of the in-page dialog forms posts JSON; `?screen=` names the form whose results
   * wording to answer with (default the dialog's). Form-encoded posts are the server-drawn forms' steps.
   */
  async function handleRefundPost(request: http.IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    if ((request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      const answer = answerStepPost(state, new URLSearchParams(await readBody(request)), refundContext());
      return sendHtml(response, answer.status, answer.html);
    }
    const wording = screenFormSchema.safeParse(url.searchParams.get('screen') ?? 'dialog');
    if (!wording.success) return sendJson(response, 400, { message: 'The refund request could not be read.' });
    let parsed: ReturnType<typeof RefundSubmissionSchema.safeParse>;
    try {
      parsed = RefundSubmissionSchema.safeParse(parseJsonBody(await readBody(request)));
    } catch {
      return sendJson(response, 400, { message: 'The refund request could not be read.' });
    }
    if (!parsed.success) return sendJson(response, 400, { message: 'The refund request could not be read.' });
    const answer = processRefund(state, parsed.data, refundContext());
    if (!answer.ok) return sendJson(response, 400, { message: answer.error.message });
    const results = answer.results.map((line) => ({ paymentId: line.paymentId, outcome: line.outcome, text: resultText(wording.data, line) }));
    sendJson(response, 200, { results });
  }

  /** keap.app and infusionsoft.app: the app's data under NEWER_APP_DATA_PREFIX, its one page everywhere else. */
  async function handleNewerApp(request: http.IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const method = request.method ?? 'GET';
    if (url.pathname.startsWith(NEWER_APP_DATA_PREFIX)) {
      let body: unknown;
      try {
        body = parseJsonBody(await readBody(request));
      } catch {
        return sendJson(response, 400, { message: 'The request body is not valid JSON.' });
      }
      const answer = answerNewerAppRequest(state, method, url.pathname.slice(NEWER_APP_DATA_PREFIX.length), body, refundContext());
      return sendJson(response, answer.status, answer.body);
    }
    if (method !== 'GET') return sendHtml(response, 405, '<!DOCTYPE html><title>Not allowed</title><p>Method not allowed.</p>');
    sendHtml(response, 200, renderNewerAppShell(newerAppForm));
  }

  function handlePage(request: http.IncomingMessage, response: ServerResponse, url: URL): Promise<void> | void {
    const path = url.pathname.toLowerCase();
    const id = Number([...url.searchParams].find(([name]) => name.toLowerCase() === 'id')?.[1]);
    if (request.method === 'POST' && path === '/job/refundpayment.jsp') return handleRefundPost(request, response, url);
    if (request.method === 'GET' && path === '/job/refundpayment.jsp') {
      const requestedWith = request.headers['x-requested-with'];
      const answer = answerStepPage(state, url.searchParams, typeof requestedWith === 'string' ? requestedWith : undefined, refundContext());
      return sendHtml(response, answer.status, answer.html);
    }
    if (request.method === 'GET' && path === '/contact/managecontact.jsp') {
      const html = renderContactPage(state, id, {
        altered: faults.current.alteredContactMarkup === true,
        ordersLayout: formTraits(screenForm).contactOrdersLayout,
      });
      return html ? sendHtml(response, 200, html) : sendHtml(response, 404, '<!DOCTYPE html><title>Not found</title><p>Contact not found.</p>');
    }
    if (request.method === 'GET' && path === '/job/managejob.jsp') {
      const html = renderOrderPage(state, id, { form: screenForm, alteredRefundScreen: faults.current.alteredRefundScreen === true });
      return html ? sendHtml(response, 200, html) : sendHtml(response, 404, '<!DOCTYPE html><title>Not found</title><p>Order not found.</p>');
    }
    sendHtml(response, 404, '<!DOCTYPE html><title>Not found</title><p>Page not found.</p>');
  }

  const tls = options.tls ?? false;
  const protocol = tls ? 'https' : 'http';
  const listener = (request: http.IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', `${protocol}://${request.headers.host ?? '127.0.0.1'}`);
    const requestOrigin = `${protocol}://${request.headers.host ?? `127.0.0.1:${port}`}`;
    let handled: Promise<void> | void;
    if (url.pathname.startsWith(ADMIN_PREFIX)) {
      handled = handleAdmin(request, response, url.pathname.slice(ADMIN_PREFIX.length));
    } else {
      stats.requests += 1;
      stats.byPath[url.pathname] = (stats.byPath[url.pathname] ?? 0) + 1;
      if (url.pathname.startsWith(`${API_PREFIX}/`)) handled = handleApi(request, response, url, requestOrigin);
      else if (isNewerAppHost(url.hostname)) handled = handleNewerApp(request, response, url);
      else handled = handlePage(request, response, url);
    }
    Promise.resolve(handled).catch((error: unknown) => {
      sendJson(response, 500, { message: error instanceof Error ? error.message : 'Sandbox failure' });
    });
  };

  const server = tls ? https.createServer(await makeCertificate(), listener) : http.createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `${protocol}://127.0.0.1:${port}`;

  return {
    origin,
    port,
    apiBase: `${origin}${API_PREFIX}`,
    appBase: origin,
    apiKey: SEED.apiKey,
    demoContactId: SEED.contacts.demo,
    state,
    setFaults: (next) => faults.replace(next),
    setScreenForm: (form) => {
      screenForm = screenFormSchema.parse(form);
    },
    screenForm: () => screenForm,
    setNewerAppForm: (form) => {
      newerAppForm = newerAppFormSchema.parse(form);
    },
    newerAppForm: () => newerAppForm,
    setV2: (availability) => {
      v2 = v2AvailabilitySchema.parse(availability);
    },
    v2: () => v2,
    reset,
    stats: () => structuredClone(stats),
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing = true;
        for (const pending of pendingWaits) {
          clearTimeout(pending.timer);
          pending.resolve();
        }
        pendingWaits.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
