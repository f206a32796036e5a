/**
 * A public report made into intelligence to share: a STIX `report` naming the incident type and
 * when it was received, and one indicator for each identifier of the criminal's infrastructure the
 * reporter gave (a website, a sender's address, a wallet). What could name a person is left out:
 * the reporter's words and contact details, and the phone numbers, IBANs and accounts named, which
 * may belong to a money mule or a victim whose account was taken over.
 */
import type { Database, Queryable } from '../platform/db/database.ts';
import { notFound } from '../platform/http/problem.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { type NamedIdentifier, chosenOf, identifiersAsStix, identifiersStixRoute } from './identifiers-as-stix.ts';
import type { TlpLevel } from './stix/tlp.ts';
import type { StixObject } from './stix/validate.ts';

export const FROM_REPORTS_PURPOSE = 'sharing what public reports reveal of criminal infrastructure';

/** The identifiers of a report that travel. */
const SHAREABLE = ['url', 'email', 'wallet'];

/** Names the objects of one report on one node: made again, they are the same objects (a new version at most). */
const NAMESPACE = '7d0b3c84-5f4e-4d0c-9a8e-1c2d3e4f5a6b';

interface ReportRow {
  reference: string;
  incident_type: string;
  submitted_at: Date;
}

/** The STIX objects of a report, marked with `marking`; the report's indicators first, then the report. */
export async function reportAsStix(db: Queryable, nodeId: string, reference: string, marking: TlpLevel, chosen?: readonly NamedIdentifier[]): Promise<StixObject[]> {
  const { rows: [report] } = await db.query<ReportRow>("SELECT reference, incident_type, submitted_at FROM reports WHERE reference = $1 AND status <> 'withdrawn'", [reference]);
  if (!report) throw notFound(`report ${reference}`);
  const { rows: identifiers } = await db.query<{ kind: string; value: string }>(
    'SELECT kind, min(value) AS value FROM report_identifiers i JOIN reports r ON r.id = i.report_id WHERE r.reference = $1 AND kind = ANY($2::text[]) GROUP BY kind, normalised ORDER BY kind, 2',
    [reference, SHAREABLE],
  );
  return identifiersAsStix({
    namespace: NAMESPACE, name: `${nodeId}/${reference}`, at: report.submitted_at, label: report.incident_type,
    namedIn: `named in a report of ${report.incident_type}`, title: `Public report of ${report.incident_type}`, identifiers: chosenOf(identifiers, chosen, 'report'),
  }, marking);
}

/** A report made into intelligence, in the analyst's chosen collection and marking (TLP:AMBER unless told). */
export function reportStixRoutes(app: HttpServer, db: Database, nodeId: string): void {
  identifiersStixRoute(app, db, nodeId, {
    noun: 'report',
    roles: ['analyst'],
    purpose: FROM_REPORTS_PURPOSE,
    summary: "Make a public report into STIX (a report and an indicator per website, sender's address or wallet it names; nothing that could name a person) and add it to a collection",
    action: 'intelligence.report.stix',
    mustChoose: false,
    make: async (tx, reference, marking, chosen) => ({ objects: await reportAsStix(tx, nodeId, reference, marking, chosen), subject: { type: 'report', id: reference } }),
  });
}
