/** Where the Refunds panel goes: just before an element of the page, or first inside one. */
export interface PanelAnchor {
  element: Element;
  where: 'before' | 'prepend';
}

/** Puts the panel's `host` at `anchor`, unless it is there already: a move would redraw it and wake the page's observers. */
export function placeAt(host: Element, anchor: PanelAnchor): void {
  const alreadyThere = host.isConnected && (anchor.where === 'before' ? host.nextElementSibling === anchor.element : host.parentElement === anchor.element);
  if (alreadyThere) return;
  if (anchor.where === 'before') anchor.element.before(host);
  else anchor.element.prepend(host);
}
