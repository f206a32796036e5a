/**
 * Reports from the public, shared by the API and the pages: the reporter's acts, authorised by the
 * reference number and access code, and the staff's, authorised by their role. Every act and every
 * staff read is audited in the transaction that does it.
 */
import { type Actor, recordAudit } from '../audit/record.ts';
import { FailureThrottle } from '../identity/throttle.ts';
import type { Database, Queryable } from '../platform/db/database.ts';
import { HttpProblem, conflict, notFound } from '../platform/http/problem.ts';
import { accessDigest, accessMatches, newAccessCode, newReference, parseAccessCode, parseReference } from './codes.ts';
import type { IdentifierKind } from './identifiers.ts';
import { type ContactChannel, type IncidentType, type Severity, initialSeverity } from './incidents.ts';
import type { Attachment } from '../federation/attachments.ts';
import { type FileSummary, attachToReport, filesOfReport } from './attachments.ts';
import { discardDraft } from './drafts.ts';
import { type Issue, type NewReport, TEXT_MAX_LENGTH } from './intake.ts';
import type { MessageKey } from './locales/en.ts';
import { messages } from './messages.ts';
import { flagWalletMatches } from '../intelligence/wallets/matching.ts';

export const REPORTS_PURPOSE = 'handling of reports from the public';
export const REPORT_STATUSES = ['received', 'in-review', 'linked', 'closed', 'withdrawn'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];
/** What staff may set; `received` is where every report starts and `withdrawn` is the reporter's alone. */
export const STAFF_STATUSES = ['in-review', 'linked', 'closed'] as const;
export type StaffStatus = (typeof STAFF_STATUSES)[number];
const FINISHED: readonly ReportStatus[] = ['closed', 'withdrawn'];

/** Who acts, and in which request. */
export interface Act {
  actor: Actor;
  id: string;
}

const REPORTER: Actor = { id: null, name: 'reporter', role: null };
const throttle = new FailureThrottle('report_access_throttle', 'reference_key');
/** Compared against when the reference is unknown, so that the answer takes the same time either way. */
const NO_DIGEST = accessDigest(newAccessCode());

/** Bad input, refused with the fields named: the API tells it as a problem, the pages beside each field. */
export class InvalidInput extends HttpProblem {
  constructor(readonly issues: readonly Issue<string>[]) {
    super(400, 'validation', 'the request does not pass its checks', {
      extra: { errors: issues.map((issue) => ({ pointer: issue.pointer, detail: messages.t('en', issue.message, issue.values) })) },
    });
  }
}

export interface Entry {
  author: 'reporter' | 'staff';
  body: string | null;
  status: ReportStatus | null;
  at: Date;
}

/** What the reporter sees of their report. */
export interface ReporterView {
  reference: string;
  type: IncidentType;
  status: ReportStatus;
  submittedAt: Date;
  entries: Entry[];
}

/** What comes with a report: the files sent with it, and the draft it was finished from, which is then not kept. */
export interface Extras {
  files?: readonly Attachment[];
  draft?: string | undefined;
}

export async function submitReport(db: Database, report: NewReport, requestId: string, extras: Extras = {}): Promise<{ reference: string; accessCode: string }> {
  const accessCode = newAccessCode();
  return db.transaction(async (tx) => {
    let inserted: { id: string; reference: string } | undefined;
    // 40 random bits: a clash is rare, and is answered by drawing again.
    while (!inserted) {
      const { rows } = await tx.query<{ id: string; reference: string }>(
        `INSERT INTO reports (reference, access_digest, incident_type, severity, locale, what_happened, occurred_on, amount_lost, currency, contact_channel, contact_name, contact_email, contact_phone)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (reference) DO NOTHING RETURNING id, reference`,
        [
          newReference(), accessDigest(accessCode), report.type, initialSeverity(report.type, report.amountLost), report.locale, report.whatHappened, report.occurredOn, report.amountLost,
          report.currency, report.contactChannel, report.contact.name, report.contact.email, report.contact.phone,
        ],
      );
      inserted = rows[0];
    }
    for (const identifier of report.identifiers) {
      await tx.query(
        'INSERT INTO report_identifiers (report_id, kind, value, normalised, match_key) VALUES ($1, $2, $3, $4, $5)',
        [inserted.id, identifier.kind, identifier.value, identifier.normalised, identifier.matchKey],
      );
    }
    await flagWalletMatches(tx, 'report', inserted.id, report.identifiers.map((identifier) => identifier.matchKey));
    await attachToReport(tx, inserted.id, extras.files ?? []);
    await discardDraft(tx, extras.draft);
    await recordAudit(tx, {
      actor: REPORTER, action: 'prevention.report.submit', subject: { type: 'report', id: inserted.reference }, purpose: REPORTS_PURPOSE, requestId,
      details: { type: report.type, anonymous: Object.values(report.contact).every((value) => value === null), files: extras.files?.length ?? 0 },
    });
    return { reference: inserted.reference, accessCode };
  });
}

export interface Credentials {
  reference: string;
  accessCode: string;
}

/** A reference and a code in their canonical forms, or the fields that are not. */
export function checkCredentials(credentials: Credentials): { reference: string; accessCode: string } {
  const reference = parseReference(credentials.reference);
  const code = parseAccessCode(credentials.accessCode);
  const issues: Issue<'reference' | 'accessCode'>[] = [];
  if (!reference.ok) issues.push({ field: 'reference', pointer: '/reference', message: `error.reference.${reference.reason}` });
  if (!code.ok) issues.push({ field: 'accessCode', pointer: '/accessCode', message: `error.code.${code.reason}` });
  if (!reference.ok || !code.ok) throw new InvalidInput(issues);
  return { reference: reference.value, accessCode: code.value };
}

interface ReportRow {
  id: string;
  reference: string;
  access_digest: Buffer | Uint8Array;
  incident_type: IncidentType;
  severity: Severity;
  status: ReportStatus;
  locale: string;
  what_happened: string;
  occurred_on: Date | string | null;
  amount_lost: string | null;
  currency: string | null;
  contact_channel: ContactChannel | null;
  contact_name: string | null;
  contact_email: string | null;
  contact_phone: string | null;
  submitted_at: Date;
}

async function entriesOf(tx: Queryable, reportId: string): Promise<Entry[]> {
  const { rows } = await tx.query<{ author: Entry['author']; body: string | null; status: ReportStatus | null; at: Date }>(
    'SELECT author, body, status, at FROM report_entries WHERE report_id = $1 ORDER BY id',
    [reportId],
  );
  return rows;
}

async function reporterView(tx: Queryable, report: ReportRow): Promise<ReporterView> {
  return { reference: report.reference, type: report.incident_type, status: report.status, submittedAt: report.submitted_at, entries: await entriesOf(tx, report.id) };
}

/**
 * Runs the reporter's act if the code opens the report. A wrong code, an unknown reference and a
 * locked one are answered alike, and wrong codes are counted by reference, known or not.
 */
async function asReporter<T>(db: Database, credentials: Credentials, requestId: string, action: string, work: (tx: Queryable, report: ReportRow) => Promise<T>): Promise<T> {
  const { reference, accessCode } = checkCredentials(credentials);
  const refused = (reason: string) =>
    recordAudit(db, { actor: REPORTER, action, subject: { type: 'report', id: reference }, purpose: REPORTS_PURPOSE, outcome: 'refused', requestId, details: { reason } });
  const wait = await throttle.lockedFor(db, reference);
  if (wait > 0) {
    await refused('locked');
    throw new HttpProblem(429, 'locked', `too many wrong attempts: try again in ${wait} seconds`, { headers: { 'retry-after': String(wait) }, extra: { retryAfter: wait } });
  }
  const outcome = await db.transaction(async (tx) => {
    const { rows } = await tx.query<ReportRow>('SELECT * FROM reports WHERE reference = $1 FOR UPDATE', [reference]);
    const report = rows[0];
    const opens = accessMatches(accessCode, Buffer.from(report?.access_digest ?? NO_DIGEST));
    if (!report || !opens) return undefined;
    await throttle.clear(tx, reference);
    const result = await work(tx, report);
    await recordAudit(tx, { actor: REPORTER, action, subject: { type: 'report', id: reference }, purpose: REPORTS_PURPOSE, requestId });
    return { result };
  });
  if (outcome) return outcome.result;
  await db.transaction(async (tx) => throttle.recordFailure(tx, reference));
  await refused('wrong reference or code');
  throw new HttpProblem(403, 'access-refused', 'the reference number or the access code is wrong');
}

export const followReport = (db: Database, credentials: Credentials, requestId: string) =>
  asReporter(db, credentials, requestId, 'prevention.report.follow', reporterView);

/** Information the reporter adds later, words or files or both; the report must still be open. */
export function addToReport(db: Database, credentials: Credentials, text: string, requestId: string, files: readonly Attachment[] = []): Promise<ReporterView> {
  const body = text.trim();
  if ((body === '' && files.length === 0) || body.length > TEXT_MAX_LENGTH) {
    const message: MessageKey = body === '' ? 'error.addition.missing' : 'error.tooLong';
    throw new InvalidInput([{ field: 'addition', pointer: '/text', message, values: { max: TEXT_MAX_LENGTH } }]);
  }
  return asReporter(db, credentials, requestId, 'prevention.report.add', async (tx, report) => {
    if (FINISHED.includes(report.status)) throw conflict(`the report is ${report.status}: nothing can be added to it`);
    if (body !== '') await tx.query("INSERT INTO report_entries (report_id, author, body) VALUES ($1, 'reporter', $2)", [report.id, body]);
    await attachToReport(tx, report.id, files);
    await tx.query('UPDATE reports SET updated_at = now() WHERE id = $1', [report.id]);
    return reporterView(tx, report);
  });
}

/** The reporter takes the report back: it is no longer acted on, and their contact details and files are erased. */
export function withdrawReport(db: Database, credentials: Credentials, requestId: string): Promise<ReporterView> {
  return asReporter(db, credentials, requestId, 'prevention.report.withdraw', async (tx, report) => {
    if (report.status !== 'withdrawn') {
      await tx.query(
        "UPDATE reports SET status = 'withdrawn', contact_name = NULL, contact_email = NULL, contact_phone = NULL, updated_at = now() WHERE id = $1",
        [report.id],
      );
      await tx.query("INSERT INTO report_entries (report_id, author, status) VALUES ($1, 'reporter', 'withdrawn')", [report.id]);
      // Screenshots show their writer as much as contact details do; with their rows go the keys that open the stored copies.
      await tx.query('DELETE FROM report_attachments WHERE report_id = $1', [report.id]);
    }
    return reporterView(tx, { ...report, status: 'withdrawn' });
  });
}

export interface ReportFilter {
  type?: IncidentType | undefined;
  severity?: Severity | undefined;
  status?: ReportStatus | undefined;
  limit: number;
}

export interface ReportSummary {
  reference: string;
  type: IncidentType;
  severity: Severity;
  status: ReportStatus;
  submittedAt: Date;
  /** How many other reports share at least one identifier with this one. */
  linked: number;
}

/** The triage queue: the most serious first, then the newest. Listing is a read of the reports listed. */
export function listReports(db: Database, filter: ReportFilter, act: Act): Promise<ReportSummary[]> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ reference: string; incident_type: IncidentType; severity: Severity; status: ReportStatus; submitted_at: Date; linked: number }>(
      `SELECT r.reference, r.incident_type, r.severity, r.status, r.submitted_at,
              (SELECT count(DISTINCT theirs.report_id)::int
                 FROM report_identifiers mine
                 JOIN report_identifiers theirs ON theirs.match_key = mine.match_key AND theirs.report_id <> mine.report_id
                WHERE mine.report_id = r.id) AS linked
         FROM reports r
        WHERE ($1::text IS NULL OR r.incident_type = $1) AND ($2::text IS NULL OR r.severity = $2) AND ($3::text IS NULL OR r.status = $3)
        ORDER BY CASE r.severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, r.submitted_at DESC, r.reference
        LIMIT $4`,
      [filter.type ?? null, filter.severity ?? null, filter.status ?? null, filter.limit],
    );
    const reports = rows.map((row) => ({ reference: row.reference, type: row.incident_type, severity: row.severity, status: row.status, submittedAt: row.submitted_at, linked: row.linked }));
    await recordAudit(tx, {
      actor: act.actor, action: 'prevention.report.list', subject: { type: 'report' }, purpose: REPORTS_PURPOSE, requestId: act.id,
      details: { filter: { type: filter.type, severity: filter.severity, status: filter.status }, returned: reports.map((report) => report.reference) },
    });
    return reports;
  });
}

export interface SharedIdentifier {
  kind: IdentifierKind;
  normalised: string;
}

export interface LinkedReport {
  reference: string;
  type: IncidentType;
  status: ReportStatus;
  submittedAt: Date;
  shared: SharedIdentifier[];
}

/** All of a report, for the staff who handle it. */
export interface StaffView {
  reference: string;
  type: IncidentType;
  severity: Severity;
  status: ReportStatus;
  locale: string;
  whatHappened: string;
  occurredOn: string | null;
  amountLost: string | null;
  currency: string | null;
  contactChannel: ContactChannel | null;
  contact: { name: string | null; email: string | null; phone: string | null };
  submittedAt: Date;
  identifiers: (SharedIdentifier & { value: string; alsoIn: string[] })[];
  linked: LinkedReport[];
  entries: Entry[];
  files: FileSummary[];
  /** The references of the cases the report was linked to. */
  cases: string[];
}

/** `120.500` as stored is `120.5` as given. */
const withoutTrailingZeros = (decimal: string) => (decimal.includes('.') ? decimal.replace(/0+$/, '').replace(/\.$/, '') : decimal);

const isoDate = (value: Date | string | null) => (value === null ? null : typeof value === 'string' ? value.slice(0, 10) : value.toISOString().slice(0, 10));

export async function lockedReport(tx: Queryable, reference: string, lock: boolean): Promise<ReportRow> {
  const { rows } = await tx.query<ReportRow>(`SELECT * FROM reports WHERE reference = $1${lock ? ' FOR UPDATE' : ''}`, [reference]);
  if (!rows[0]) throw notFound(`report ${reference}`);
  return rows[0];
}

/** One report with the reports that share an identifier with it; the read is audited with it. */
export function readReport(db: Database, reference: string, act: Act): Promise<StaffView> {
  return db.transaction(async (tx) => {
    const report = await lockedReport(tx, reference, false);
    const identifiers = (await tx.query<{ kind: IdentifierKind; value: string; normalised: string }>(
      'SELECT kind, value, normalised FROM report_identifiers WHERE report_id = $1 ORDER BY kind, normalised',
      [report.id],
    )).rows;
    const linked = (await tx.query<{ reference: string; incident_type: IncidentType; status: ReportStatus; submitted_at: Date; shared: SharedIdentifier[] }>(
      `SELECT other.reference, other.incident_type, other.status, other.submitted_at,
              json_agg(json_build_object('kind', shared.kind, 'normalised', shared.normalised) ORDER BY shared.kind, shared.normalised) AS shared
         FROM (SELECT DISTINCT theirs.report_id, mine.kind, mine.normalised
                 FROM report_identifiers mine
                 JOIN report_identifiers theirs ON theirs.match_key = mine.match_key AND theirs.report_id <> mine.report_id
                WHERE mine.report_id = $1) shared
         JOIN reports other ON other.id = shared.report_id
        GROUP BY other.id ORDER BY other.submitted_at DESC LIMIT 200`,
      [report.id],
    )).rows.map((row) => ({ reference: row.reference, type: row.incident_type, status: row.status, submittedAt: row.submitted_at, shared: row.shared }));
    await recordAudit(tx, { actor: act.actor, action: 'prevention.report.read', subject: { type: 'report', id: report.reference }, purpose: REPORTS_PURPOSE, requestId: act.id });
    return {
      reference: report.reference, type: report.incident_type, severity: report.severity, status: report.status, locale: report.locale,
      whatHappened: report.what_happened, occurredOn: isoDate(report.occurred_on), amountLost: report.amount_lost === null ? null : withoutTrailingZeros(report.amount_lost), currency: report.currency,
      contactChannel: report.contact_channel, contact: { name: report.contact_name, email: report.contact_email, phone: report.contact_phone },
      submittedAt: report.submitted_at,
      identifiers: identifiers.map((identifier) => ({
        ...identifier,
        alsoIn: linked.filter((other) => other.shared.some((shared) => shared.kind === identifier.kind && shared.normalised === identifier.normalised)).map((other) => other.reference),
      })),
      linked,
      entries: await entriesOf(tx, report.id),
      files: await filesOfReport(tx, report.id),
      cases: (await tx.query<{ reference: string }>('SELECT c.reference FROM report_cases l JOIN cases c ON c.id = l.case_id WHERE l.report_id = $1 ORDER BY l.linked_at, c.reference', [report.id])).rows.map((row) => row.reference),
    };
  });
}

export interface Answer {
  status: StaffStatus;
  severity?: Severity | undefined;
  message?: string | undefined;
}

/** The staff's answer: a status, perhaps a new severity, and a message the reporter sees. A report is closed with a message. */
export function answerReport(db: Database, reference: string, answer: Answer, act: Act): Promise<{ reference: string; status: ReportStatus; severity: Severity }> {
  const message = answer.message?.trim() || null;
  if (answer.status === 'closed' && message === null) {
    throw new InvalidInput([{ field: 'message', pointer: '/message', message: 'staff.error.message' }]);
  }
  if (message !== null && message.length > TEXT_MAX_LENGTH) {
    throw new InvalidInput([{ field: 'message', pointer: '/message', message: 'error.tooLong', values: { max: TEXT_MAX_LENGTH } }]);
  }
  return db.transaction(async (tx) => {
    const report = await lockedReport(tx, reference, true);
    if (report.status === 'withdrawn') throw conflict('the reporter withdrew this report');
    const severity = answer.severity ?? report.severity;
    await tx.query('UPDATE reports SET status = $2, severity = $3, updated_at = now() WHERE id = $1', [report.id, answer.status, severity]);
    const newStatus = answer.status === report.status ? null : answer.status;
    // Only what the reporter would notice is told to them: a message, or a new status.
    if (message !== null || newStatus !== null) {
      await tx.query("INSERT INTO report_entries (report_id, author, body, status) VALUES ($1, 'staff', $2, $3)", [report.id, message, newStatus]);
    }
    await recordAudit(tx, {
      actor: act.actor, action: 'prevention.report.answer', subject: { type: 'report', id: report.reference }, purpose: REPORTS_PURPOSE, requestId: act.id,
      details: { status: answer.status, severity, message: message !== null },
    });
    return { reference: report.reference, status: answer.status, severity };
  });
}
