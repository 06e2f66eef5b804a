import { expect } from 'vitest';
import type { RefundSubmission } from './refund';
import type { Sandbox } from './server';
import type { SpecValidators } from './spec-validator';

/** Small HTTP helpers the sandbox tests share. */

export interface JsonAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export async function apiGet<T = unknown>(sandbox: Sandbox, path: string, key: string | null = sandbox.apiKey): Promise<JsonAnswer<T>> {
  const response = await fetch(`${sandbox.apiBase}${path}`, { headers: key === null ? {} : { 'X-Keap-API-Key': key } });
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

export async function apiPost<T = unknown>(sandbox: Sandbox, path: string, body: unknown, key: string = sandbox.apiKey): Promise<JsonAnswer<T>> {
  const response = await fetch(`${sandbox.apiBase}${path}`, {
    method: 'POST',
    headers: { 'X-Keap-API-Key': key, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

export interface RefundPostBody {
  results?: { paymentId: number; outcome: string; text: string }[];
  message?: string;
}

/** What the refund dialog's Finish sends, posted the same way. */
export async function postRefund(sandbox: Sandbox, submission: RefundSubmission): Promise<JsonAnswer<RefundPostBody>> {
  const response = await fetch(`${sandbox.appBase}/Job/refundPayment.jsp`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(submission),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as RefundPostBody };
}

export async function admin(sandbox: Sandbox, method: 'GET' | 'POST', route: string, body?: unknown): Promise<JsonAnswer> {
  const response = await fetch(`${sandbox.origin}/__sandbox/${route}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/**
 * `expectConforms(specPath, urlPath, status)`: GETs `urlPath` from the sandbox and checks the status
 * and the body against the spec's response for `specPath`, returning the body.
 */
export function conformanceCheck(validators: SpecValidators, sandbox: () => Sandbox) {
  return async function expectConforms<T = unknown>(specPath: string, urlPath: string, status = 200): Promise<T> {
    const answer = await apiGet<T>(sandbox(), urlPath);
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    const validate = validators.forResponse('get', specPath, status);
    expect(validate(answer.body), JSON.stringify(validate.errors)).toBe(true);
    return answer.body;
  };
}
