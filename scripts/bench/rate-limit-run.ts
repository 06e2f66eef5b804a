// First: the Keap client (lib/keap) words its errors through `#i18n`, which takes the browser's
// i18n API when first imported; this answers it from locales/en.yml.
import '../../test/support/i18n-setup';
import { measureRateLimitedReads } from './rate-limit';

/**
 * Runs the rate-limit measurement in its own process, so the browser measurements running at
 * the same time in the bench's process cannot delay its timers; prints the result as JSON.
 */
const reads = Number(process.argv[2]);
if (!Number.isInteger(reads) || reads <= 0) throw new Error('Usage: rate-limit-run.ts <reads>');
process.stdout.write(JSON.stringify(await measureRateLimitedReads(reads)));
