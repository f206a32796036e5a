import type { FastifyRequest } from 'fastify';
import { type Locale, isLocale, negotiateLocale } from '../platform/i18n/locales.ts';

export const LOCALE_COOKIE = 'lang';

/** The language the reader chose with the switch, or else the best match for their browser. */
export function localeOf(request: FastifyRequest): Locale {
  const chosen = request.cookies[LOCALE_COOKIE];
  return isLocale(chosen) ? chosen : negotiateLocale(request.headers['accept-language']);
}

/** Only a path on this node: never an open redirect to another site. */
export function safeLocalPath(next: unknown, fallback = '/'): string {
  return typeof next === 'string' && /^\/(?![/\\])[^\s]*$/.test(next) ? next : fallback;
}
