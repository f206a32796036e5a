/**
 * The console's pages for good practices, training material and templates: the list with a form to
 * add one, and each entry with a form for what it is about and one for its text in each language.
 * They call the functions the API calls, so every change is audited the same way.
 */
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { type NodeIdentity, page, pageContext } from '../console/layout.ts';
import type { Database } from '../platform/db/database.ts';
import { ENDONYMS, LOCALES, type Locale } from '../platform/i18n/locales.ts';
import { type SafeHtml, html } from '../platform/http/html.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { StringEnum } from '../platform/schema.ts';
import { PRACTICES_PAGE } from './layout.ts';
import { PracticeFactFields, PracticeTextFields, factsOf } from './practice-routes.ts';
import {
  PRACTICES_PURPOSE, PRACTICE_AUDIENCES, PRACTICE_EDITORS, PRACTICE_KINDS, PRACTICE_THEMES, type Practice, type PracticeFacts, type PracticeHit,
  createPractice, readPractice, searchPractices, updatePractice, writePracticeText,
} from './practices.ts';
import { BODY_MAX_LENGTH, TITLE_MAX_LENGTH } from './published-texts.ts';
import { LANGUAGE_OPTIONS, TokenField, savedNote, select, sendStaffPage, textField, textInLanguageForms, token } from './staff-forms.ts';
import { type StaffContext, staffContext } from './staff-pages.ts';

export const PRACTICES_STAFF_PAGE = '/prevention/practices';
const LIST_LIMIT = 500;

function factFields(context: StaffContext, facts: Partial<PracticeFacts>): SafeHtml {
  const { t } = context;
  return html`${textField({ id: 'practice-country', name: 'country', label: t('country.label'), hint: t('staffPractice.country.hint'), maxLength: 2, value: facts.country, extra: html`pattern="[A-Z]{2}" dir="ltr" autocapitalize="characters"` })}
${select('practice-theme', 'theme', t('theme.label'), PRACTICE_THEMES.map((theme) => [theme, t(`theme.${theme}`)]), facts.theme)}
${select('practice-audience', 'audience', t('audience.label'), PRACTICE_AUDIENCES.map((audience) => [audience, t(`audience.${audience}`)]), facts.audience)}
${select('practice-kind', 'kind', t('kind.label'), PRACTICE_KINDS.map((kind) => [kind, t(`kind.${kind}`)]), facts.kind)}
${textField({ id: 'practice-link', name: 'link', label: t('staffPractice.link'), hint: t('staffPractice.link.hint'), maxLength: 2000, value: facts.link ?? '', required: false, extra: html`type="url" dir="ltr"` })}`;
}

function textFields({ t }: StaffContext, values: { title?: string; body?: string }): SafeHtml {
  return html`${textField({ id: 'practice-title', name: 'title', label: t('staffPractice.field.title'), maxLength: TITLE_MAX_LENGTH, value: values.title, extra: html`dir="auto"` })}
${textField({ id: 'practice-body', name: 'body', label: t('staffPractice.field.body'), hint: t('staffPublished.field.body.hint'), maxLength: BODY_MAX_LENGTH, value: values.body, rows: 12 })}`;
}

function listPage(context: StaffContext, practices: PracticeHit[]): string {
  const { t } = context;
  return page(context.console, t('staffPractice.title'), html`
<h1>${t('staffPractice.title')}</h1>
<p>${t('staffPractice.intro')} <a href="${PRACTICES_PAGE}">${t('staffPractice.public')}</a></p>
${practices.length === 0 ? html`<p>${t('practices.none')}</p>` : html`<ul>${practices.map((practice) => html`<li>
<a href="${PRACTICES_STAFF_PAGE}/${practice.id}" lang="${practice.locale}" dir="auto">${practice.title}</a> · ${t(`kind.${practice.kind}`)} · ${practice.country} · ${t(`theme.${practice.theme}`)}</li>`)}</ul>`}
<h2 id="add-heading">${t('staffPractice.add')}</h2>
<form class="stack wide-form" method="post" action="${PRACTICES_STAFF_PAGE}" aria-labelledby="add-heading">
${token(context)}
${factFields(context, {})}
${select('practice-locale', 'locale', t('staffPublished.field.language'), LANGUAGE_OPTIONS, context.console.locale)}
${textFields(context, {})}
<div><button type="submit">${t('staffPractice.add.submit')}</button></div>
</form>`);
}

function practicePage(context: StaffContext, practice: Practice, locale: Locale | undefined, saved: boolean | undefined): string {
  const { t } = context;
  const shown = practice.texts.find((text) => text.locale === locale) ?? practice.texts[0]!;
  const editing = locale ?? shown.locale;
  const current = practice.texts.find((text) => text.locale === editing);
  return page(context.console, shown.title, html`
<p><a href="${PRACTICES_STAFF_PAGE}">${t('staffPractice.back')}</a> · <a href="${PRACTICES_PAGE}/${practice.id}">${t('staffPractice.publicPage')}</a></p>
<h1 lang="${shown.locale}" dir="auto">${shown.title}</h1>
${savedNote(context, saved)}
<p>${t('staffPractice.languages')} ${practice.texts.map((text, index) => html`${index > 0 ? ', ' : ''}<a href="${PRACTICES_STAFF_PAGE}/${practice.id}?locale=${text.locale}" lang="${text.locale}">${ENDONYMS[text.locale]}</a>`)}</p>
<h2 id="facts-heading">${t('staffPractice.facts')}</h2>
<form class="stack" method="post" action="${PRACTICES_STAFF_PAGE}/${practice.id}" aria-labelledby="facts-heading">
${token(context)}
${factFields(context, practice)}
<div><button type="submit">${t('staffPublished.save')}</button></div>
</form>
<h2 id="text-heading">${t('staffPractice.write')}</h2>
${textInLanguageForms(context, `${PRACTICES_STAFF_PAGE}/${practice.id}`, editing, current !== undefined, textFields(context, current ?? {}))}`);
}

const IdParams = Type.Object({ id: Type.String({ maxLength: 100 }) });

export function practiceStaffPages(app: HttpServer, db: Database, node: NodeIdentity): void {
  const config = { access: { roles: PRACTICE_EDITORS, purpose: PRACTICES_PURPOSE }, page: true };
  const contextOf = (request: FastifyRequest) => staffContext(pageContext(request, node));
  const back = (id: string, locale?: Locale) => `${PRACTICES_STAFF_PAGE}/${id}?saved=true${locale ? `&locale=${locale}` : ''}`;

  app.get(PRACTICES_STAFF_PAGE, { config, schema: { hide: true } }, async (request, reply) => {
    const context = contextOf(request);
    return sendStaffPage(reply, 200, listPage(context, await searchPractices(db, { locale: context.console.locale, limit: LIST_LIMIT })));
  });

  app.post(PRACTICES_STAFF_PAGE, {
    config,
    schema: { hide: true, body: Type.Object({ ...TokenField, ...PracticeFactFields, locale: StringEnum(LOCALES), ...PracticeTextFields }, { additionalProperties: false }) },
  }, async (request, reply) => {
    const { locale, title, body } = request.body;
    const practice = await createPractice(db, factsOf(request.body), { locale, title, body }, request);
    return reply.redirect(back(practice.id), 303);
  });

  app.get(`${PRACTICES_STAFF_PAGE}/:id`, {
    config,
    schema: { hide: true, params: IdParams, querystring: Type.Object({ saved: Type.Optional(Type.Boolean()), locale: Type.Optional(StringEnum(LOCALES)) }, { additionalProperties: false }) },
  }, async (request, reply) =>
    sendStaffPage(reply, 200, practicePage(contextOf(request), await readPractice(db, request.params.id), request.query.locale, request.query.saved)));

  app.post(`${PRACTICES_STAFF_PAGE}/:id`, {
    config, schema: { hide: true, params: IdParams, body: Type.Object({ ...TokenField, ...PracticeFactFields }, { additionalProperties: false }) },
  }, async (request, reply) => {
    await updatePractice(db, request.params.id, factsOf(request.body), request);
    return reply.redirect(back(request.params.id), 303);
  });

  app.post(`${PRACTICES_STAFF_PAGE}/:id/texts/:locale`, {
    config,
    schema: { hide: true, params: Type.Object({ id: Type.String({ maxLength: 100 }), locale: StringEnum(LOCALES) }), body: Type.Object({ ...TokenField, ...PracticeTextFields }, { additionalProperties: false }) },
  }, async (request, reply) => {
    const { locale } = request.params;
    await writePracticeText(db, request.params.id, { locale, ...request.body }, request);
    return reply.redirect(back(request.params.id, locale), 303);
  });
}
