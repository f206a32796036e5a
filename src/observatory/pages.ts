/**
 * The observatory's pages: `/observatory` for everyone, in the portal's frame and without script
 * (figures of people below the publication threshold are not shown), and `/observatory/analysis`
 * for the staff who handle reports, with everything counted and the identifiers that link reports.
 */
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { recordAudit } from '../audit/record.ts';
import { type NodeIdentity, isolated } from '../console/layout.ts';
import type { Database } from '../platform/db/database.ts';
import { type Locale, direction, regionName } from '../platform/i18n/locales.ts';
import { PUBLIC } from '../platform/http/access.ts';
import { type SafeHtml, html } from '../platform/http/html.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { OBSERVATORY_PAGE, type PublicContext, SURVEY_PAGE, publicContext, publicPage } from '../prevention/layout.ts';
import { type MessageKey as PortalKey, messages as portalMessages } from '../prevention/messages.ts';
import { sendPublic } from '../prevention/public-lists.ts';
import { REPORTS_PURPOSE } from '../prevention/reports.ts';
import { REPORT_HANDLERS } from '../prevention/routes.ts';
import { QUEUE_PAGE } from '../prevention/staff-pages.ts';
import { HTML, kindLabel, requestsContext, requestsPage } from '../requests/page-common.ts';
import { barChart } from '../platform/http/charts.ts';
import { type MessageKey, messages } from './messages.ts';
import { SMALLEST_PUBLISHED, publishable } from './open-data.ts';
import { OBSERVATORY_DATA } from './routes.ts';
import {
  DEFAULT_MONTHS, MONTH_CHOICES, type MonthlyCount, type Period, RISING_WINDOW_DAYS, indicatorCounts, periodOf, reportCounts,
  requestCounts, risingTypes, sharedIdentifiers, surveyCounts,
} from './trends.ts';

export const ANALYSIS_PAGE = `${OBSERVATORY_PAGE}/analysis`;

type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

interface ObservatoryContext {
  locale: Locale;
  t: Translate;
  number: (value: number) => string;
  month: (month: string) => string;
}

function observatoryContext(locale: Locale): ObservatoryContext {
  const translate = messages.for(locale);
  const numbers = new Intl.NumberFormat(locale);
  const months = new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' });
  return {
    locale,
    t: (key, values) => translate(key, values && isolated(values)),
    number: (value) => numbers.format(value),
    month: (month) => months.format(new Date(`${month}-01T00:00:00Z`)),
  };
}

/** The portal's label for a value kept in the database (an incident type…), the value itself if it has none. */
function portalLabel({ t }: PublicContext, key: string, value: string): string {
  return (portalMessages.keys as readonly string[]).includes(key) ? t(key as PortalKey) : value;
}

/** A line of a table: a sum, and whether cells too small to publish were left out of it. */
interface Total {
  label: string;
  count: number;
  partial: boolean;
}

/**
 * Sums of counts by a key, largest first, ties in the key's order. `withheld` cells are left out
 * of the sums, which say so: a total that included them would give them away by subtraction from
 * the figures published cell by cell.
 */
function totals(counts: readonly MonthlyCount[], key: (count: MonthlyCount) => string, withheld = (_count: number) => false): Total[] {
  const sums = new Map<string, Total>();
  for (const count of counts) {
    const total = sums.get(key(count)) ?? { label: key(count), count: 0, partial: false };
    if (withheld(count.count)) total.partial = true;
    else total.count += count.count;
    sums.set(total.label, total);
  }
  return [...sums.values()].sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}

/** A total as read: a number, "at least" a number when cells were left out of it, or "too few" when all were. */
const figure = ({ t, number }: ObservatoryContext, total: Total) =>
  (!total.partial ? number(total.count) : total.count === 0 ? t('withheld') : t('atLeast', { count: number(total.count) }));

/** A chart of one series, then the same figures in a table; a total that leaves cells out is not drawn (its bar would be too short). */
function figureSection(context: ObservatoryContext, id: string, title: string, description: string, head: string, rows: readonly Total[]): SafeHtml {
  const { t, locale } = context;
  const drawn = rows.filter((row) => !row.partial);
  return html`<section aria-labelledby="${id}-heading">
<h2 id="${id}-heading">${title}</h2>
${drawn.length ? barChart({ id, title, description, series: [t('column.count')], bars: drawn.map((row) => ({ label: row.label, values: [row.count] })), rtl: direction(locale) === 'rtl', format: context.number }) : ''}
<div class="wide"><table><caption>${title}</caption>
<thead><tr><th scope="col">${head}</th><th scope="col">${t('column.count')}</th></tr></thead>
<tbody>${rows.map((row) => html`<tr><th scope="row">${row.label}</th><td>${figure(context, row)}</td></tr>`)}</tbody>
</table></div>
</section>`;
}

function periodForm({ t, number }: ObservatoryContext, action: string, months: number, problem?: boolean): SafeHtml {
  return html`<form method="get" action="${action}" class="stack">
<div><label for="months">${t('period')}</label>
${problem ? html`<p class="error" id="months-error" role="alert">${t('error.months')}</p>` : ''}
<select id="months" name="months" ${problem ? html`aria-invalid="true" aria-describedby="months-error"` : ''}>${MONTH_CHOICES.map((choice) =>
  html`<option value="${choice}" ${choice === months ? html`selected` : ''}>${t('period.months', { months: number(choice) })}</option>`)}</select></div>
<div><button type="submit">${t('show')}</button></div>
</form>`;
}

/** The months of the period with their totals, every month listed, none missing. */
const monthRows = (context: ObservatoryContext, period: Period, counts: readonly MonthlyCount[], withheld?: (count: number) => boolean): Total[] =>
  period.months.map((month) => totals(counts.filter((count) => count.month === month), () => context.month(month), withheld)[0] ?? { label: context.month(month), count: 0, partial: false });

interface PublicFigures {
  reports: MonthlyCount[];
  businesses: MonthlyCount[];
}

function publicObservatoryPage(request: FastifyRequest, months: number, figures: PublicFigures | undefined, period: Period): string {
  const portal = publicContext(request);
  const context = observatoryContext(portal.locale);
  const { t } = context;
  const tooSmall = (count: number) => publishable(count) === null;
  const body = figures === undefined ? '' : html`
${figures.reports.length === 0 ? html`<p>${t('reports.none')}</p>` : html`
<p>${t('suppressed', { smallest: context.number(SMALLEST_PUBLISHED - 1) })}</p>
${figureSection(context, 'by-type', t('reports.byType'), t('reports.byType.description'), t('column.type'), totals(figures.reports, (count) => portalLabel(portal, `type.${count.category}`, count.category), tooSmall))}
${figureSection(context, 'by-month', t('reports.byMonth'), t('reports.byMonth.description'), t('column.month'), monthRows(context, period, figures.reports, tooSmall))}`}
<section aria-labelledby="businesses-heading">
<h2 id="businesses-heading">${t('businesses')}</h2>
${figures.businesses.length === 0 ? html`<p>${t('businesses.none')}</p>` : html`<p>${t('businesses.intro')} <a href="${SURVEY_PAGE}">${portal.t('help.survey.link')}</a></p>
<div class="wide"><table><caption>${t('businesses')}</caption>
<thead><tr><th scope="col">${t('column.type')}</th><th scope="col">${t('column.count')}</th></tr></thead>
<tbody>${totals(figures.businesses, (count) => count.category, tooSmall).map((total) =>
  html`<tr><th scope="row">${portalLabel(portal, `survey.incidents.${total.label}`, total.label)}</th><td>${figure(context, total)}</td></tr>`)}</tbody>
</table></div>`}
</section>
<section aria-labelledby="data-heading">
<h2 id="data-heading">${t('data')}</h2>
<p>${t('data.intro')}</p>
<ul><li><a href="${OBSERVATORY_DATA}.csv?months=${months}" download>${t('data.csv')}</a></li><li><a href="${OBSERVATORY_DATA}.json?months=${months}">${t('data.json')}</a></li></ul>
</section>`;
  return publicPage(portal, t('title'), html`<h1>${t('title')}</h1>
<p>${t('intro')}</p>
${periodForm(context, OBSERVATORY_PAGE, months, figures === undefined)}
${body}`);
}

const stateName = (locale: Locale, code: string | undefined) => (code === undefined ? '—' : regionName(code, locale) ?? code);

interface StaffFigures {
  reports: MonthlyCount[];
  rising: Awaited<ReturnType<typeof risingTypes>>;
  shared: Awaited<ReturnType<typeof sharedIdentifiers>>;
  indicators: MonthlyCount[];
  sent: MonthlyCount[];
  received: MonthlyCount[];
}

function analysisPage(request: FastifyRequest, node: NodeIdentity, months: number, figures: StaffFigures | undefined): string {
  const requests = requestsContext(request, node);
  const portal = publicContext(request);
  const context = observatoryContext(requests.locale);
  const { t, number } = context;
  const typeName = (type: string) => portalLabel(portal, `type.${type}`, type);
  const days = number(RISING_WINDOW_DAYS);
  const when = new Intl.DateTimeFormat(requests.locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const kinds = [...new Set([...(figures?.sent ?? []), ...(figures?.received ?? [])].map((count) => count.category))].sort();
  const sum = (counts: readonly MonthlyCount[], kind: string) => counts.filter((count) => count.category === kind).reduce((total, count) => total + count.count, 0);
  const body = figures === undefined ? '' : html`
<section aria-labelledby="rising-heading">
<h2 id="rising-heading">${t('rising')}</h2>
<p>${t('rising.intro', { days })}</p>
${figures.rising.length === 0 ? html`<p>${t('rising.none')}</p>` : html`<div class="wide"><table><caption>${t('rising')}</caption>
<thead><tr><th scope="col">${t('column.type')}</th><th scope="col">${t('rising.recent', { days })}</th><th scope="col">${t('rising.before', { days })}</th></tr></thead>
<tbody>${figures.rising.map((rise) => html`<tr><th scope="row">${typeName(rise.category)}</th><td>${number(rise.recent)}</td><td>${number(rise.before)}</td></tr>`)}</tbody>
</table></div>`}
</section>
<section aria-labelledby="shared-heading">
<h2 id="shared-heading">${t('shared')}</h2>
<p>${t('shared.intro')}</p>
${figures.shared.length === 0 ? html`<p>${t('shared.none')}</p>` : html`<div class="wide"><table><caption>${t('shared')}</caption>
<thead><tr><th scope="col">${t('shared.value')}</th><th scope="col">${t('shared.kind')}</th><th scope="col">${t('shared.reports')}</th><th scope="col">${t('shared.first')}</th><th scope="col">${t('shared.last')}</th></tr></thead>
<tbody>${figures.shared.map((item) => html`<tr><th scope="row"><code dir="ltr">${item.value}</code></th><td>${portalLabel(portal, `ident.${item.kind}`, item.kind)}</td>
<td>${number(item.reports)}: ${item.references.map((reference, index) => html`${index ? ', ' : ''}<a href="${QUEUE_PAGE}/${reference}"><code dir="ltr">${reference}</code></a>`)}</td>
<td>${when.format(item.first)}</td><td>${when.format(item.last)}</td></tr>`)}</tbody>
</table></div>`}
</section>
${figures.reports.length === 0 ? html`<p>${t('reports.none')}</p>` : figureSection(context, 'by-type', t('reports.byType'), t('reports.byType.description'), t('column.type'), totals(figures.reports, (count) => typeName(count.category)))}
${figures.indicators.length === 0 ? html`<p>${t('indicators.none')}</p>` : html`
${figureSection(context, 'indicators', t('indicators'), t('indicators.description'), t('column.stixType'), totals(figures.indicators, (count) => count.category))}
<div class="wide"><table><caption>${t('indicators')}</caption>
<thead><tr><th scope="col">${t('column.stixType')}</th><th scope="col">${t('column.state')}</th><th scope="col">${t('column.count')}</th></tr></thead>
<tbody>${totals(figures.indicators, (count) => `${count.category}\u0000${count.state ?? ''}`).map((total) => {
    const [type, state] = total.label.split('\u0000');
    return html`<tr><th scope="row">${type}</th><td>${stateName(requests.locale, state || undefined)}</td><td>${number(total.count)}</td></tr>`;
  })}</tbody>
</table></div>`}
<section aria-labelledby="requests-heading">
<h2 id="requests-heading">${t('requests')}</h2>
${kinds.length === 0 ? html`<p>${t('requests.none')}</p>` : html`
${barChart({ id: 'requests', title: t('requests'), description: t('requests.description'), series: [t('column.sent'), t('column.received')],
    bars: kinds.map((kind) => ({ label: kindLabel(requests, kind), values: [sum(figures.sent, kind), sum(figures.received, kind)] })), rtl: direction(requests.locale) === 'rtl', format: number })}
<div class="wide"><table><caption>${t('requests')}</caption>
<thead><tr><th scope="col">${t('column.kind')}</th><th scope="col">${t('column.sent')}</th><th scope="col">${t('column.received')}</th></tr></thead>
<tbody>${kinds.map((kind) => html`<tr><th scope="row">${kindLabel(requests, kind)}</th><td>${number(sum(figures.sent, kind))}</td><td>${number(sum(figures.received, kind))}</td></tr>`)}</tbody>
</table></div>`}
</section>`;
  return requestsPage(requests, t('staff.title'), html`<h1>${t('staff.title')}</h1>
<p>${t('staff.intro')} <a href="${OBSERVATORY_PAGE}">${t('staff.public')}</a></p>
${periodForm(context, ANALYSIS_PAGE, months, figures === undefined)}
${body}`, true);
}

/** The period asked for, or undefined when it is not one of the choices offered (the page then says so). */
function monthsAsked(query: { months?: string | undefined }): number | undefined {
  if (query.months === undefined || query.months === '') return DEFAULT_MONTHS;
  const months = Number(query.months);
  return (MONTH_CHOICES as readonly number[]).includes(months) ? months : undefined;
}

export const MonthsQuery = Type.Object({ months: Type.Optional(Type.String({ maxLength: 10 })) }, { additionalProperties: false });

export function observatoryPages(app: HttpServer, db: Database, node: NodeIdentity): void {
  app.get(OBSERVATORY_PAGE, { config: { access: PUBLIC, page: true }, schema: { hide: true, querystring: MonthsQuery } }, async (request, reply) => {
    const months = monthsAsked(request.query);
    const period = periodOf(months ?? DEFAULT_MONTHS);
    const figures = months === undefined ? undefined : { reports: await reportCounts(db, period), businesses: await surveyCounts(db, period) };
    return sendPublic(reply, months === undefined ? 400 : 200, publicObservatoryPage(request, months ?? DEFAULT_MONTHS, figures, period));
  });

  app.get(ANALYSIS_PAGE, {
    config: { access: { roles: REPORT_HANDLERS, purpose: REPORTS_PURPOSE }, page: true },
    schema: { hide: true, querystring: MonthsQuery },
  }, async (request, reply) => {
    const months = monthsAsked(request.query);
    let figures: StaffFigures | undefined;
    if (months !== undefined) {
      const period = periodOf(months);
      figures = {
        reports: await reportCounts(db, period),
        rising: await risingTypes(db),
        shared: await sharedIdentifiers(db),
        indicators: await indicatorCounts(db, period, node.state, false),
        sent: await requestCounts(db, period, 'requester'),
        received: await requestCounts(db, period, 'executor'),
      };
      await auditSharedIdentifiers(db, request, figures.shared.length);
    }
    return reply.code(months === undefined ? 400 : 200).type(HTML).header('cache-control', 'no-store')
      .send(analysisPage(request, node, months ?? DEFAULT_MONTHS, figures));
  });
}

/** The identifiers shown link reports, and may name people: every reading is recorded. */
function auditSharedIdentifiers(db: Database, request: FastifyRequest, shown: number) {
  return recordAudit(db, {
    actor: request.actor, action: 'observatory.identifiers.read', subject: { type: 'report' }, purpose: REPORTS_PURPOSE, requestId: request.id, details: { shown },
  });
}
