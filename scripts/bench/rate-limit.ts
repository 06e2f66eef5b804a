import { z } from 'zod';
import { createKeapClient } from '@/lib/keap/client';
import { createRateLimiter } from '@/lib/keap/rate-limiter';
import { startSandbox } from '../../test/sandbox/server';
import { SEED } from '../../test/sandbox/seed';
import { KEAP_PAT_LIMITS } from '../../test/sandbox/throttle';

export const rateLimitResultSchema = z.object({
  reads: z.number(),
  perSecond: z.number(),
  perMinute: z.number(),
  /** First request sent to last request sent (ms). */
  elapsedMs: z.number(),
  /** The earliest the last request could go under both limits, sending as soon as each allows (ms). */
  idealElapsedMs: z.number(),
  /** 429 answers Keap (the sandbox) sent, which the client then waited out and retried. */
  throttledBySandbox: z.number(),
  /** Reads that ended in a throttled or quota error for the caller. */
  throttledForCallers: z.number(),
  /** Reads that failed for any reason. */
  failed: z.number(),
});
export type RateLimitResult = z.infer<typeof rateLimitResultSchema>;

/**
 * When the n-th request may go at the earliest under sliding windows of `perSecond` and
 * `perMinute`, everything asked at time 0: the pace the limits themselves allow.
 */
function idealLastSendMs(requests: number, perSecond: number, perMinute: number): number {
  const sends: number[] = [];
  for (let index = 0; index < requests; index += 1) {
    const secondBlocker = sends[index - perSecond];
    const minuteBlocker = sends[index - perMinute];
    sends.push(Math.max(0, secondBlocker === undefined ? 0 : secondBlocker + 1_000, minuteBlocker === undefined ? 0 : minuteBlocker + 60_000));
  }
  return sends[sends.length - 1] ?? 0;
}

/**
 * `reads` contact reads asked for all at once, through the background's own client and rate
 * limiter at its default limits, against the sandbox enforcing Keap's limits for a personal
 * access token. Measures how close to the limits the limiter runs and whether any 429 reaches a caller.
 */
export async function measureRateLimitedReads(reads: number): Promise<RateLimitResult> {
  const sandbox = await startSandbox({ port: 0 });
  try {
    const sendTimes: number[] = [];
    const client = createKeapClient({
      apiKey: sandbox.apiKey,
      baseUrl: sandbox.apiBase,
      limiter: createRateLimiter(),
      fetch: (input, init) => {
        sendTimes.push(performance.now());
        return fetch(input, init);
      },
    });
    const answers = await Promise.all(Array.from({ length: reads }, () => client.getContact(SEED.contacts.demo)));
    const failures = answers.flatMap((answer) => (answer.ok ? [] : [answer.error]));
    return {
      reads,
      perSecond: KEAP_PAT_LIMITS.perSecond,
      perMinute: KEAP_PAT_LIMITS.perMinute,
      elapsedMs: Math.max(...sendTimes) - Math.min(...sendTimes),
      idealElapsedMs: idealLastSendMs(reads, KEAP_PAT_LIMITS.perSecond, KEAP_PAT_LIMITS.perMinute),
      throttledBySandbox: sandbox.stats().throttled,
      throttledForCallers: failures.filter((error) => error.kind === 'throttled' || error.kind === 'quota-exhausted').length,
      failed: failures.length,
    };
  } finally {
    await sandbox.close();
  }
}
