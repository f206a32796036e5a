/**
 * The console's pages for advisories: the list with a form to draft one, and each advisory with
 * its versions, a form to write the text in a language (a translation, or an update that starts a
 * new version once one is published), and, for publishers, publication and withdrawal. They call
 * the functions the API calls, so every change is audited the same way.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { type NodeIdentity, page, pageContext } from '../console/layout.ts';
import type { Role } from '../identity/roles.ts';
import type { Database } from '../platform/db/database.ts';
import { ENDONYMS, LOCALES, type Locale } from '../platform/i18n/locales.ts';
import { type SafeHtml, html } from '../platform/http/html.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { StringEnum } from '../platform/schema.ts';
import {
  ADVISORIES_PURPOSE, ADVISORY_PUBLISHERS, ADVISORY_STAFF, ADVISORY_WRITERS, type AdvisoryVersion, type StaffAdvisory,
  classifyAdvisory, createAdvisory, listAdvisories, publishAdvisory, readAdvisory, withdrawAdvisory, writeAdvisoryText,
} from './advisories.ts';
import { AdvisoryFacts, AdvisoryTextFields } from './advisory-routes.ts';
import { INCIDENT_TYPES } from './incidents.ts';
import { ADVISORIES_PAGE } from './layout.ts';
import type { MessageKey } from './locales/en.ts';
import { InvalidInput } from './reports.ts';
import { BODY_MAX_LENGTH, PUBLIC_AUDIENCES, PublishedText, SUMMARY_MAX_LENGTH, TITLE_MAX_LENGTH } from './published-texts.ts';
import {
  LANGUAGE_OPTIONS, TokenField, refusalNote, refusalOf, savedNote, select, sendStaffPage, textField, textInLanguageForms, token,
} from './staff-forms.ts';
import { type StaffContext, staffContext, when } from './staff-pages.ts';

export const ADVISORIES_STAFF_PAGE = '/prevention/advisories';
const holds = (context: StaffContext, roles: readonly Role[]) => roles.some((role) => context.console.request.principal!.roles.includes(role));

/** The minute a `datetime-local` box gives, read as UTC, as the form says; a day that does not exist is refused. */
function minuteOf(typed: string | undefined): Date | undefined {
  if (!typed) return undefined;
  const at = new Date(`${typed}:00Z`);
  if (Number.isNaN(at.getTime()) || !at.toISOString().startsWith(typed)) throw new InvalidInput([{ field: 'at', pointer: '/at', message: 'advisory.error.time' }]);
  return at;
}

/** The text fields of an advisory, filled with what was written or sent. */
function textFields({ t }: StaffContext, values: { title?: string; summary?: string; body?: string }): SafeHtml {
  return html`${textField({ id: 'advisory-title', name: 'title', label: t('staffAdvisory.field.title'), maxLength: TITLE_MAX_LENGTH, value: values.title, extra: html`dir="auto"` })}
${textField({ id: 'advisory-summary', name: 'summary', label: t('staffAdvisory.field.summary'), hint: t('staffAdvisory.field.summary.hint'), maxLength: SUMMARY_MAX_LENGTH, value: values.summary, rows: 3 })}
${textField({ id: 'advisory-body', name: 'body', label: t('staffAdvisory.field.body'), hint: t('staffPublished.field.body.hint'), maxLength: BODY_MAX_LENGTH, value: values.body, rows: 12 })}`;
}

/** Whom the advisory is for and which threat it is about. */
function facts({ t }: StaffContext, values: { audience?: string | undefined; threat?: string | undefined }): SafeHtml {
  return html`${select('advisory-audience', 'audience', t('audience.label'), PUBLIC_AUDIENCES.map((audience) => [audience, t(`audience.${audience}`)]), values.audience)}
${select('advisory-threat', 'threat', t('threat.label'), INCIDENT_TYPES.map((type) => [type, t(`type.${type}`)]), values.threat)}`;
}

function listPage(context: StaffContext, advisories: Awaited<ReturnType<typeof listAdvisories>>, refusal?: MessageKey, sent: Record<string, string> = {}): string {
  const { t } = context;
  return page(context.console, t('staffAdvisory.title'), html`
<h1>${t('staffAdvisory.title')}</h1>
<p>${t('staffAdvisory.intro')} <a href="${ADVISORIES_PAGE}">${t('staffAdvisory.public')}</a></p>
${advisories.length === 0 ? html`<p>${t('staffAdvisory.none')}</p>` : html`
<div class="wide" role="region" aria-labelledby="advisories-caption" tabindex="0">
<table>
<caption id="advisories-caption">${t('staffAdvisory.caption', { count: advisories.length })}</caption>
<thead><tr><th scope="col">${t('staffAdvisory.field.title')}</th><th scope="col">${t('staffAdvisory.field.status')}</th><th scope="col">${t('audience.label')}</th>
<th scope="col">${t('threat.label')}</th><th scope="col">${t('staffAdvisory.field.version')}</th><th scope="col">${t('staffAdvisory.field.created')}</th></tr></thead>
<tbody>${advisories.map((advisory) => html`<tr>
<th scope="row"><a href="${ADVISORIES_STAFF_PAGE}/${advisory.id}" lang="${advisory.titleLocale}" dir="auto">${advisory.title}</a></th>
<td>${t(`advisoryStatus.${advisory.status}`)}</td><td>${t(`audience.${advisory.audience}`)}</td><td>${t(`type.${advisory.threat}`)}</td>
<td>${advisory.latestVersion}</td><td>${when(context, advisory.createdAt)}</td></tr>`)}</tbody>
</table>
</div>`}
${holds(context, ADVISORY_WRITERS) ? html`
<h2 id="draft-heading">${t('staffAdvisory.draft')}</h2>
${refusalNote(context, refusal)}
<form class="stack" method="post" action="${ADVISORIES_STAFF_PAGE}" aria-labelledby="draft-heading">
${token(context)}
${facts(context, sent)}
${select('advisory-locale', 'locale', t('staffPublished.field.language'), LANGUAGE_OPTIONS, sent.locale ?? context.console.locale)}
${textFields(context, sent)}
<div><button type="submit">${t('staffAdvisory.draft.submit')}</button></div>
</form>` : ''}`, { tables: true });
}

function versionSection(context: StaffContext, advisory: StaffAdvisory, version: AdvisoryVersion): SafeHtml {
  const { t } = context;
  const state = version.publishAt === null ? t('advisoryVersion.draft')
    : version.version === advisory.publicVersion ? t('advisoryVersion.public')
      : advisory.publicVersion !== null && version.version < advisory.publicVersion ? t('advisoryVersion.replaced') : t('advisoryVersion.scheduled');
  return html`<section aria-labelledby="version-${version.version}">
<h3 id="version-${version.version}">${t('staffAdvisory.version', { version: version.version })}: ${state}</h3>
<p>${t('staffAdvisory.version.created')} ${when(context, version.createdAt)}${version.publishAt ? html` · ${t('staffAdvisory.version.publishAt')} ${when(context, version.publishAt)}` : ''}</p>
<ul>${version.texts.map((text) => html`<li><span lang="${text.locale}">${ENDONYMS[text.locale]}</span>${text.locale === advisory.originalLocale ? html` (${t('staffAdvisory.original')})` : ''}:
<strong lang="${text.locale}" dir="auto">${text.title}</strong></li>`)}</ul>
</section>`;
}

interface DetailExtras {
  refusal?: MessageKey | undefined;
  saved?: boolean | undefined;
  /** The language whose text the form shows, and what was sent. */
  locale?: Locale | undefined;
  sent?: Record<string, string>;
}

function advisoryPage(context: StaffContext, advisory: StaffAdvisory, extras: DetailExtras = {}): string {
  const { t } = context;
  const latest = advisory.versions[0]!;
  const original = latest.texts.find((text) => text.locale === advisory.originalLocale)!;
  const locale = extras.locale ?? advisory.originalLocale;
  const current = latest.texts.find((text) => text.locale === locale);
  const open = advisory.status !== 'withdrawn';
  const publishable = open && (latest.publishAt === null || latest.version !== advisory.publicVersion);
  return page(context.console, original.title, html`
<p><a href="${ADVISORIES_STAFF_PAGE}">${t('staffAdvisory.back')}</a></p>
<h1 lang="${original.locale}" dir="auto">${original.title}</h1>
${savedNote(context, extras.saved)}
${refusalNote(context, extras.refusal)}
<dl class="facts">
<div><dt>${t('staffAdvisory.field.status')}</dt><dd>${t(`advisoryStatus.${advisory.status}`)}</dd></div>
<div><dt>${t('audience.label')}</dt><dd>${t(`audience.${advisory.audience}`)}</dd></div>
<div><dt>${t('threat.label')}</dt><dd>${t(`type.${advisory.threat}`)}</dd></div>
<div><dt>${t('staffAdvisory.original')}</dt><dd lang="${advisory.originalLocale}">${ENDONYMS[advisory.originalLocale]}</dd></div>
${advisory.publicVersion === null ? '' : html`<div><dt>${t('staffAdvisory.publicPage')}</dt><dd><a href="${ADVISORIES_PAGE}/${advisory.id}">${ADVISORIES_PAGE}/${advisory.id}</a></dd></div>`}
${advisory.withdrawnAt ? html`<div><dt>${t('advisoryStatus.withdrawn')}</dt><dd>${when(context, advisory.withdrawnAt)}: <span dir="auto">${advisory.withdrawalReason}</span></dd></div>` : ''}
</dl>
<h2>${t('staffAdvisory.versions')}</h2>
${advisory.versions.map((version) => versionSection(context, advisory, version))}
${open && holds(context, ADVISORY_WRITERS) ? html`
<h2 id="text-heading">${t('staffAdvisory.write')}</h2>
<p>${t(latest.publishAt === null ? 'staffAdvisory.write.draft' : 'staffAdvisory.write.newVersion')}</p>
${textInLanguageForms(context, `${ADVISORIES_STAFF_PAGE}/${advisory.id}`, locale, current !== undefined, textFields(context, extras.sent ?? current ?? {}))}` : ''}
${open && holds(context, ADVISORY_WRITERS) ? html`
<h2 id="classify-heading">${t('staffAdvisory.classify')}</h2>
<form class="stack" method="post" action="${ADVISORIES_STAFF_PAGE}/${advisory.id}/classification" aria-labelledby="classify-heading">
${token(context)}
${facts(context, { audience: advisory.audience, threat: advisory.threat, ...extras.sent })}
<div><button type="submit" class="secondary">${t('staffAdvisory.classify.submit')}</button></div>
</form>` : ''}
${publishable && holds(context, ADVISORY_PUBLISHERS) ? html`
<h2 id="publish-heading">${t('staffAdvisory.publish', { version: latest.version })}</h2>
<form class="stack" method="post" action="${ADVISORIES_STAFF_PAGE}/${advisory.id}/publication" aria-labelledby="publish-heading">
${token(context)}
${textField({ id: 'publish-at', name: 'at', label: t('staffAdvisory.publish.at'), hint: t('staffAdvisory.publish.at.hint'), maxLength: 16, required: false, extra: html`type="datetime-local" dir="ltr"` })}
<div><button type="submit">${t('staffAdvisory.publish.submit')}</button></div>
</form>` : ''}
${open && holds(context, ADVISORY_PUBLISHERS) ? html`
<h2 id="withdraw-heading">${t('staffAdvisory.withdraw')}</h2>
<form class="stack" method="post" action="${ADVISORIES_STAFF_PAGE}/${advisory.id}/withdrawal" aria-labelledby="withdraw-heading">
${token(context)}
${textField({ id: 'withdraw-reason', name: 'reason', label: t('staffAdvisory.withdraw.reason'), hint: t('staffAdvisory.withdraw.reason.hint'), maxLength: SUMMARY_MAX_LENGTH, rows: 3 })}
<div><button type="submit" class="secondary">${t('staffAdvisory.withdraw.submit')}</button></div>
</form>` : ''}`);
}

const IdParams = Type.Object({ id: Type.String({ maxLength: 100 }) });
/** `datetime-local` gives minutes without a zone: the form says it is UTC. */
const LocalMinute = Type.String({ pattern: '^(2\\d{3}-\\d{2}-\\d{2}T\\d{2}:\\d{2})?$' });

export function advisoryStaffPages(app: HttpServer, db: Database, node: NodeIdentity): void {
  const config = (roles: readonly Role[]) => ({ access: { roles, purpose: ADVISORIES_PURPOSE }, page: true });
  const contextOf = (request: FastifyRequest) => staffContext(pageContext(request, node));

  /** Runs a change and goes back to the advisory; a refusal is told on its page, with what was sent. */
  async function change(request: FastifyRequest, reply: FastifyReply, id: string, act: () => Promise<unknown>, extras: DetailExtras = {}) {
    try {
      await act();
      return reply.redirect(`${ADVISORIES_STAFF_PAGE}/${id}?saved=true${extras.locale ? `&locale=${extras.locale}` : ''}`, 303);
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal) throw error;
      return sendStaffPage(reply, refusal.status, advisoryPage(contextOf(request), await readAdvisory(db, id), { ...extras, refusal: refusal.message }));
    }
  }

  app.get(ADVISORIES_STAFF_PAGE, { config: config(ADVISORY_STAFF), schema: { hide: true } }, async (request, reply) =>
    sendStaffPage(reply, 200, listPage(contextOf(request), await listAdvisories(db))));

  app.post(ADVISORIES_STAFF_PAGE, {
    config: config(ADVISORY_WRITERS),
    schema: { hide: true, body: Type.Object({ ...TokenField, ...AdvisoryFacts, locale: StringEnum(LOCALES), ...AdvisoryTextFields }, { additionalProperties: false }) },
  }, async (request, reply) => {
    const advisory = await createAdvisory(db, request.body, request);
    return reply.redirect(`${ADVISORIES_STAFF_PAGE}/${advisory.id}?saved=true`, 303);
  });

  app.get(`${ADVISORIES_STAFF_PAGE}/:id`, {
    config: config(ADVISORY_STAFF),
    schema: { hide: true, params: IdParams, querystring: Type.Object({ saved: Type.Optional(Type.Boolean()), locale: Type.Optional(StringEnum(LOCALES)) }, { additionalProperties: false }) },
  }, async (request, reply) =>
    sendStaffPage(reply, 200, advisoryPage(contextOf(request), await readAdvisory(db, request.params.id), request.query)));

  app.post(`${ADVISORIES_STAFF_PAGE}/:id/texts/:locale`, {
    config: config(ADVISORY_WRITERS),
    schema: { hide: true, params: Type.Object({ id: Type.String({ maxLength: 100 }), locale: StringEnum(LOCALES) }), body: Type.Object({ ...TokenField, ...AdvisoryTextFields }, { additionalProperties: false }) },
  }, (request, reply) => {
    const { title, summary, body } = request.body;
    const { locale } = request.params;
    return change(request, reply, request.params.id, () => writeAdvisoryText(db, request.params.id, { locale, title, summary, body }, request), { locale, sent: { title, summary, body } });
  });

  app.post(`${ADVISORIES_STAFF_PAGE}/:id/classification`, {
    config: config(ADVISORY_WRITERS),
    schema: { hide: true, params: IdParams, body: Type.Object({ ...TokenField, ...AdvisoryFacts }, { additionalProperties: false }) },
  }, (request, reply) => {
    const { audience, threat } = request.body;
    return change(request, reply, request.params.id, () => classifyAdvisory(db, request.params.id, { audience, threat }, request), { sent: { audience, threat } });
  });

  app.post(`${ADVISORIES_STAFF_PAGE}/:id/publication`, {
    config: config(ADVISORY_PUBLISHERS),
    schema: { hide: true, params: IdParams, body: Type.Object({ ...TokenField, at: Type.Optional(LocalMinute) }, { additionalProperties: false }) },
  }, (request, reply) => change(request, reply, request.params.id, () => publishAdvisory(db, request.params.id, minuteOf(request.body.at), request)));

  app.post(`${ADVISORIES_STAFF_PAGE}/:id/withdrawal`, {
    config: config(ADVISORY_PUBLISHERS),
    schema: { hide: true, params: IdParams, body: Type.Object({ ...TokenField, reason: PublishedText(SUMMARY_MAX_LENGTH) }, { additionalProperties: false }) },
  }, (request, reply) => change(request, reply, request.params.id, () => withdrawAdvisory(db, request.params.id, request.body.reason, request)));
}
