import type { KeapContact } from '@/lib/keap/schemas';

/** A contact's name as Keap's API gives it, "Given Family", or "Contact N" when it has none. */
export function contactDisplayName(contact: Pick<KeapContact, 'id' | 'given_name' | 'family_name'>): string {
  return [contact.given_name, contact.family_name].filter(Boolean).join(' ').trim() || `Contact ${contact.id}`;
}
