/**
 * Checks `condition` every 50 ms until it holds, as Vitest's `expect.poll` does (a throw counts as
 * "not yet"); throws `what` after `timeoutMs`. For harness code that runs outside a test's `expect`
 * (the e2e harnesses and `npm run bench`), so it imports nothing from Vitest.
 */
export async function pollUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      if (await condition()) return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= giveUpAt) {
      const cause = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(`${what} (waited ${timeoutMs} ms${cause})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
