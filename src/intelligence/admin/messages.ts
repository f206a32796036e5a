import type { FastifyRequest } from 'fastify';
import { type NodeIdentity, isolated } from '../../console/layout.ts';
import { type Locale, Messages } from '../../platform/i18n/locales.ts';
import { type RequestsContext, requestsContext } from '../../requests/page-common.ts';
import { ar } from './locales/ar.ts';
import { en, type MessageKey } from './locales/en.ts';
import { es } from './locales/es.ts';
import { fr } from './locales/fr.ts';
import { ru } from './locales/ru.ts';
import { zh } from './locales/zh.ts';

export const catalogs: Record<Locale, Record<MessageKey, string>> = { ar, zh, en, fr, ru, es };
export const messages = new Messages<MessageKey>(catalogs);
export type Translate = (key: MessageKey, values?: Record<string, string | number | Date>) => string;
export type { MessageKey };

/**
 * The intelligence pages speak through their own catalog and the requests' one, whose error summary,
 * peer names and dates their forms share; role names are the console's.
 */
export interface IntelligenceContext {
  shared: RequestsContext;
  t: Translate;
}

export function intelligenceContext(request: FastifyRequest, node: NodeIdentity): IntelligenceContext {
  const shared = requestsContext(request, node);
  const translate = messages.for(shared.locale);
  return { shared, t: (key, values) => translate(key, values && isolated(values)) };
}
