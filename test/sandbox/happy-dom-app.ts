import http from 'node:http';
import { Browser, type BrowserWindow, type Request as HappyRequest, type Response as HappyResponse } from 'happy-dom';
import type { Sandbox } from './server';

/*
 * The sandbox's pages run in happy-dom as a browser would run them: requests to Keap's hosts go to
 * the sandbox with that Host header (as Chromium's --host-resolver-rules do in the e2e tests).
 */

export interface RawAnswer {
  status: number;
  contentType: string;
  text: string;
}

/** A request to the sandbox with the given Host header, which fetch cannot set. */
export function sandboxRequest(sandbox: Sandbox, path: string, options: { host: string; method?: string; body?: string; apiKey?: string }): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: options.host };
    if (options.apiKey) headers['x-keap-api-key'] = options.apiKey;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const request = http.request({ host: '127.0.0.1', port: sandbox.port, path, method: options.method ?? 'GET', headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, contentType: response.headers['content-type'] ?? '', text: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

async function forwardToSandbox(sandbox: Sandbox, request: HappyRequest, window: BrowserWindow): Promise<HappyResponse> {
  const url = new URL(request.url);
  const body = request.method === 'GET' ? undefined : await request.text();
  const answer = await sandboxRequest(sandbox, `${url.pathname}${url.search}`, { host: url.host, method: request.method, ...(body === undefined ? {} : { body }) });
  return new window.Response(answer.text, { status: answer.status, headers: { 'content-type': answer.contentType } });
}

/** A happy-dom browser that runs pages' scripts and sends every request they make to the sandbox. */
export function sandboxBrowser(sandbox: Sandbox): Browser {
  return new Browser({
    settings: {
      enableJavaScriptEvaluation: true,
      suppressInsecureJavaScriptEnvironmentWarning: true,
      disableCSSFileLoading: true,
      fetch: { interceptor: { beforeAsyncRequest: ({ request, window }) => forwardToSandbox(sandbox, request, window) } },
    },
  });
}
