import type { ElementHandle, Page } from 'puppeteer-core';
import { pollUntil } from '../support/poll-until';

/*
 * Finding what a person sees, in Firefox over WebDriver BiDi. Puppeteer's ARIA selectors ask
 * Firefox's accessibility locator, which does not look into the Refunds panel's shadow root, so
 * these look by visible text and labels in the page itself, through open shadow roots.
 */

/**
 * Waits for the button whose text is `name` (enabled unless `enabled: false`), anywhere in the
 * page including the Refunds panel's shadow root.
 */
export async function waitForButton(page: Page, name: string, options: { enabled?: boolean; timeout?: number } = {}): Promise<ElementHandle<HTMLButtonElement>> {
  const handle = await page.waitForFunction(
    (wanted: string, mustBeEnabled: boolean) => {
      const search = (root: Document | ShadowRoot): HTMLButtonElement | null => {
        for (const element of root.querySelectorAll('*')) {
          if (element instanceof HTMLButtonElement && element.textContent?.trim() === wanted && (!mustBeEnabled || !element.disabled)) return element;
          const inner = element.shadowRoot ? search(element.shadowRoot) : null;
          if (inner) return inner;
        }
        return null;
      };
      return search(document);
    },
    { timeout: options.timeout ?? 15_000, polling: 100 },
    name,
    options.enabled ?? true,
  );
  return handle as unknown as ElementHandle<HTMLButtonElement>;
}

/**
 * Clicks an element once it has stopped moving, as Playwright's actionability checks do and
 * puppeteer's `click` does not: the Refunds panel redraws as Keap's API answers, and a click
 * aimed at where a button was lands on something else. Stable = the same box for 300 ms.
 */
export async function clickWhenStill(element: ElementHandle<Element>, timeoutMs = 10_000): Promise<void> {
  let last = '';
  let stillSince = Date.now();
  await pollUntil(
    async () => {
      const box = await element.evaluate((node) => {
        const rect = node.getBoundingClientRect();
        return node.isConnected ? `${rect.x},${rect.y},${rect.width},${rect.height}` : 'detached';
      });
      if (box !== last) {
        last = box;
        stillSince = Date.now();
        return false;
      }
      return box !== 'detached' && Date.now() - stillSince >= 300;
    },
    'The element did not stop moving',
    timeoutMs,
  );
  await element.click();
}

/** Waits for the button named `name` (see `waitForButton`) and clicks it once it is still. */
export async function clickButton(page: Page, name: string, options: { timeout?: number } = {}): Promise<void> {
  await clickWhenStill(await waitForButton(page, name, options));
}

/** The form control a `<label>` with exactly this text names. */
export async function waitForLabelled<T extends Element = HTMLInputElement>(page: Page, label: string, timeout = 15_000): Promise<ElementHandle<T>> {
  const handle = await page.waitForFunction(
    (wanted: string) => {
      const labelElement = [...document.querySelectorAll('label')].find((candidate) => candidate.textContent?.trim() === wanted);
      return labelElement?.control ?? null;
    },
    { timeout, polling: 100 },
    label,
  );
  return handle as unknown as ElementHandle<T>;
}

/** Replaces a text field's value as typing would (React sees the input events). */
export async function fillField(page: Page, label: string, value: string): Promise<void> {
  const field = await waitForLabelled(page, label);
  await field.evaluate((element) => element.select());
  await field.type(value);
}

/** The trimmed text of the first element matching `selector` (through shadow roots with `>>>`), or null. */
export async function textOf(page: Page, selector: string): Promise<string | null> {
  const element = await page.$(selector);
  if (!element) return null;
  return element.evaluate((node) => (node as HTMLElement).innerText.trim());
}
