/**
 * The public's advisories: the list, filtered by audience and threat with a plain GET form, and
 * each advisory in the reader's language, or in its original language, said so, when it has not
 * been translated into theirs. A withdrawn advisory's page says that it was, and why (410 Gone).
 */
import { Type } from 'typebox';
import type { Database } from '../platform/db/database.ts';
import { ENDONYMS } from '../platform/i18n/locales.ts';
import { PUBLIC } from '../platform/http/access.ts';
import { type SafeHtml, html } from '../platform/http/html.ts';
import { notFound } from '../platform/http/problem.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { type AdvisoryText, type PublicAdvisory, publicAdvisories } from './advisories.ts';
import { INCIDENT_TYPES } from './incidents.ts';
import { ADVISORIES_PAGE, ADVISORY_FEED, type PublicContext, publicContext, publicPage } from './layout.ts';
import { FilterChoice, PUBLIC_AUDIENCES, dateOf, languageOf, paragraphs, textFor } from './published-texts.ts';
import { type FilterOption, filterForm, sendPublic } from './public-lists.ts';

const LIST_LIMIT = 100;

const AdvisoryFilter = Type.Object({ audience: FilterChoice(PUBLIC_AUDIENCES), threat: FilterChoice(INCIDENT_TYPES) }, { additionalProperties: false });

/** The advisory's text for this reader: theirs, or its original. */
export const advisoryText = (context: PublicContext, advisory: PublicAdvisory) =>
  textFor<AdvisoryText>(advisory.texts, context.locale, [advisory.originalLocale])!;

export const advisoryFeedLink = ({ t, locale }: PublicContext) => ({ href: `${ADVISORY_FEED}?lang=${locale}`, title: t('advisories.feed.title', { site: t('site.name') }) });

function facts(context: PublicContext, advisory: PublicAdvisory): SafeHtml {
  const { t } = context;
  return html`<ul class="tags">
<li>${t('audience.label')}: ${t(`audience.${advisory.audience}`)}</li>
<li>${t('threat.label')}: ${t(`type.${advisory.threat}`)}</li>
<li>${t('advisory.updated')} ${dateOf(context, advisory.updatedAt)}</li>
</ul>`;
}

function listPage(context: PublicContext, filter: Record<string, string | undefined>, advisories: PublicAdvisory[]): string {
  const { t } = context;
  const choices: FilterOption[] = [
    { name: 'audience', label: t('audience.label'), options: PUBLIC_AUDIENCES.map((audience) => [audience, t(`audience.${audience}`)]) },
    { name: 'threat', label: t('threat.label'), options: INCIDENT_TYPES.map((type) => [type, t(`type.${type}`)]) },
  ];
  const feed = advisoryFeedLink(context);
  return publicPage(context, t('advisories.title'), html`
<h1>${t('advisories.title')}</h1>
<p>${t('advisories.intro')}</p>
${filterForm(context, ADVISORIES_PAGE, filter, choices)}
${advisories.length === 0 ? html`<p role="status">${t('advisories.none')}</p>` : html`<ul class="results">${advisories.map((advisory) => {
    const { text } = advisoryText(context, advisory);
    return html`<li>
<h2 ${languageOf(context, text.locale)}><a href="${ADVISORIES_PAGE}/${advisory.id}">${text.title}</a></h2>
<p ${languageOf(context, text.locale)}>${text.summary}</p>
${facts(context, advisory)}
</li>`;
  })}</ul>`}
<p><a href="${feed.href}" type="application/atom+xml">${t('advisories.feed')}</a></p>`, { feed });
}

function advisoryPage(context: PublicContext, advisory: PublicAdvisory): string {
  const { t } = context;
  const { text, translated } = advisoryText(context, advisory);
  return publicPage(context, text.title, html`
<p><a href="${ADVISORIES_PAGE}">${t('advisory.back')}</a></p>
${translated ? '' : html`<p class="notice">${t('advisory.untranslated', { language: ENDONYMS[text.locale] })}</p>`}
<article ${languageOf(context, text.locale)}>
<h1>${text.title}</h1>
<p class="lead">${text.summary}</p>
${paragraphs(text.body)}
</article>
<dl class="facts">
<div><dt>${t('audience.label')}</dt><dd>${t(`audience.${advisory.audience}`)}</dd></div>
<div><dt>${t('threat.label')}</dt><dd>${t(`type.${advisory.threat}`)}</dd></div>
<div><dt>${t('advisory.published')}</dt><dd>${dateOf(context, advisory.publishedAt)}</dd></div>
<div><dt>${t('advisory.updated')}</dt><dd>${dateOf(context, advisory.updatedAt)} · ${t('advisory.version', { version: advisory.version })}</dd></div>
</dl>`, { feed: advisoryFeedLink(context) });
}

function withdrawnPage(context: PublicContext, advisory: PublicAdvisory & { withdrawnAt: Date; withdrawalReason: string }): string {
  const { t } = context;
  const { text } = advisoryText(context, advisory);
  return publicPage(context, t('advisory.withdrawn.title'), html`
<p><a href="${ADVISORIES_PAGE}">${t('advisory.back')}</a></p>
<h1>${t('advisory.withdrawn.title')}</h1>
<p class="notice"><span ${languageOf(context, text.locale)}>${text.title}</span></p>
<p>${t('advisory.withdrawn.on')} ${dateOf(context, advisory.withdrawnAt)}</p>
<h2>${t('advisory.withdrawn.reason')}</h2>
<p class="prose" dir="auto">${advisory.withdrawalReason}</p>`);
}

const isWithdrawn = (advisory: PublicAdvisory): advisory is PublicAdvisory & { withdrawnAt: Date; withdrawalReason: string } => advisory.withdrawnAt !== null;

export function advisoryPages(app: HttpServer, db: Database): void {
  const config = { access: PUBLIC, page: true };

  app.get(ADVISORIES_PAGE, { config, schema: { hide: true, querystring: AdvisoryFilter } }, async (request, reply) => {
    const filter = request.query;
    const advisories = await publicAdvisories(db, { audience: filter.audience || undefined, threat: filter.threat || undefined, withdrawn: false, limit: LIST_LIMIT });
    return sendPublic(reply, 200, listPage(publicContext(request), filter, advisories));
  });

  app.get(`${ADVISORIES_PAGE}/:id`, { config, schema: { hide: true, params: Type.Object({ id: Type.String({ maxLength: 100 }) }) } }, async (request, reply) => {
    const [advisory] = await publicAdvisories(db, { id: request.params.id, withdrawn: true, limit: 1 });
    if (!advisory) throw notFound(`advisory ${request.params.id}`);
    const context = publicContext(request);
    return isWithdrawn(advisory) ? sendPublic(reply, 410, withdrawnPage(context, advisory)) : sendPublic(reply, 200, advisoryPage(context, advisory));
  });
}
