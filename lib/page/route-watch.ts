/** The part of the Navigation API used here; TypeScript's DOM types do not have it yet. */
interface NavigationEvents {
  addEventListener(type: 'currententrychange', listener: () => void, options: { signal: AbortSignal }): void;
}

export interface WatchLocationOptions {
  signal: AbortSignal;
  /** The app's root, whose redraws are watched where the browser has no Navigation API. */
  root: Node;
  /** The window whose address is followed (this one by default). */
  view?: Window & { navigation?: NavigationEvents };
}

/**
 * Calls `onChange` with the new address each time the page moves to another one without loading a
 * page: Keap's newer app is a single-page app (keap-facts.md: "moving between contacts changes the
 * route without a page load"), and the classic contact record's Next Contact link swaps the contact
 * in place too. The Navigation API, where the browser has it, reports every change of the current
 * entry (pushState, replaceState, back, forward). Elsewhere `popstate` covers back and forward, and
 * pushState, which fires no event, is caught when the app redraws for the new route: each burst of
 * DOM changes costs one comparison of the address with the last one seen.
 */
export function watchLocation(onChange: (href: string) => void, { signal, root, view = window }: WatchLocationOptions): void {
  if (signal.aborted) return;
  let lastHref = view.location.href;
  const check = () => {
    const href = view.location.href;
    if (href === lastHref || signal.aborted) return;
    lastHref = href;
    onChange(href);
  };
  if (view.navigation) {
    view.navigation.addEventListener('currententrychange', check, { signal });
    return;
  }
  view.addEventListener('popstate', check, { signal });
  const observer = new MutationObserver(check);
  observer.observe(root, { childList: true, subtree: true });
  signal.addEventListener('abort', () => observer.disconnect(), { once: true });
}
