import { Dexie } from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { vi } from 'vitest';

/**
 * The refund journal where the background opens it, with `openJournal()` and no options: in the
 * extension's own origin (the journal refuses any other) and Dexie's default IndexedDB, which is
 * made a new, empty, in-memory one here, so that no test sees another's refunds. Call it before
 * the code under test first opens the journal; `vi.unstubAllGlobals()` takes the origin away.
 */
export function useFreshExtensionJournalStorage(): void {
  vi.stubGlobal('location', { protocol: 'chrome-extension:' });
  // Dexie reads the page's IndexedDB once, when it is first loaded; a journal opened without a
  // factory uses whatever `Dexie.dependencies` holds when it is opened.
  Dexie.dependencies.indexedDB = new IDBFactory();
  Dexie.dependencies.IDBKeyRange = IDBKeyRange;
}
