import { startVitest } from 'vitest/node';

/**
 * `npm run docs` (after a build): the e2e suites that make what docs/ shows — the README's
 * screenshots, the store listing's and docs/reliability.md — run with REFUND_DESK_DOCS=1, so they write into docs/.
 */
process.env.REFUND_DESK_DOCS = '1';
const files = [
  'test/e2e/walkthrough.e2e.ts',
  'test/e2e/store-screenshots.e2e.ts',
  'test/e2e/queue.e2e.ts',
  'test/e2e/faults.e2e.ts',
  'test/e2e/security.e2e.ts',
  'test/e2e/money-safety.e2e.ts',
];
const vitest = await startVitest('test', files, { config: 'vitest.e2e.config.ts', run: true, watch: false });
const failed = !vitest || vitest.state.getCountOfFailedTests() > 0 || vitest.state.getUnhandledErrors().length > 0;
await vitest?.close();
process.exit(failed ? 1 : 0);
