/**
 * The public's good practices, training material and templates: a search in full text, in any of
 * the six languages, with filters, as a GET form that works without script; and each entry on its
 * own page, in the reader's language or, marked as such, in another.
 */
import { Type } from 'typebox';
import type { Database } from '../platform/db/database.ts';
import { ENDONYMS, regionName } from '../platform/i18n/locales.ts';
import { PUBLIC } from '../platform/http/access.ts';
import { type SafeHtml, escapeHtml, html, raw } from '../platform/http/html.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { PRACTICES_PAGE, type PublicContext, publicContext, publicPage } from './layout.ts';
import {
  MARK_END, MARK_START, PRACTICE_AUDIENCES, PRACTICE_KINDS, PRACTICE_THEMES, type Practice, type PracticeFacts, type PracticeHit,
  practiceCountries, readPractice, searchPractices,
} from './practices.ts';
import { type FilterOption, filterForm, sendPublic } from './public-lists.ts';
import { FilterChoice, languageOf, paragraphs, textFor } from './published-texts.ts';

const RESULTS_LIMIT = 50;
export const QUERY_MAX_LENGTH = 200;

/** U+0000 cannot reach PostgreSQL: a search holding it is refused as not understood. */
const PracticeQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: QUERY_MAX_LENGTH, pattern: '^[^\\u0000]*$' })),
  country: Type.Optional(Type.String({ pattern: '^([A-Z]{2})?$' })),
  theme: FilterChoice(PRACTICE_THEMES),
  audience: FilterChoice(PRACTICE_AUDIENCES),
  kind: FilterChoice(PRACTICE_KINDS),
}, { additionalProperties: false });

/** A State's name in the reader's language, or its code where it has none (the demo's XA and XB). */
const countryName = ({ locale }: PublicContext, code: string) => regionName(code, locale) ?? code;

/** Text from ts_headline, escaped, with the words found marked. */
const marked = (text: string): SafeHtml => raw(escapeHtml(text).replaceAll(MARK_START, '<mark>').replaceAll(MARK_END, '</mark>'));

function tags(context: PublicContext, practice: PracticeFacts): SafeHtml {
  const { t } = context;
  return html`<ul class="tags">
<li>${t(`kind.${practice.kind}`)}</li>
<li>${t('country.label')}: ${countryName(context, practice.country)}</li>
<li>${t('theme.label')}: ${t(`theme.${practice.theme}`)}</li>
<li>${t('audience.label')}: ${t(`audience.${practice.audience}`)}</li>
</ul>`;
}

function searchPage(context: PublicContext, filter: Record<string, string | undefined>, countries: string[], hits: PracticeHit[]): string {
  const { t } = context;
  const choices: FilterOption[] = [
    { name: 'country', label: t('country.label'), options: countries.map((code) => [code, countryName(context, code)]) },
    { name: 'theme', label: t('theme.label'), options: PRACTICE_THEMES.map((theme) => [theme, t(`theme.${theme}`)]) },
    { name: 'audience', label: t('audience.label'), options: PRACTICE_AUDIENCES.map((audience) => [audience, t(`audience.${audience}`)]) },
    { name: 'kind', label: t('kind.label'), options: PRACTICE_KINDS.map((kind) => [kind, t(`kind.${kind}`)]) },
  ];
  const searched = Boolean(filter.q?.trim());
  return publicPage(context, t('practices.title'), html`
<h1>${t('practices.title')}</h1>
<p>${t('practices.intro')}</p>
${filterForm(context, PRACTICES_PAGE, filter, choices, { name: 'q', label: t('practices.search'), hint: t('practices.search.hint'), maxLength: QUERY_MAX_LENGTH })}
<h2 id="results-heading">${searched ? t('practices.found', { count: hits.length }) : t('practices.all')}</h2>
${hits.length === 0 ? html`<p role="status">${t('practices.none')}</p>` : html`<ul class="results" aria-labelledby="results-heading">${hits.map((hit) => html`<li>
<h3 ${languageOf(context, hit.locale)}><a href="${PRACTICES_PAGE}/${hit.id}">${marked(hit.title)}</a></h3>
<p ${languageOf(context, hit.locale)}>${marked(hit.extract)}</p>
${tags(context, hit)}
</li>`)}</ul>`}`);
}

function practicePage(context: PublicContext, practice: Practice): string {
  const { t } = context;
  const { text, translated } = textFor(practice.texts, context.locale)!;
  return publicPage(context, text.title, html`
<p><a href="${PRACTICES_PAGE}">${t('practices.back')}</a></p>
${translated ? '' : html`<p class="notice">${t('practice.untranslated', { language: ENDONYMS[text.locale] })}</p>`}
<article ${languageOf(context, text.locale)}>
<h1>${text.title}</h1>
${paragraphs(text.body)}
</article>
${tags(context, practice)}
${practice.link ? html`<p><a href="${practice.link}">${t('practice.link')}</a></p>` : ''}`);
}

export function practicePages(app: HttpServer, db: Database): void {
  const config = { access: PUBLIC, page: true };

  app.get(PRACTICES_PAGE, { config, schema: { hide: true, querystring: PracticeQuery } }, async (request, reply) => {
    const context = publicContext(request);
    const filter = request.query;
    const hits = await searchPractices(db, {
      query: filter.q, country: filter.country || undefined, theme: filter.theme || undefined, audience: filter.audience || undefined, kind: filter.kind || undefined,
      locale: context.locale, limit: RESULTS_LIMIT,
    });
    return sendPublic(reply, 200, searchPage(context, filter, await practiceCountries(db), hits));
  });

  app.get(`${PRACTICES_PAGE}/:id`, { config, schema: { hide: true, params: Type.Object({ id: Type.String({ maxLength: 100 }) }) } }, async (request, reply) =>
    sendPublic(reply, 200, practicePage(publicContext(request), await readPractice(db, request.params.id))));
}
