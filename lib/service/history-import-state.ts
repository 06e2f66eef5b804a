import { storage } from 'wxt/utils/storage';
import { notesImportSchema, type NotesImport } from '@/lib/audit/import';

/**
 * The latest "Import from Keap" and how far it got. Local storage: a closed popup or a restarted
 * browser finds it where it stopped. The background writes it; the popup watches it.
 */
export const historyImportItem = storage.defineItem<NotesImport | null>('local:historyImport', { fallback: null });

/** The stored import, or null when there is none (or it does not read). */
export function historyImportOf(value: unknown): NotesImport | null {
  const parsed = notesImportSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
