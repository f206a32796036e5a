import { type Locale, Messages } from '../platform/i18n/locales.ts';
import { ar } from './locales/ar.ts';
import { en, type MessageKey } from './locales/en.ts';
import { es } from './locales/es.ts';
import { fr } from './locales/fr.ts';
import { ru } from './locales/ru.ts';
import { zh } from './locales/zh.ts';

export const catalogs: Record<Locale, Record<MessageKey, string>> = { ar, zh, en, fr, ru, es };
export const messages = new Messages<MessageKey>(catalogs);
export type { MessageKey };
