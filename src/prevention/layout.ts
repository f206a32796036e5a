/**
 * The frame of the public pages: no script, one small stylesheet besides the console's, the
 * reader's language and direction, and the emergency number before anything else.
 */
import type { FastifyRequest } from 'fastify';
import { isolated, languageSwitch } from '../console/layout.ts';
import { localeOf } from '../console/locale.ts';
import { CSRF_FIELD } from '../identity/guard.ts';
import { type Locale, direction } from '../platform/i18n/locales.ts';
import { type SafeHtml, html } from '../platform/http/html.ts';
import type { HelpTopic } from './help-topics.ts';
import { type Translate, messages } from './messages.ts';

export const START_PAGE = '/report';
export const STATUS_PAGE = '/report/status';
/** What is done with what the public tells: linked from every public page and from the report form. */
export const PRIVACY_PAGE = '/privacy';
export const ADVISORIES_PAGE = '/advisories';
export const PRACTICES_PAGE = '/practices';
/** Trends of reports and threats, and their open data (src/observatory), in this frame. */
export const OBSERVATORY_PAGE = '/observatory';
/** Where whoever holds a request said to come from this node checks it (src/requests/verify-page.ts), in this frame. */
export const VERIFY_PAGE = '/verify';
export const ADVISORY_FEED = '/advisories.atom';
/** Plain-language help for the groups criminals target most and for businesses, and the business survey. */
export const HELP_PAGE = '/help';
/** The business-impact survey (14(cc)), under the help for businesses. */
export const SURVEY_PAGE = `${HELP_PAGE}/business-survey`;
/** A help topic's page, or one of its sections. */
export const helpPath = (topic: HelpTopic, section?: string) => `${HELP_PAGE}/${topic}${section ? `#${section}` : ''}`;
/** The portal's sections, in the order of its menu. */
const SECTIONS = [[START_PAGE, 'nav.report'], [HELP_PAGE, 'nav.help'], [ADVISORIES_PAGE, 'nav.advisories'], [PRACTICES_PAGE, 'nav.practices'], [OBSERVATORY_PAGE, 'nav.observatory']] as const;

export interface PublicContext {
  locale: Locale;
  t: Translate;
  request: FastifyRequest;
  /** The page the language switch comes back to: a form's answer cannot be fetched again. */
  here: string;
}

/** The portal's messages in one language, with the values set in bidi isolates as the console's are. */
export function translator(locale: Locale): Translate {
  const translate = messages.for(locale);
  return (key, values) => translate(key, values && isolated(values));
}

export function publicContext(request: FastifyRequest, here = request.url): PublicContext {
  const locale = localeOf(request);
  return { locale, t: translator(locale), request, here };
}

/**
 * A member of staff signed in on the same browser posts with their session cookie, which the
 * guard protects against forgery: their forms carry the session's token. Anyone else needs none.
 */
export const sessionToken = ({ request }: PublicContext) =>
  request.principal?.via === 'cookie' ? html`<input type="hidden" name="${CSRF_FIELD}" value="${request.principal.csrfToken}">` : '';

/** A code the reader must copy exactly: left to right in every language, and never broken at a hyphen. */
export const code = (text: string) => html`<code class="reference" dir="ltr">${text}</code>`;

function sections({ t, request }: PublicContext): SafeHtml {
  const path = request.url.split('?')[0] ?? '';
  return html`<nav class="sections" aria-label="${t('nav.label')}"><ul>${SECTIONS.map(([href, label]) =>
    html`<li><a href="${href}" ${path === href || path.startsWith(`${href}/`) ? html`aria-current="page"` : ''}>${t(label)}</a></li>`)}</ul></nav>`;
}

/** `feed`: the Atom feed the page offers, for feed readers to find. */
export function publicPage(context: PublicContext, title: string, body: SafeHtml, options: { feed?: { href: string; title: string } } = {}): string {
  const { locale, t } = context;
  return `<!doctype html>${html`<html lang="${locale}" dir="${direction(locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${t('site.name')}</title>
<link rel="stylesheet" href="/assets/console.css">
<link rel="stylesheet" href="/assets/report.css">
${options.feed ? html`<link rel="alternate" type="application/atom+xml" href="${options.feed.href}" title="${options.feed.title}">` : ''}
</head>
<body>
<a class="skip" href="#main">${t('skip')}</a>
<header>
<p class="brand"><a href="${START_PAGE}">${t('site.name')}</a> <span>${t('site.tagline')}</span></p>
${languageSwitch(locale, t('lang.label'), context.here)}
${sections(context)}
</header>
<main id="main" tabindex="-1">
<p class="emergency">${t('emergency')}</p>
${body}
</main>
<footer><p>${t('footer.privacy')} <a href="${PRIVACY_PAGE}">${t('footer.privacy.link')}</a></p><p><a href="${STATUS_PAGE}">${t('start.status')}</a></p></footer>
</body>
</html>`}`;
}
