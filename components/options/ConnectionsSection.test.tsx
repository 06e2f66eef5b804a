// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionStatus } from '@/lib/messaging/extension-page-messages';
import { ConnectionsSection, type ConnectionsSectionProps } from './ConnectionsSection';

afterEach(cleanup);

const ACME: ConnectionStatus = { appName: 'acme', boundBy: 'person', apiHost: 'api.infusionsoft.com', maskedApiKey: 'Keap…9f2c' };
const FOUND: ConnectionStatus = { appName: 'zz999', boundBy: 'page', apiHost: 'api.keap.com', maskedApiKey: 'Keap…77ab' };
const UNBOUND: ConnectionStatus = { appName: null, boundBy: null, apiHost: 'api.infusionsoft.com', maskedApiKey: '…e0e0' };

function renderSection(overrides: Partial<ConnectionsSectionProps> = {}) {
  const props: ConnectionsSectionProps = {
    connections: [],
    busy: false,
    feedback: null,
    onSave: vi.fn(),
    onRemove: vi.fn(),
    onTest: vi.fn(),
    ...overrides,
  };
  const view = render(<ConnectionsSection {...props} />);
  return { ...view, props };
}

const editor = (name: 'Add Keap connection' | 'Change Keap connection') => within(screen.getByRole('group', { name }));
const queryEditor = () => screen.queryByRole('group', { name: /Keap connection$/ });
const appField = () => screen.getByLabelText<HTMLInputElement>('Keap app');
const keyField = () => screen.getByLabelText<HTMLInputElement>('API key');
const hostField = () => screen.getByLabelText<HTMLSelectElement>('API host');
const listItems = () => within(screen.getByRole('list', { name: 'Keap connections' })).getAllByRole('listitem');
/** Clicks the button named `name` inside `inside` (the editor and the list both have a Test connection). */
const click = (name: string, inside: HTMLElement = document.body) => userEvent.click(screen.getAllByRole('button', { name }).find((button) => inside.contains(button))!);

describe('ConnectionsSection', () => {
  it("says which REST v2 endpoints a connection's Keap account answered only in v1, and nothing for the others", () => {
    renderSection({ connections: [{ ...ACME, v1OnlyEndpoints: ['GET /v2/orders', 'GET /v2/merchants'] }, FOUND] });
    const [acme, found] = listItems();
    expect(acme?.textContent).toContain('Keap answered REST v1 only for GET /v2/orders, GET /v2/merchants.');
    expect(found?.textContent).not.toContain('REST v1');
  });

  describe('with no connections', () => {
    it('opens the editor to add one: Keap app, an empty password field for the key, and the API host', () => {
      renderSection();
      const add = editor('Add Keap connection');
      expect(add.getByLabelText('Keap app')).toBe(appField());
      expect(appField().value).toBe('');
      expect(keyField().type).toBe('password');
      expect(keyField().value).toBe('');
      expect(keyField().autocomplete).toBe('off');
      expect(hostField().value).toBe('api.infusionsoft.com');
      expect([...hostField().options].map((option) => option.value)).toEqual(['api.infusionsoft.com', 'api.keap.com']);
      expect(screen.getByText(/No key saved yet\./)).toBeTruthy();
      expect(screen.queryByRole('list', { name: 'Keap connections' })).toBeNull();
      // Nothing to go back to.
      expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
      expect(screen.queryByRole('button', { name: 'Add another Keap app' })).toBeNull();
    });

    it('Save connection sends the app name, the key trimmed and the host, and no index', async () => {
      const { props } = renderSection();
      await userEvent.type(appField(), 'acme');
      await userEvent.type(keyField(), '  KeapAK-0123456789abcdef  ');
      await userEvent.selectOptions(hostField(), 'api.keap.com');
      await click('Save connection');
      expect(props.onSave).toHaveBeenCalledExactlyOnceWith({ appName: 'acme', apiKey: 'KeapAK-0123456789abcdef', apiHost: 'api.keap.com' });
      expect(props.onTest).not.toHaveBeenCalled();
    });

    it('an empty app name is sent as empty, for the first matching Keap page to bind', async () => {
      const { props } = renderSection();
      await userEvent.type(keyField(), 'KeapAK-0123456789abcdef');
      await click('Save connection');
      expect(props.onSave).toHaveBeenCalledExactlyOnceWith({ appName: '', apiKey: 'KeapAK-0123456789abcdef', apiHost: 'api.infusionsoft.com' });
    });

    it('a key of only spaces is no key: none is sent', async () => {
      const { props } = renderSection();
      await userEvent.type(appField(), 'acme');
      await userEvent.type(keyField(), '   ');
      await click('Save connection');
      expect(props.onSave).toHaveBeenCalledExactlyOnceWith({ appName: 'acme', apiHost: 'api.infusionsoft.com' });
      expect(vi.mocked(props.onSave).mock.calls[0]![0]).not.toHaveProperty('apiKey');
    });

    it('Test connection sends the typed key, trimmed, and the chosen host, and saves nothing', async () => {
      const { props } = renderSection();
      await userEvent.type(keyField(), ' KeapAK-new-key-0001 ');
      await userEvent.selectOptions(hostField(), 'api.keap.com');
      await click('Test connection');
      expect(props.onTest).toHaveBeenCalledExactlyOnceWith({ apiKey: 'KeapAK-new-key-0001', apiHost: 'api.keap.com' });
      expect(props.onSave).not.toHaveBeenCalled();
    });

    it('Test connection with no key typed sends neither a key nor an index', async () => {
      const { props } = renderSection();
      await click('Test connection');
      expect(props.onTest).toHaveBeenCalledExactlyOnceWith({ apiHost: 'api.infusionsoft.com' });
    });
  });

  describe('a list of connections', () => {
    it('names each app by its address, its masked key and host, with the editor closed', () => {
      renderSection({ connections: [ACME, FOUND] });
      const [acme, found] = listItems();
      expect(within(acme!).getByText('acme.infusionsoft.com').tagName).toBe('STRONG');
      expect(acme!.textContent).toContain('Key Keap…9f2c · api.infusionsoft.com');
      expect(within(found!).getByText('zz999.infusionsoft.com')).toBeTruthy();
      expect(found!.textContent).toContain('Key Keap…77ab · api.keap.com');
      expect(queryEditor()).toBeNull();
      expect(screen.getByRole('button', { name: 'Add another Keap app' })).toBeTruthy();
    });

    it('says a key was found on a Keap page only for one bound by a page', () => {
      renderSection({ connections: [ACME, FOUND] });
      const [acme, found] = listItems();
      expect(found!.textContent).toContain('(found on a Keap page');
      expect(acme!.textContent).not.toContain('found on a Keap page');
    });

    it('a key not bound to an app yet says so, and how it will be bound', () => {
      renderSection({ connections: [UNBOUND] });
      const [unbound] = listItems();
      expect(within(unbound!).getByText('Keap app not known yet').tagName).toBe('STRONG');
      expect(unbound!.textContent).toContain('Refund Desk binds this key to the first Keap page that shows the contact and orders its API shows.');
      expect(unbound!.textContent).toContain('Key …e0e0 · api.infusionsoft.com');
      expect(unbound!.textContent).not.toMatch(/null|undefined/);
      expect(unbound!.textContent).not.toContain('found on a Keap page');
    });

    it('never shows more of a key than its mask, not even in the editor', async () => {
      const { container } = renderSection({ connections: [ACME, FOUND, UNBOUND] });
      await userEvent.click(within(listItems()[0]!).getByRole('button', { name: 'Change' }));
      expect(keyField().value).toBe('');
      expect(keyField().placeholder).toBe('Saved key Keap…9f2c — type to replace');
      expect(screen.getByText(/Saved key: Keap…9f2c\./)).toBeTruthy();
      const html = container.innerHTML;
      // Every fragment of a key on the page is one of the masks.
      expect(html.match(/\S*(?:9f2c|77ab|e0e0)/g)?.every((text) => /(?:Keap…9f2c|Keap…77ab|…e0e0)/.test(text))).toBe(true);
      expect(container.querySelectorAll('input[type="password"]')).toHaveLength(1);
    });

    it('Change opens the editor prefilled with the app name and host, and Save sends its index', async () => {
      const { props } = renderSection({ connections: [ACME, FOUND] });
      await userEvent.click(within(listItems()[1]!).getByRole('button', { name: 'Change' }));
      const change = editor('Change Keap connection');
      expect(change.getByLabelText('Keap app')).toBe(appField());
      expect(appField().value).toBe('zz999');
      expect(hostField().value).toBe('api.keap.com');
      expect(keyField().value).toBe('');
      await click('Save connection', screen.getByRole('group', { name: 'Change Keap connection' }));
      // No key typed: the stored key is kept.
      expect(props.onSave).toHaveBeenCalledExactlyOnceWith({ index: 1, appName: 'zz999', apiHost: 'api.keap.com' });
    });

    it('Change then a typed key and another name sends both with the index', async () => {
      const { props } = renderSection({ connections: [ACME, FOUND] });
      await userEvent.click(within(listItems()[0]!).getByRole('button', { name: 'Change' }));
      await userEvent.clear(appField());
      await userEvent.type(appField(), 'acme2');
      await userEvent.type(keyField(), 'KeapAK-replacement-0002 ');
      await click('Save connection', screen.getByRole('group', { name: 'Change Keap connection' }));
      expect(props.onSave).toHaveBeenCalledExactlyOnceWith({ index: 0, appName: 'acme2', apiKey: 'KeapAK-replacement-0002', apiHost: 'api.infusionsoft.com' });
    });

    it('Change of a key with no app yet opens with an empty app name', async () => {
      const { props } = renderSection({ connections: [ACME, UNBOUND] });
      await userEvent.click(within(listItems()[1]!).getByRole('button', { name: 'Change' }));
      expect(appField().value).toBe('');
      await click('Save connection', screen.getByRole('group', { name: 'Change Keap connection' }));
      expect(props.onSave).toHaveBeenCalledExactlyOnceWith({ index: 1, appName: '', apiHost: 'api.infusionsoft.com' });
    });

    it("Test connection in the editor sends the connection's index when no key is typed, the typed key otherwise", async () => {
      const { props } = renderSection({ connections: [ACME, FOUND] });
      await userEvent.click(within(listItems()[1]!).getByRole('button', { name: 'Change' }));
      const group = screen.getByRole('group', { name: 'Change Keap connection' });
      await click('Test connection', group);
      expect(props.onTest).toHaveBeenLastCalledWith({ index: 1, apiHost: 'api.keap.com' });
      await userEvent.type(keyField(), 'KeapAK-typed-key-0003');
      await click('Test connection', group);
      expect(props.onTest).toHaveBeenLastCalledWith({ apiKey: 'KeapAK-typed-key-0003', apiHost: 'api.keap.com' });
      expect(props.onTest).toHaveBeenCalledTimes(2);
      expect(props.onSave).not.toHaveBeenCalled();
    });

    it('Test connection on a listed connection sends its index and host', async () => {
      const { props } = renderSection({ connections: [ACME, FOUND] });
      await userEvent.click(within(listItems()[1]!).getByRole('button', { name: 'Test connection' }));
      expect(props.onTest).toHaveBeenCalledExactlyOnceWith({ index: 1, apiHost: 'api.keap.com' });
    });

    it.each([0, 1, 2])('Remove on connection %i sends that index and nothing else', async (index) => {
      const { props } = renderSection({ connections: [ACME, FOUND, UNBOUND] });
      await userEvent.click(within(listItems()[index]!).getByRole('button', { name: 'Remove' }));
      expect(props.onRemove).toHaveBeenCalledExactlyOnceWith(index);
      expect(props.onSave).not.toHaveBeenCalled();
      expect(props.onTest).not.toHaveBeenCalled();
    });

    it('Add another Keap app opens an empty editor, even after changing one, and Save sends no index', async () => {
      const { props } = renderSection({ connections: [FOUND] });
      await userEvent.click(within(listItems()[0]!).getByRole('button', { name: 'Change' }));
      await userEvent.type(keyField(), 'KeapAK-half-typed');
      await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
      expect(queryEditor()).toBeNull();
      await userEvent.click(screen.getByRole('button', { name: 'Add another Keap app' }));
      const add = screen.getByRole('group', { name: 'Add Keap connection' });
      expect(appField().value).toBe('');
      expect(keyField().value).toBe('');
      expect(hostField().value).toBe('api.infusionsoft.com');
      expect(screen.queryByRole('button', { name: 'Add another Keap app' })).toBeNull();
      await userEvent.type(appField(), 'beta');
      await userEvent.type(keyField(), 'KeapAK-0123456789abcdef');
      await click('Save connection', add);
      expect(props.onSave).toHaveBeenCalledExactlyOnceWith({ appName: 'beta', apiKey: 'KeapAK-0123456789abcdef', apiHost: 'api.infusionsoft.com' });
    });

    it('Cancel closes the editor without saving', async () => {
      const { props } = renderSection({ connections: [ACME] });
      await userEvent.click(screen.getByRole('button', { name: 'Add another Keap app' }));
      await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
      expect(queryEditor()).toBeNull();
      expect(props.onSave).not.toHaveBeenCalled();
    });
  });

  it('while busy, every button is disabled and clicks do nothing', async () => {
    const { props, rerender } = renderSection({ connections: [ACME, UNBOUND] });
    await userEvent.click(within(listItems()[0]!).getByRole('button', { name: 'Change' }));
    rerender(<ConnectionsSection {...props} busy />);
    const buttons = screen.getAllByRole<HTMLButtonElement>('button');
    expect(buttons.map((button) => button.textContent)).toEqual([
      'Change',
      'Test connection',
      'Remove',
      'Change',
      'Test connection',
      'Remove',
      'Test connection',
      'Save connection',
      'Cancel',
    ]);
    expect(buttons.filter((button) => !button.disabled).map((button) => button.textContent)).toEqual([]);
    for (const button of buttons) await userEvent.click(button);
    expect(props.onSave).not.toHaveBeenCalled();
    expect(props.onRemove).not.toHaveBeenCalled();
    expect(props.onTest).not.toHaveBeenCalled();
  });

  it('while busy, Add another Keap app is disabled too', () => {
    renderSection({ connections: [ACME], busy: true });
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Add another Keap app' }).disabled).toBe(true);
  });

  it('shows feedback in a status region', () => {
    const { rerender, props } = renderSection({ connections: [ACME] });
    expect(screen.getByRole('status').textContent).toBe('');
    rerender(<ConnectionsSection {...props} feedback={{ tone: 'error', text: 'Keap refused the key.' }} />);
    expect(screen.getByRole('status').textContent).toBe('Keap refused the key.');
    expect(screen.getByRole('status').className).toContain('error');
    rerender(<ConnectionsSection {...props} feedback={{ tone: 'success', text: 'Connected to Acme Inc.' }} />);
    expect(screen.getAllByRole('status').map((status) => status.textContent)).toEqual(['Connected to Acme Inc.']);
  });
});
