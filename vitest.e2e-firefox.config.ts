import { defineConfig } from 'vitest/config';

// The e2e core in Debian's Firefox ESR over WebDriver BiDi (test/e2e-firefox); one browser at a time.
export default defineConfig({
  test: {
    include: ['test/e2e-firefox/**/*.e2e.ts'],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 90_000,
    expect: { poll: { timeout: 15_000, interval: 50 } },
  },
});
