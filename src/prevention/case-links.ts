/**
 * A report linked by staff to a case of src/requests/cases.ts. The reporter is told only that
 * their report is used in an investigation (the `linked` status), never which case: a case names
 * suspects and other victims.
 */
import { recordAudit } from '../audit/record.ts';
import type { Database } from '../platform/db/database.ts';
import { conflict } from '../platform/http/problem.ts';
import { type Act, InvalidInput, REPORTS_PURPOSE, type ReportStatus, lockedReport } from './reports.ts';

export const CASE_REFERENCE_MAX_LENGTH = 100;

/** Links the report to the case named by its reference; linking it again changes nothing. */
export function linkReportToCase(db: Database, reference: string, caseReference: string, act: Act): Promise<{ reference: string; status: ReportStatus; case: string }> {
  const typed = caseReference.trim();
  if (typed === '' || typed.length > CASE_REFERENCE_MAX_LENGTH) throw new InvalidInput([{ field: 'case', pointer: '/case', message: 'staff.case.missing' }]);
  return db.transaction(async (tx) => {
    const report = await lockedReport(tx, reference, true);
    if (report.status === 'withdrawn') throw conflict('the reporter withdrew this report');
    const found = (await tx.query<{ id: string; reference: string }>('SELECT id, reference FROM cases WHERE lower(reference) = lower($1)', [typed])).rows[0];
    if (!found) throw new InvalidInput([{ field: 'case', pointer: '/case', message: 'staff.case.unknown', values: { case: typed } }]);
    const { rowCount } = await tx.query('INSERT INTO report_cases (report_id, case_id, linked_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [report.id, found.id, act.actor.name]);
    // A closed report stays closed: its reporter was already given the last word.
    if (report.status === 'received' || report.status === 'in-review') {
      await tx.query("UPDATE reports SET status = 'linked', updated_at = now() WHERE id = $1", [report.id]);
      await tx.query("INSERT INTO report_entries (report_id, author, status) VALUES ($1, 'staff', 'linked')", [report.id]);
    }
    if (rowCount) {
      await recordAudit(tx, {
        actor: act.actor, action: 'prevention.report.link-case', subject: { type: 'report', id: report.reference }, purpose: REPORTS_PURPOSE, requestId: act.id,
        details: { case: found.reference },
      });
    }
    const status: ReportStatus = report.status === 'received' || report.status === 'in-review' ? 'linked' : report.status;
    return { reference: report.reference, status, case: found.reference };
  });
}
