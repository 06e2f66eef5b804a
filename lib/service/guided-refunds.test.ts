import { fakeBrowser } from '@webext-core/fake-browser';
import { beforeEach, describe, expect, it, vi } from 'vitest';

// WXT's storage items need a browser global when they are defined.
vi.stubGlobal('chrome', fakeBrowser);
vi.stubGlobal('browser', fakeBrowser);
const { guidedRefundOf, guidedRefundsItem, updateGuidedRefund } = await import('./guided-refunds');

type GuidedRefund = NonNullable<ReturnType<typeof guidedRefundOf>>;

const watching: GuidedRefund = { items: [], watch: 'watching' };
const ids = ['0190a000-0000-7000-8000-000000000001', '0190a000-0000-7000-8000-000000000002', '0190a000-0000-7000-8000-000000000003'] as const;

beforeEach(() => fakeBrowser.reset());

describe('guidedRefundOf', () => {
  it('reads a stored checklist, and nothing for a missing or malformed one', () => {
    const all = { [ids[0]]: watching, [ids[1]]: { items: 'not a list', watch: 'watching' } };
    expect(guidedRefundOf(all, ids[0])).toEqual(watching);
    expect(guidedRefundOf(all, ids[1])).toBeNull();
    expect(guidedRefundOf(all, ids[2])).toBeNull();
  });
});

describe('updateGuidedRefund', () => {
  it('keeps its checklists in session storage, which a browser restart ends', async () => {
    await updateGuidedRefund(ids[0], () => watching);
    expect(await fakeBrowser.storage.session.get('guidedRefunds')).toEqual({ guidedRefunds: { [ids[0]]: watching } });
    expect(await fakeBrowser.storage.local.get('guidedRefunds')).toEqual({});
  });

  it('gives each change what the one before it wrote, when they arrive together', async () => {
    await Promise.all([
      ...ids.map((id) => updateGuidedRefund(id, () => watching)),
      updateGuidedRefund(ids[0], (current) => (current ? { ...current, problem: 'first report' } : null)),
      updateGuidedRefund(ids[0], (current) => (current ? { ...current, watch: 'confirmed' } : null)),
      updateGuidedRefund(ids[1], () => null),
    ]);
    expect(await guidedRefundsItem.getValue()).toEqual({
      [ids[0]]: { items: [], watch: 'confirmed', problem: 'first report' },
      [ids[2]]: watching,
    });
  });

  it('passes what is stored to the change, and nothing when there is none', async () => {
    const seen: (GuidedRefund | null)[] = [];
    await updateGuidedRefund(ids[0], (current) => {
      seen.push(current);
      return watching;
    });
    await updateGuidedRefund(ids[0], (current) => {
      seen.push(current);
      return current;
    });
    expect(seen).toEqual([null, watching]);
  });

  it('goes on with the next change after one that fails', async () => {
    const failing = updateGuidedRefund(ids[0], () => {
      throw new Error('report could not be read');
    });
    const next = updateGuidedRefund(ids[1], () => watching);
    await expect(failing).rejects.toThrow('report could not be read');
    await next;
    expect(await guidedRefundsItem.getValue()).toEqual({ [ids[1]]: watching });
  });
});
