/**
 * The console's statistics page: a period form (GET, no script), then for each view a bar chart in
 * SVG followed by the same figures in a table, and a link to the CSV of the API.
 */
import { Type } from 'typebox';
import { type NodeIdentity, isolated } from '../console/layout.ts';
import { listPeers } from '../federation/trust.ts';
import type { Database } from '../platform/db/database.ts';
import { direction, regionName } from '../platform/i18n/locales.ts';
import { type SafeHtml, html } from '../platform/http/html.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { KIND_NAMES } from '../requests/kinds.ts';
import { HTML, type RequestsContext, kindLabel, optionLabel, requestsContext, requestsPage } from '../requests/page-common.ts';
import { barChart } from '../platform/http/charts.ts';
import { type FilterProblem, type StatisticsFilter, type StatisticsQuery, readFilter } from './filter.ts';
import { type MessageKey, messages } from './messages.ts';
import { OUTCOMES } from './outcomes.ts';
import { DIRECTIONS, type Direction, type RequestStatistics, type StatisticsGroup, UNKNOWN_STATE, requestStatistics } from './requests-statistics.ts';
import { STATISTICS_API, STATISTICS_PURPOSE, STATISTICS_READERS } from './routes.ts';

export const STATISTICS_PAGE = '/statistics';
const HOURS_IN_DAYS = 48;

/** The form's fields as a browser sends them; what they mean is checked by `readFilter`, which the page explains. */
const PageQuery = Type.Object(Object.fromEntries(['from', 'to', 'kind', 'state'].map((name) => [name, Type.Optional(Type.String({ maxLength: 40 }))])), { additionalProperties: false });

interface StatisticsContext {
  requests: RequestsContext;
  t: (key: MessageKey, values?: Record<string, string | number>) => string;
  number: (value: number) => string;
}

function statisticsContext(requests: RequestsContext): StatisticsContext {
  const translate = messages.for(requests.locale);
  const numbers = new Intl.NumberFormat(requests.locale);
  return { requests, t: (key, values) => translate(key, values && isolated(values)), number: (value) => numbers.format(value) };
}

const stateName = ({ requests, t }: StatisticsContext, code: string) => (code === UNKNOWN_STATE ? t('unknown-state') : regionName(code, requests.locale) ?? code);

/** A time in the reader's units: hours when short, days when longer, so that a preservation and an MLA request both read well. */
function duration({ requests }: StatisticsContext, hours: number | null): string {
  if (hours === null) return '–';
  const [value, unit] = hours < HOURS_IN_DAYS ? [hours, 'hour'] : [hours / 24, 'day'];
  return new Intl.NumberFormat(requests.locale, { style: 'unit', unit, unitDisplay: 'long', maximumFractionDigits: 1 }).format(value);
}

const rate = ({ requests }: StatisticsContext, value: number | null) =>
  value === null ? '–' : new Intl.NumberFormat(requests.locale, { style: 'percent', maximumFractionDigits: 1 }).format(value);

function filterForm(context: StatisticsContext, query: StatisticsQuery, states: readonly string[]): SafeHtml {
  const { t } = context;
  const select = (name: 'kind' | 'state', options: readonly (readonly [string, string])[]) => html`<div><label for="stat-${name}">${t(name)}</label>
  <select id="stat-${name}" name="${name}"><option value="">${t('all')}</option>${options.map(([value, label]) =>
    html`<option value="${value}" ${query[name] === value ? html`selected` : ''}>${label}</option>`)}</select></div>`;
  return html`<form class="filters" method="get" action="${STATISTICS_PAGE}" aria-label="${t('filters')}">
  <div><label for="stat-from">${t('from')}</label><input id="stat-from" name="from" type="date" value="${query.from ?? ''}"></div>
  <div><label for="stat-to">${t('to')}</label><input id="stat-to" name="to" type="date" value="${query.to ?? ''}"></div>
  ${select('kind', KIND_NAMES.map((kind) => [kind, kindLabel(context.requests, kind)] as const))}
  ${select('state', states.map((code) => [code, stateName(context, code)] as const))}
  <div><button type="submit">${t('show')}</button></div>
</form>`;
}

/** A table of figures by direction: one row per line of the chart, a column for sent and one for received. */
function directionTable(context: StatisticsContext, caption: string, head: string, lines: readonly { label: string; values: readonly string[] }[]): SafeHtml {
  const { t } = context;
  return html`<div class="wide"><table>
<caption>${caption}</caption>
<thead><tr><th scope="col">${head}</th>${DIRECTIONS.map((d) => html`<th scope="col">${t(d)}</th>`)}</tr></thead>
<tbody>${lines.map((line) => html`<tr><th scope="row">${line.label}</th>${line.values.map((value) => html`<td>${value}</td>`)}</tr>`)}</tbody>
</table></div>`;
}

/** A chart of the groups at one level, followed by its table. */
function section(context: StatisticsContext, id: string, title: string, lines: readonly { label: string; values: readonly number[] }[]): SafeHtml {
  const { t, requests } = context;
  return html`<section aria-labelledby="${id}-heading">
<h2 id="${id}-heading">${title}</h2>
${barChart({ id, title, description: t('chart.desc'), series: DIRECTIONS.map((d) => t(d)), bars: lines, rtl: direction(requests.locale) === 'rtl', format: context.number })}
${directionTable(context, title, t('figure'), lines.map((line) => ({ label: line.label, values: line.values.map(context.number) })))}
</section>`;
}

/** Rows keyed by `key`, each with its sent and its received row (undefined where there is none). */
function byDirection<T extends { direction: Direction }>(rows: readonly T[], key: (row: T) => string): { key: string; values: (T | undefined)[] }[] {
  const keys = [...new Set(rows.map(key))].sort();
  return keys.map((k) => ({ key: k, values: DIRECTIONS.map((d) => rows.find((row) => row.direction === d && key(row) === k)) }));
}

function figures(context: StatisticsContext, statistics: RequestStatistics): SafeHtml {
  const { t } = context;
  const at = (level: StatisticsGroup['level']) => statistics.groups.filter((g) => g.level === level);
  const totals = DIRECTIONS.map((d) => at('total').find((g) => g.direction === d));
  if (totals.every((g) => !g)) return html`<p>${t('none')}</p>`;
  const count = (g: StatisticsGroup | undefined, pick: (g: StatisticsGroup) => number) => (g ? pick(g) : 0);
  const summary: [string, (g: StatisticsGroup | undefined) => string][] = [
    [t('col.requests'), (g) => context.number(count(g, (x) => x.requests))],
    [t('col.open'), (g) => context.number(count(g, (x) => x.open))],
    [t('col.overdue'), (g) => context.number(count(g, (x) => x.overdue))],
    [t('col.closed'), (g) => context.number(count(g, (x) => x.closed))],
    [t('col.success'), (g) => rate(context, g?.successRate ?? null)],
    [t('col.refusal'), (g) => rate(context, g?.refusalRate ?? null)],
    [t('col.median'), (g) => duration(context, g?.medianHours ?? null)],
    [t('col.p90'), (g) => duration(context, g?.p90Hours ?? null)],
  ];
  const states = byDirection(at('state'), (g) => g.state!);
  const kinds = byDirection(at('kind'), (g) => g.kind!);
  const outcomes = [...OUTCOMES.map((o) => [t(`outcome.${o}`), (g: StatisticsGroup) => g[o]] as const), [t('outcome.open'), (g: StatisticsGroup) => g.open] as const];
  const reasons = byDirection(statistics.refusals, (r) => r.reason);
  const reasonLabel = (reason: string) => (reason === 'unstated' ? t('reason.unstated') : optionLabel(context.requests, 'grounds', reason));
  return html`
<section aria-labelledby="summary-heading"><h2 id="summary-heading">${t('summary')}</h2>
${directionTable(context, t('summary'), t('figure'), summary.map(([label, value]) => ({ label, values: totals.map(value) })))}</section>
${section(context, 'by-state', t('by-state'), states.map((s) => ({ label: stateName(context, s.key), values: s.values.map((g) => count(g, (x) => x.requests)) })))}
${section(context, 'by-kind', t('by-kind'), kinds.map((k) => ({ label: kindLabel(context.requests, k.key), values: k.values.map((g) => count(g, (x) => x.requests)) })))}
${section(context, 'by-outcome', t('by-outcome'), outcomes.map(([label, pick]) => ({ label, values: totals.map((g) => count(g, pick)) })))}
<section aria-labelledby="times-heading"><h2 id="times-heading">${t('times')}</h2>
<div class="wide"><table><caption>${t('times')}</caption>
<thead><tr><th scope="col">${t('kind')}</th>${DIRECTIONS.flatMap((d) => [html`<th scope="col">${t(d)}: ${t('col.median')}</th>`, html`<th scope="col">${t(d)}: ${t('col.p90')}</th>`])}</tr></thead>
<tbody>${kinds.map((k) => html`<tr><th scope="row">${kindLabel(context.requests, k.key)}</th>${k.values.flatMap((g) => [html`<td>${duration(context, g?.medianHours ?? null)}</td>`, html`<td>${duration(context, g?.p90Hours ?? null)}</td>`])}</tr>`)}</tbody>
</table></div></section>
<section aria-labelledby="refusals-heading"><h2 id="refusals-heading">${t('refusals')}</h2>
<p>${t('refusals.note')}</p>
${directionTable(context, t('refusals'), t('col.reason'), reasons.map((r) => ({ label: reasonLabel(r.key), values: r.values.map((x) => context.number(x?.count ?? 0)) })))}
</section>`;
}

function statisticsPage(context: StatisticsContext, query: StatisticsQuery, states: readonly string[], result: { filter: StatisticsFilter; statistics: RequestStatistics } | { problems: FilterProblem[] }): string {
  const { t } = context;
  const body = 'problems' in result
    ? html`<div class="error" role="alert"><p>${t('problems')}</p><ul>${result.problems.map((p) => html`<li>${t(`problem.${p.problem}`, { field: t(p.field) })}</li>`)}</ul></div>`
    : html`<p><a href="${STATISTICS_API}.csv?${new URLSearchParams(Object.entries({ from: result.filter.from, to: result.filter.to, kind: result.filter.kind, state: result.filter.state }).filter((e): e is [string, string] => e[1] !== undefined)).toString()}" download>${t('csv')}</a></p>
${figures(context, result.statistics)}`;
  return requestsPage(context.requests, t('title'), html`<h1>${t('title')}</h1>
<p>${t('intro')}</p>
${filterForm(context, 'filter' in result ? { ...query, from: result.filter.from, to: result.filter.to } : query, states)}
${body}`, true);
}

export function statisticsPages(app: HttpServer, db: Database, node: NodeIdentity): void {
  app.get(STATISTICS_PAGE, {
    config: { access: { roles: STATISTICS_READERS, purpose: STATISTICS_PURPOSE }, page: true },
    schema: { hide: true, querystring: PageQuery },
  }, async (request, reply) => {
    const query = request.query as StatisticsQuery;
    const context = statisticsContext(requestsContext(request, node));
    const states = [...new Set([...(await listPeers(db)).map((peer) => peer.state), UNKNOWN_STATE])].sort();
    const read = readFilter(query);
    const result = 'filter' in read ? { filter: read.filter, statistics: await requestStatistics(db, read.filter) } : read;
    return reply.code('filter' in read ? 200 : 400).type(HTML).send(statisticsPage(context, query, states, result));
  });
}
