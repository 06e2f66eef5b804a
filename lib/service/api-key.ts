import { storage } from 'wxt/utils/storage';

/**
 * The Keap API key. Read only by the background, and defined here rather than in lib/settings.ts
 * so that no bundle of a page or content script that imports the settings schema names it.
 */
export const apiKeyItem = storage.defineItem<string | null>('local:apiKey', { fallback: null });
