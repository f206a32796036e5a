/**
 * The console's pages for the staff who handle reports: the triage queue and one report with the
 * reports that share an identifier with it. They call the same functions as the API, so every
 * page shown is an audited read.
 */
import { Type } from 'typebox';
import { type NodeIdentity, type PageContext, page, pageContext } from '../console/layout.ts';
import { CSRF_FIELD } from '../identity/guard.ts';
import type { Database } from '../platform/db/database.ts';
import { type SafeHtml, html } from '../platform/http/html.ts';
import { HttpProblem } from '../platform/http/problem.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { ENDONYMS, isLocale } from '../platform/i18n/locales.ts';
import { StringEnum } from '../platform/schema.ts';
import { parseReference } from './codes.ts';
import { INCIDENT_TYPES, SEVERITIES } from './incidents.ts';
import { translator } from './layout.ts';
import type { MessageKey } from './locales/en.ts';
import type { Translate } from './messages.ts';
import { type Entry, InvalidInput, REPORTS_PURPOSE, REPORT_STATUSES, STAFF_STATUSES, type StaffView, answerReport, listReports, readReport } from './reports.ts';
import { REPORT_HANDLERS, reportFilePath } from './routes.ts';
import { CASE_REFERENCE_MAX_LENGTH, linkReportToCase } from './case-links.ts';

export const QUEUE_PAGE = '/prevention/reports';
const HTML = 'text/html; charset=utf-8';
const QUEUE_LIMIT = 200;

export interface StaffContext {
  console: PageContext;
  t: Translate;
}

export const staffContext = (console: PageContext): StaffContext => ({ console, t: translator(console.locale) });

/** The filters as a GET form sends them: an empty value is "all". */
const QueueFilter = Type.Object({
  type: Type.Optional(StringEnum(['', ...INCIDENT_TYPES] as const)),
  severity: Type.Optional(StringEnum(['', ...SEVERITIES] as const)),
  status: Type.Optional(StringEnum(['', ...REPORT_STATUSES] as const)),
}, { additionalProperties: false });

export function when({ console: { locale } }: StaffContext, date: Date): SafeHtml {
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(date);
  const time = new Intl.DateTimeFormat(locale, { timeStyle: 'short' }).format(date);
  return html`<time datetime="${date.toISOString()}"><span class="whole">${day}</span> <span class="whole">${time}</span></time>`;
}

const reportLink = (reference: string) => html`<a href="${QUEUE_PAGE}/${reference}"><code dir="ltr">${reference}</code></a>`;

function queuePage(context: StaffContext, filter: Record<string, string | undefined>, reports: Awaited<ReturnType<typeof listReports>>): string {
  const { t } = context;
  const choice = (name: string, label: string, options: readonly (readonly [string, string])[]) => html`
  <div><label for="filter-${name}">${label}</label>
  <select id="filter-${name}" name="${name}">
    <option value="">${t('staff.filter.all')}</option>
    ${options.map(([value, text]) => html`<option value="${value}" ${filter[name] === value ? html`selected` : ''}>${text}</option>`)}
  </select></div>`;
  return page(context.console, t('staff.title'), html`
<h1>${t('staff.title')}</h1>
<p>${t('staff.intro')}</p>
<h2 id="filter-heading">${t('staff.filter.heading')}</h2>
<form class="filters" method="get" action="${QUEUE_PAGE}" aria-labelledby="filter-heading">
  ${choice('type', t('staff.field.type'), INCIDENT_TYPES.map((type) => [type, t(`type.${type}`)] as const))}
  ${choice('severity', t('staff.field.severity'), SEVERITIES.map((severity) => [severity, t(`severity.${severity}`)] as const))}
  ${choice('status', t('staff.field.status'), REPORT_STATUSES.map((status) => [status, t(`staffStatus.${status}`)] as const))}
  <div><button type="submit">${t('staff.filter.submit')}</button></div>
</form>
${reports.length === 0 ? html`<p>${t('staff.none')}</p>` : html`
<div class="wide" role="region" aria-labelledby="queue-caption" tabindex="0">
<table>
<caption id="queue-caption">${t('staff.caption', { count: reports.length, limit: QUEUE_LIMIT })}</caption>
<thead><tr>
  <th scope="col">${t('staff.field.reference')}</th><th scope="col">${t('staff.field.severity')}</th><th scope="col">${t('staff.field.type')}</th>
  <th scope="col">${t('staff.field.status')}</th><th scope="col">${t('staff.field.submitted')}</th><th scope="col">${t('staff.field.linked')}</th>
</tr></thead>
<tbody>${reports.map((report) => html`
<tr><th scope="row">${reportLink(report.reference)}</th><td>${t(`severity.${report.severity}`)}</td><td>${t(`type.${report.type}`)}</td>
<td>${t(`staffStatus.${report.status}`)}</td><td>${when(context, report.submittedAt)}</td><td>${report.linked}</td></tr>`)}</tbody>
</table>
</div>`}`, { tables: true });
}

function entryItem(context: StaffContext, entry: Entry): SafeHtml {
  const { t } = context;
  return html`<li><p class="meta">${t(entry.author === 'staff' ? 'staff.entry.staff' : 'staff.entry.reporter', { at: entry.at })}</p>
${entry.status ? html`<p>${t('staff.entry.status', { status: t(`staffStatus.${entry.status}`) })}</p>` : ''}
${entry.body ? html`<p class="body">${entry.body}</p>` : ''}</li>`;
}

interface ReportExtras {
  answered?: boolean;
  caseLinked?: boolean;
  /** A case reference refused, and why. */
  caseError?: { typed: string; message: MessageKey; values?: Record<string, string | number> | undefined };
  error?: { message: MessageKey; values?: Record<string, string | number> | undefined };
  entered?: { status?: string; severity?: string; message?: string };
}

function reportPage(context: StaffContext, report: StaffView, extras: ReportExtras = {}): string {
  const { t, console } = context;
  const { locale } = console;
  const title = t('staff.report.title', { reference: report.reference });
  const entered = extras.entered ?? {};
  const fact = (label: MessageKey, value: SafeHtml | string) => html`<div><dt>${t(label)}</dt><dd>${value}</dd></div>`;
  const amount = report.amountLost === null || report.currency === null
    ? t('staff.unknown')
    : new Intl.NumberFormat(locale, { style: 'currency', currency: report.currency }).format(Number(report.amountLost));
  const contact = [report.contact.name, report.contact.email, report.contact.phone].filter((part): part is string => part !== null);
  const selected = (current: string | undefined, value: string) => (current === value ? html`selected` : '');
  return page(console, title, html`
<p><a href="${QUEUE_PAGE}">${t('staff.back')}</a></p>
<h1>${title}</h1>
${extras.answered ? html`<p class="notice" role="status">${t('staff.answered')}</p>` : ''}
${extras.caseLinked ? html`<p class="notice" role="status">${t('staff.case.linked')}</p>` : ''}
${extras.error ? html`<p class="error" role="alert" id="answer-error">${t(extras.error.message, extras.error.values)}</p>` : ''}
<dl class="facts">
  ${fact('staff.field.type', t(`type.${report.type}`))}
  ${fact('staff.field.severity', t(`severity.${report.severity}`))}
  ${fact('staff.field.status', t(`staffStatus.${report.status}`))}
  ${fact('staff.field.submitted', when(context, report.submittedAt))}
  ${fact('staff.field.when', report.occurredOn ? html`<time datetime="${report.occurredOn}">${new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${report.occurredOn}T00:00:00Z`))}</time>` : t('staff.unknown'))}
  ${fact('staff.field.amount', amount)}
  ${fact('staff.field.channel', report.contactChannel ? t(`channel.${report.contactChannel}`) : t('staff.unknown'))}
  ${fact('staff.field.locale', isLocale(report.locale) ? html`<span lang="${report.locale}">${ENDONYMS[report.locale]}</span>` : report.locale)}
  ${fact('staff.field.contact', contact.length ? html`<span dir="auto">${contact.join(' · ')}</span>` : t('staff.anonymous'))}
</dl>
<h2>${t('staff.field.what')}</h2>
<p class="body" lang="${report.locale}" dir="auto">${report.whatHappened}</p>
<h2 id="identifiers-heading">${t('staff.identifiers')}</h2>
${report.identifiers.length === 0 ? html`<p>${t('staff.identifiers.none')}</p>` : html`
<div class="wide" role="region" aria-labelledby="identifiers-heading" tabindex="0">
<table>
<thead><tr><th scope="col">${t('staff.field.type')}</th><th scope="col">${t('staff.shared')}</th><th scope="col">${t('staff.alsoIn')}</th></tr></thead>
<tbody>${report.identifiers.map((identifier) => html`
<tr><td>${t(`ident.${identifier.kind}`)}</td><td><code dir="ltr">${identifier.normalised}</code>${identifier.value !== identifier.normalised ? html`<br><span class="hint" dir="ltr">${identifier.value}</span>` : ''}</td>
<td>${identifier.alsoIn.map((reference, index) => html`${index > 0 ? ', ' : ''}${reportLink(reference)}`)}</td></tr>`)}</tbody>
</table>
</div>`}
<h2 id="links-heading">${t('staff.links')}</h2>
${report.linked.length === 0 ? html`<p>${t('staff.links.none')}</p>` : html`
<div class="wide" role="region" aria-labelledby="links-heading" tabindex="0">
<table>
<thead><tr><th scope="col">${t('staff.field.reference')}</th><th scope="col">${t('staff.field.type')}</th><th scope="col">${t('staff.field.status')}</th><th scope="col">${t('staff.field.submitted')}</th><th scope="col">${t('staff.shared')}</th></tr></thead>
<tbody>${report.linked.map((other) => html`
<tr><th scope="row">${reportLink(other.reference)}</th><td>${t(`type.${other.type}`)}</td><td>${t(`staffStatus.${other.status}`)}</td><td>${when(context, other.submittedAt)}</td>
<td>${other.shared.map((shared, index) => html`${index > 0 ? html`<br>` : ''}${t(`ident.${shared.kind}`)}: <code dir="ltr">${shared.normalised}</code>`)}</td></tr>`)}</tbody>
</table>
</div>`}
<h2>${t('staff.files')}</h2>
${report.files.length === 0 ? html`<p>${t('staff.files.none')}</p>` : html`<p class="hint">${t('staff.files.note')}</p>
<ul>${report.files.map((file) => html`<li><a href="${reportFilePath(report.reference, file.sha256)}" download dir="auto">${file.name}</a> (${file.mediaType}, ${t('staff.files.size', { size: file.size })})</li>`)}</ul>`}
<h2>${t('staff.cases')}</h2>
${report.cases.length === 0 ? html`<p>${t('staff.cases.none')}</p>` : html`<ul>${report.cases.map((reference) => html`<li><code dir="ltr">${reference}</code></li>`)}</ul>`}
${report.status === 'withdrawn' ? '' : caseForm(context, report, extras.caseError)}
<h2>${t('staff.entries')}</h2>
${report.entries.length === 0 ? html`<p>${t('staff.entries.none')}</p>` : html`<ol class="entries">${report.entries.map((entry) => entryItem(context, entry))}</ol>`}
${report.status === 'withdrawn' ? '' : html`
<h2 id="answer-heading">${t('staff.answer.heading')}</h2>
<form class="stack" method="post" action="${QUEUE_PAGE}/${report.reference}/answer" aria-labelledby="answer-heading" novalidate>
  <input type="hidden" name="${CSRF_FIELD}" value="${console.request.principal!.csrfToken}">
  <div><label for="answer-status">${t('staff.answer.status')}</label>
  <select id="answer-status" name="status">${STAFF_STATUSES.map((status) => html`<option value="${status}" ${selected(entered.status ?? (report.status === 'received' ? 'in-review' : report.status), status)}>${t(`staffStatus.${status}`)}</option>`)}</select></div>
  <div><label for="answer-severity">${t('staff.answer.severity')}</label>
  <select id="answer-severity" name="severity">${SEVERITIES.map((severity) => html`<option value="${severity}" ${selected(entered.severity ?? report.severity, severity)}>${t(`severity.${severity}`)}</option>`)}</select></div>
  <div><label for="answer-message">${t('staff.answer.message')}</label>
  <span class="hint" id="answer-message-hint">${t('staff.answer.message.hint')}</span>
  <textarea id="answer-message" name="message" rows="5" aria-describedby="answer-message-hint${extras.error ? ' answer-error' : ''}" ${extras.error && extras.error.message !== 'staff.error.withdrawn' ? html`aria-invalid="true" autofocus` : ''}>${entered.message ?? ''}</textarea></div>
  <div><button type="submit">${t('staff.answer.submit')}</button></div>
</form>`}`, { tables: true });
}

function caseForm(context: StaffContext, report: StaffView, error: ReportExtras['caseError']): SafeHtml {
  const { t, console } = context;
  return html`<h3 id="case-heading">${t('staff.case.heading')}</h3>
<form class="stack" method="post" action="${QUEUE_PAGE}/${report.reference}/case" aria-labelledby="case-heading" novalidate>
  <input type="hidden" name="${CSRF_FIELD}" value="${console.request.principal!.csrfToken}">
  <div><label for="case-reference">${t('staff.case.label')}</label>
  <span class="hint" id="case-reference-hint">${t('staff.case.hint')}</span>
  ${error ? html`<p class="error" id="case-reference-error">${t(error.message, error.values)}</p>` : ''}
  <input id="case-reference" name="case" dir="ltr" autocomplete="off" maxlength="${CASE_REFERENCE_MAX_LENGTH}" value="${error?.typed ?? ''}" aria-describedby="case-reference-hint${error ? ' case-reference-error' : ''}" ${error ? html`aria-invalid="true" autofocus` : ''}></div>
  <div><button type="submit">${t('staff.case.submit')}</button></div>
</form>`;
}

/** A reference from a link: one that cannot be a reference names no report. */
function referenceOf(typed: string): string {
  const parsed = parseReference(typed);
  if (!parsed.ok) throw new HttpProblem(404, 'not-found', `report ${typed} does not exist`);
  return parsed.value;
}

export function preventionStaffPages(app: HttpServer, db: Database, node: NodeIdentity): void {
  const config = { access: { roles: REPORT_HANDLERS, purpose: REPORTS_PURPOSE }, page: true };
  const ReferenceParams = Type.Object({ reference: Type.String({ maxLength: 40 }) });

  app.get(QUEUE_PAGE, { config, schema: { hide: true, querystring: QueueFilter } }, async (request, reply) => {
    const context = staffContext(pageContext(request, node));
    const filter = request.query;
    const reports = await listReports(db, { type: filter.type || undefined, severity: filter.severity || undefined, status: filter.status || undefined, limit: QUEUE_LIMIT }, request);
    return reply.type(HTML).send(queuePage(context, filter, reports));
  });

  app.get(`${QUEUE_PAGE}/:reference`, {
    config,
    schema: { hide: true, params: ReferenceParams, querystring: Type.Object({ answered: Type.Optional(Type.Boolean()), linked: Type.Optional(Type.Boolean()) }, { additionalProperties: false }) },
  }, async (request, reply) => {
    const context = staffContext(pageContext(request, node));
    const report = await readReport(db, referenceOf(request.params.reference), request);
    return reply.type(HTML).send(reportPage(context, report, { answered: request.query.answered, caseLinked: request.query.linked }));
  });

  app.post(`${QUEUE_PAGE}/:reference/case`, {
    config,
    schema: { hide: true, params: ReferenceParams, body: Type.Object({ [CSRF_FIELD]: Type.String({ maxLength: 100 }), case: Type.String({ maxLength: CASE_REFERENCE_MAX_LENGTH }) }, { additionalProperties: false }) },
  }, async (request, reply) => {
    const reference = referenceOf(request.params.reference);
    try {
      await linkReportToCase(db, reference, request.body.case, request);
      return reply.redirect(`${QUEUE_PAGE}/${reference}?linked=true`, 303);
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      const context = staffContext(pageContext(request, node));
      const report = await readReport(db, reference, request);
      const issue = error.issues[0]!;
      return reply.code(400).type(HTML).send(reportPage(context, report, { caseError: { typed: request.body.case, message: issue.message, values: issue.values } }));
    }
  });

  app.post(`${QUEUE_PAGE}/:reference/answer`, {
    config,
    schema: {
      hide: true,
      params: ReferenceParams,
      body: Type.Object({
        [CSRF_FIELD]: Type.String({ maxLength: 100 }), status: StringEnum(STAFF_STATUSES), severity: StringEnum(SEVERITIES), message: Type.String({ maxLength: 20_000 }),
      }, { additionalProperties: false }),
    },
  }, async (request, reply) => {
    const reference = referenceOf(request.params.reference);
    const { status, severity, message } = request.body;
    try {
      await answerReport(db, reference, { status, severity, message }, request);
      return reply.redirect(`${QUEUE_PAGE}/${reference}?answered=true`, 303);
    } catch (error) {
      const refusal = error instanceof InvalidInput
        ? { status: 400, error: error.issues[0]! }
        : error instanceof HttpProblem && error.status === 409 ? { status: 409, error: { message: 'staff.error.withdrawn' as const } } : undefined;
      if (!refusal) throw error;
      const context = staffContext(pageContext(request, node));
      const report = await readReport(db, reference, request);
      return reply.code(refusal.status).type(HTML).send(reportPage(context, report, { error: refusal.error, entered: { status, severity, message } }));
    }
  });
}
