import { measureRateLimitedReads } from './rate-limit';

/**
 * Runs the rate-limit measurement in its own process, so the browser measurements running at
 * the same time in the bench's process cannot delay its timers; prints the result as JSON.
 */
const reads = Number(process.argv[2]);
if (!Number.isInteger(reads) || reads <= 0) throw new Error('Usage: rate-limit-run.ts <reads>');
process.stdout.write(JSON.stringify(await measureRateLimitedReads(reads)));
