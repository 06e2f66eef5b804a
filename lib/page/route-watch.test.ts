// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchLocation } from './route-watch';

const controllers: AbortController[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const controller of controllers.splice(0)) controller.abort();
  history.replaceState(null, '', '/');
  document.body.innerHTML = '';
});

function watch(onChange: (href: string) => void, view?: Parameters<typeof watchLocation>[1]['view']): AbortController {
  const controller = new AbortController();
  controllers.push(controller);
  watchLocation(onChange, { signal: controller.signal, root: document.body, ...(view ? { view } : {}) });
  return controller;
}

/** What a single-page app does on a route change: it pushes the address, then draws the new record. */
function moveTo(path: string): void {
  history.pushState(null, '', path);
  document.body.append(document.createElement('div'));
}

describe('watchLocation without the Navigation API', () => {
  it('has none in this test browser, so the fallback is what runs here', () => {
    expect('navigation' in window).toBe(false);
  });

  it('sees a pushState once the app redraws for it, and reports each new address once', async () => {
    const onChange = vi.fn();
    watch(onChange);
    moveTo('/contacts/list/all/contact/1/details');
    await vi.waitFor(() => expect(onChange).toHaveBeenCalledWith(`${location.origin}/contacts/list/all/contact/1/details`));
    // More redraws at the same address are not a change.
    document.body.append(document.createElement('p'));
    document.body.firstElementChild?.remove();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(onChange).toHaveBeenCalledOnce();
  });

  it('sees back and forward through popstate, without any redraw', async () => {
    const onChange = vi.fn();
    history.pushState(null, '', '/contacts/list/all/contact/2/details');
    watch(onChange);
    history.replaceState(null, '', '/contacts/list/all');
    window.dispatchEvent(new PopStateEvent('popstate'));
    expect(onChange).toHaveBeenCalledWith(`${location.origin}/contacts/list/all`);
  });

  it('stops when aborted', async () => {
    const onChange = vi.fn();
    const controller = watch(onChange);
    controller.abort();
    moveTo('/contacts/list/all/contact/3/details');
    window.dispatchEvent(new PopStateEvent('popstate'));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(onChange).not.toHaveBeenCalled();
  });
});

describe('watchLocation with the Navigation API', () => {
  /** This window, with a Navigation object whose entry changes are fired by hand. */
  function withNavigation() {
    const navigation = new EventTarget();
    const view = new Proxy(window, {
      get: (target, key) => (key === 'navigation' ? navigation : (Reflect.get(target, key, target) as unknown)),
    }) as unknown as Window & { navigation: EventTarget };
    const addEventListener = vi.spyOn(window, 'addEventListener');
    return { view, navigation, addEventListener };
  }

  it('reports a change of the current entry at once, and watches neither popstate nor the DOM', () => {
    const { view, navigation, addEventListener } = withNavigation();
    const onChange = vi.fn();
    watch(onChange, view);
    expect(addEventListener).not.toHaveBeenCalledWith('popstate', expect.anything(), expect.anything());
    history.pushState(null, '', '/contacts/list/contact/4/details');
    expect(onChange).not.toHaveBeenCalled();
    navigation.dispatchEvent(new Event('currententrychange'));
    expect(onChange).toHaveBeenCalledExactlyOnceWith(`${location.origin}/contacts/list/contact/4/details`);
    navigation.dispatchEvent(new Event('currententrychange'));
    expect(onChange).toHaveBeenCalledOnce();
  });

  it('stops when aborted', () => {
    const { view, navigation } = withNavigation();
    const onChange = vi.fn();
    watch(onChange, view).abort();
    history.pushState(null, '', '/contacts/list/contact/5/details');
    navigation.dispatchEvent(new Event('currententrychange'));
    expect(onChange).not.toHaveBeenCalled();
  });
});
