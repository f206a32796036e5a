import type { FastifyRequest } from 'fastify';
import { CSRF_FIELD } from '../identity/guard.ts';
import { LOCALES, type Locale, type Values, direction, ENDONYMS } from '../platform/i18n/locales.ts';
import { type SafeHtml, html } from '../platform/http/html.ts';
import { localeOf } from './locale.ts';
import { type Translate, messages } from './messages.ts';

export interface NodeIdentity {
  nodeId: string;
  state: string;
}

export interface PageContext {
  locale: Locale;
  t: Translate;
  request: FastifyRequest;
  node: NodeIdentity;
}

/**
 * Wraps every text put into a sentence in Unicode bidi isolates, so that it keeps its own direction:
 * without them "Jean (ICPO)" in an Arabic sentence shows as "(Jean (ICPO", and a path loses its leading slash.
 */
export function isolated(values: Values): Values {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, typeof value === 'string' ? `\u2068${value}\u2069` : value]));
}

export function pageContext(request: FastifyRequest, node: NodeIdentity): PageContext {
  const locale = localeOf(request);
  const translate = messages.for(locale);
  return { locale, t: (key, values) => translate(key, values && isolated(values)), request, node };
}

/** Links to the same page in each language; `here` is the page to come back to, the URL of the request unless it was a form's answer. */
export function languageSwitch(locale: Locale, label: string, here: string): SafeHtml {
  const next = encodeURIComponent(here);
  return html`<nav class="languages" aria-label="${label}"><ul>${LOCALES.map((code) =>
    code === locale
      ? html`<li><span lang="${code}" aria-current="true">${ENDONYMS[code]}</span></li>`
      : html`<li><a href="/lang/${code}?next=${next}" lang="${code}" hreflang="${code}">${ENDONYMS[code]}</a></li>`,
  )}</ul></nav>`;
}

function account({ t, request }: PageContext): SafeHtml | undefined {
  const principal = request.principal;
  if (!principal || principal.via !== 'cookie') return undefined;
  return html`<form class="account" method="post" action="/logout">
    <span>${t('signedInAs', { name: principal.displayName })}</span>
    <input type="hidden" name="${CSRF_FIELD}" value="${principal.csrfToken}">
    <button type="submit">${t('logout')}</button>
  </form>`;
}

/**
 * The frame of every console page: language, direction, skip link, landmarks.
 * A page of wide tables asks for `tables`: its content may use the whole screen, its prose stays narrow.
 */
export function page(context: PageContext, title: string, body: SafeHtml, options: { tables?: boolean } = {}): string {
  const { locale, t, node } = context;
  return `<!doctype html>${html`<html lang="${locale}" dir="${direction(locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${t('app.name')}</title>
<link rel="stylesheet" href="/assets/console.css">
</head>
<body>
<a class="skip" href="#main">${t('skip')}</a>
<header>
<p class="brand"><a href="/">${t('app.name')}</a> <span>${t('app.tagline')}</span></p>
${languageSwitch(locale, t('lang.label'), context.request.url)}
${account(context)}
</header>
<main id="main" tabindex="-1" ${options.tables ? html`class="tables"` : ''}>
${body}
</main>
<footer><p>${t('footer.node', { node: node.nodeId, state: node.state })}</p></footer>
</body>
</html>`}`;
}
