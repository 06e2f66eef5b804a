import { defineConfig } from 'vitest/config';

// End-to-end tests drive the production build in real headless Chromium; one browser at a time.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 90_000,
    // A real browser on a busy 2-core machine: conditions get 15 s by default to become true.
    expect: { poll: { timeout: 15_000, interval: 50 } },
  },
});
