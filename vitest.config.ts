import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Plain Vitest with the project's `@/` alias. WXT's Vitest plugin is not used: its setup module
// breaks happy-dom tests ("The URL must be of scheme file"), and lib/ code needs no WXT globals.
export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('./', import.meta.url)), '#i18n': fileURLToPath(new URL('./.wxt/i18n/index.ts', import.meta.url)) } },
  test: {
    // Components read their words through the browser's i18n API: here it answers from locales/en.yml.
    setupFiles: ['test/support/i18n-setup.ts'],
    include: [
      'lib/**/*.test.ts',
      'lib/**/*.test.tsx',
      'components/**/*.test.ts',
      'components/**/*.test.tsx',
      'entrypoints/**/*.test.ts',
      'entrypoints/**/*.test.tsx',
      'test/**/*.test.ts',
      'test/**/*.test.tsx',
    ],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 20_000,
    // Many tests wait on a sandbox over HTTP or on fake-indexeddb: three files at a time keep a
    // 2-core machine busy (about 100 s for the suite instead of 230 s with Vitest's default of one).
    maxWorkers: 3,
  },
});
