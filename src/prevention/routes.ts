import { Type } from 'typebox';
import type { Role } from '../identity/roles.ts';
import type { BlobStore } from '../platform/blobs.ts';
import type { Database } from '../platform/db/database.ts';
import { LOCALES, type Locale, negotiateLocale } from '../platform/i18n/locales.ts';
import { PUBLIC } from '../platform/http/access.ts';
import { notFound, problemResponses } from '../platform/http/problem.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { Nullable, Timestamp, StringEnum } from '../platform/schema.ts';
import { parseReference } from './codes.ts';
import { IDENTIFIER_KINDS, IDENTIFIER_MAX_LENGTH, type IdentifierOptions } from './identifiers.ts';
import { CONTACT_CHANNELS, INCIDENT_TYPES, SEVERITIES, guidanceFor } from './incidents.ts';
import { IDENTIFIERS_PER_KIND, NAME_MAX_LENGTH, TEXT_MAX_LENGTH, checkReport } from './intake.ts';
import { messages } from './messages.ts';
import {
  type Entry, InvalidInput, REPORTS_PURPOSE, REPORT_STATUSES, type ReporterView, STAFF_STATUSES,
  addToReport, answerReport, followReport, listReports, readReport, submitReport, withdrawReport,
} from './reports.ts';
import type { SubmissionLimiter } from './submissions.ts';
import { readReportFile } from './attachments.ts';
import { CASE_REFERENCE_MAX_LENGTH, linkReportToCase } from './case-links.ts';
import { attachmentDisposition } from '../platform/http/attachment.ts';

/** Analysts watch the trends and link reports; investigators act on them. */
export const REPORT_HANDLERS: readonly Role[] = ['analyst', 'investigator'];

const tags = ['prevention'];
const Reference = Type.String({ minLength: 1, maxLength: 40, description: 'ENT-XXXX-XXXX-C; case, spaces and hyphens do not matter' });
const AccessCode = Type.String({ minLength: 1, maxLength: 60, description: '27 characters of Crockford base 32, as shown once at submission' });
const Credentials = { reference: Reference, accessCode: AccessCode };

const ReportBody = Type.Object({
  type: StringEnum(INCIDENT_TYPES),
  whatHappened: Type.String({ maxLength: TEXT_MAX_LENGTH }),
  occurredOn: Type.Optional(Type.String({ maxLength: 10, description: 'YYYY-MM-DD' })),
  amountLost: Type.Optional(Type.Number({ minimum: 0 })),
  currency: Type.Optional(Type.String({ maxLength: 3, description: 'ISO 4217 code' })),
  contactChannel: Type.Optional(StringEnum(CONTACT_CHANNELS)),
  identifiers: Type.Array(
    Type.Object({ kind: StringEnum(IDENTIFIER_KINDS), value: Type.String({ maxLength: IDENTIFIER_MAX_LENGTH }) }, { additionalProperties: false }),
    { maxItems: IDENTIFIER_KINDS.length * IDENTIFIERS_PER_KIND, default: [] },
  ),
  contact: Type.Optional(Type.Object({
    name: Type.Optional(Type.String({ maxLength: NAME_MAX_LENGTH })),
    email: Type.Optional(Type.String({ maxLength: 254 })),
    phone: Type.Optional(Type.String({ maxLength: 50 })),
  }, { additionalProperties: false })),
  locale: Type.Optional(StringEnum(LOCALES, { description: 'the language the reporter reads; by default from Accept-Language' })),
}, { additionalProperties: false });

const Receipt = Type.Object({
  reference: Type.String(),
  accessCode: Type.String({ description: 'shown this once: only its digest is kept' }),
  status: Type.Literal('received'),
  guidance: Type.Array(Type.Object({ text: Type.String(), link: Type.Optional(Type.String()) })),
});

const EntrySchema = Type.Object({ author: StringEnum(['reporter', 'staff'] as const), body: Nullable(Type.String()), status: Nullable(StringEnum(REPORT_STATUSES)), at: Timestamp });
const ReporterViewSchema = Type.Object({ reference: Type.String(), type: StringEnum(INCIDENT_TYPES), status: StringEnum(REPORT_STATUSES), submittedAt: Timestamp, entries: Type.Array(EntrySchema) });

const SummarySchema = Type.Object({
  reference: Type.String(), type: StringEnum(INCIDENT_TYPES), severity: StringEnum(SEVERITIES), status: StringEnum(REPORT_STATUSES), submittedAt: Timestamp,
  linked: Type.Integer({ description: 'other reports sharing at least one identifier' }),
});
const Shared = Type.Object({ kind: StringEnum(IDENTIFIER_KINDS), normalised: Type.String() });
const StaffViewSchema = Type.Object({
  reference: Type.String(), type: StringEnum(INCIDENT_TYPES), severity: StringEnum(SEVERITIES), status: StringEnum(REPORT_STATUSES), locale: Type.String(),
  whatHappened: Type.String(), occurredOn: Nullable(Type.String()), amountLost: Nullable(Type.String()), currency: Nullable(Type.String()),
  contactChannel: Nullable(StringEnum(CONTACT_CHANNELS)),
  contact: Type.Object({ name: Nullable(Type.String()), email: Nullable(Type.String()), phone: Nullable(Type.String()) }),
  submittedAt: Timestamp,
  identifiers: Type.Array(Type.Object({ kind: StringEnum(IDENTIFIER_KINDS), value: Type.String(), normalised: Type.String(), alsoIn: Type.Array(Type.String()) })),
  linked: Type.Array(Type.Object({ reference: Type.String(), type: StringEnum(INCIDENT_TYPES), status: StringEnum(REPORT_STATUSES), submittedAt: Timestamp, shared: Type.Array(Shared) })),
  entries: Type.Array(EntrySchema),
  files: Type.Array(Type.Object({ sha256: Type.String(), name: Type.String(), mediaType: Type.String({ description: 'the kind its content was found to be' }), size: Type.Integer(), addedAt: Timestamp })),
  cases: Type.Array(Type.String(), { description: 'references of the cases the report is linked to' }),
});

/** A file name as a Content-Disposition header gives it, whatever characters it has (RFC 6266, RFC 8187). */

/** Where staff download a file of a report. */
export const reportFilePath = (reference: string, sha256: string) => `/api/v1/prevention/reports/${reference}/files/${sha256}`;

export const ReportQuery = Type.Object({
  type: Type.Optional(StringEnum(INCIDENT_TYPES)),
  severity: Type.Optional(StringEnum(SEVERITIES)),
  status: Type.Optional(StringEnum(REPORT_STATUSES)),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
}, { additionalProperties: false });

const entryJson = (entry: Entry) => ({ ...entry, at: entry.at.toISOString() });
const reporterJson = (view: ReporterView) => ({ ...view, submittedAt: view.submittedAt.toISOString(), entries: view.entries.map(entryJson) });

/** A reference named in a path: one that cannot be a reference names no report. */
function referenceParam(typed: string): string {
  const parsed = parseReference(typed);
  if (!parsed.ok) throw notFound(`report ${typed}`);
  return parsed.value;
}

/** The advice for a type in the reader's language, with its links. */
export const guidanceText = (type: (typeof INCIDENT_TYPES)[number], locale: Locale) =>
  guidanceFor(type).map((step) => ({ text: messages.t(locale, step.text), ...(step.link ? { link: step.link.href } : {}) }));

/** The API of the public portal (submit, follow, add, withdraw) and of the staff who handle reports. */
export function preventionRoutes(app: HttpServer, db: Database, limiter: SubmissionLimiter, intake: IdentifierOptions, store: BlobStore): void {
  const staff = { roles: REPORT_HANDLERS, purpose: REPORTS_PURPOSE };

  app.post('/api/v1/prevention/reports', {
    config: { access: PUBLIC },
    schema: { tags, summary: 'Report an incident (anyone, anonymously if they wish): a reference number, an access code shown once, and advice', body: ReportBody, response: { 201: Receipt, ...problemResponses } },
  }, async (request, reply) => {
    const { locale: chosen, contact, ...report } = request.body;
    const locale = chosen ?? negotiateLocale(request.headers['accept-language']);
    const checked = checkReport({ ...report, contact, locale }, intake);
    if (!checked.report) throw new InvalidInput(checked.issues);
    limiter.check(request.ip);
    const receipt = await submitReport(db, checked.report, request.id);
    limiter.record(request.ip);
    return reply.code(201).send({ ...receipt, status: 'received' as const, guidance: guidanceText(report.type, locale) });
  });

  app.post('/api/v1/prevention/my-report', {
    config: { access: PUBLIC },
    schema: { tags, summary: 'The reporter follows their report: status and messages, with the reference number and access code', body: Type.Object(Credentials, { additionalProperties: false }), response: { 200: ReporterViewSchema, ...problemResponses } },
  }, async (request) => reporterJson(await followReport(db, request.body, request.id)));

  app.post('/api/v1/prevention/my-report/additions', {
    config: { access: PUBLIC },
    schema: { tags, summary: 'The reporter adds information to their open report', body: Type.Object({ ...Credentials, text: Type.String({ maxLength: TEXT_MAX_LENGTH }) }, { additionalProperties: false }), response: { 200: ReporterViewSchema, ...problemResponses } },
  }, async (request) => reporterJson(await addToReport(db, request.body, request.body.text, request.id)));

  app.post('/api/v1/prevention/my-report/withdrawal', {
    config: { access: PUBLIC },
    schema: { tags, summary: 'The reporter withdraws their report; their contact details and files are erased', body: Type.Object(Credentials, { additionalProperties: false }), response: { 200: ReporterViewSchema, ...problemResponses } },
  }, async (request) => reporterJson(await withdrawReport(db, request.body, request.id)));

  app.get('/api/v1/prevention/reports', {
    config: { access: staff },
    schema: { tags, summary: 'The triage queue: reports by severity and date, with how many others share an identifier', querystring: ReportQuery, response: { 200: Type.Object({ items: Type.Array(SummarySchema) }), ...problemResponses } },
  }, async (request) => ({
    items: (await listReports(db, request.query, request)).map((report) => ({ ...report, submittedAt: report.submittedAt.toISOString() })),
  }));

  app.get('/api/v1/prevention/reports/:reference', {
    config: { access: staff },
    schema: { tags, summary: 'One report, its identifiers, the reports sharing them, and the exchange with the reporter (the read is audited)', params: Type.Object({ reference: Reference }), response: { 200: StaffViewSchema, ...problemResponses } },
  }, async (request) => {
    const view = await readReport(db, referenceParam(request.params.reference), request);
    return {
      ...view,
      submittedAt: view.submittedAt.toISOString(),
      linked: view.linked.map((other) => ({ ...other, submittedAt: other.submittedAt.toISOString() })),
      entries: view.entries.map(entryJson),
      files: view.files.map((file) => ({ ...file, addedAt: file.addedAt.toISOString() })),
    };
  });

  app.get('/api/v1/prevention/reports/:reference/files/:sha256', {
    config: { access: staff },
    schema: {
      tags,
      summary: 'Download a file the reporter sent, always as an attachment of no particular type (the reading is audited)',
      params: Type.Object({ reference: Reference, sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }) }),
      response: { 200: { content: { 'application/octet-stream': { schema: Type.String({ format: 'binary' }) } } }, ...problemResponses },
    },
  }, async (request, reply) => {
    const { file, content } = await readReportFile(db, store, referenceParam(request.params.reference), request.params.sha256, request);
    // From the public: never rendered or run by the browser, whatever it holds.
    return reply
      .header('content-type', 'application/octet-stream')
      .header('content-disposition', attachmentDisposition(file.name))
      .header('x-content-type-options', 'nosniff')
      .header('content-length', String(file.size))
      .header('cache-control', 'no-store')
      .send(content);
  });

  app.post('/api/v1/prevention/reports/:reference/cases', {
    config: { access: staff },
    schema: {
      tags,
      summary: 'Link a report to a case; the reporter sees that it is used in an investigation, not which case',
      params: Type.Object({ reference: Reference }),
      body: Type.Object({ case: Type.String({ maxLength: CASE_REFERENCE_MAX_LENGTH, description: 'the reference of the case' }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ reference: Type.String(), status: StringEnum(REPORT_STATUSES), case: Type.String() }), ...problemResponses },
    },
  }, (request) => linkReportToCase(db, referenceParam(request.params.reference), request.body.case, request));

  app.post('/api/v1/prevention/reports/:reference/answer', {
    config: { access: staff },
    schema: {
      tags,
      summary: 'Answer a report: a status, perhaps a new severity, and a message the reporter sees (required to close)',
      params: Type.Object({ reference: Reference }),
      body: Type.Object({ status: StringEnum(STAFF_STATUSES), severity: Type.Optional(StringEnum(SEVERITIES)), message: Type.Optional(Type.String({ maxLength: TEXT_MAX_LENGTH })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ reference: Type.String(), status: StringEnum(REPORT_STATUSES), severity: StringEnum(SEVERITIES) }), ...problemResponses },
    },
  }, (request) => answerReport(db, referenceParam(request.params.reference), request.body, request));
}
