/**
 * A case made into intelligence to share: a STIX `report` naming the offence and when the case was
 * opened, and one indicator for each website, domain, e-mail address or wallet the case names.
 * Nothing else of the case travels: not its summary, reference or investigator, nor the phone
 * numbers, accounts, IP addresses or bank accounts it names (see identifiers-as-stix.ts).
 */
import type { IdentifierInput } from '../platform/identifiers/index.ts';
import type { Database, Queryable } from '../platform/db/database.ts';
import { notFound } from '../platform/http/problem.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { type NamedIdentifier, chosenOf, identifiersAsStix, identifiersStixRoute } from './identifiers-as-stix.ts';
import type { TlpLevel } from './stix/tlp.ts';
import type { StixObject } from './stix/validate.ts';

const FROM_CASES_PURPOSE = 'sharing what cases reveal of criminal infrastructure';

/** Names the objects of one case on one node, apart from those of a report with the same reference. */
const NAMESPACE = '3a5e9f1c-8b2d-4e67-a0c4-6d1f2b9e7c53';

interface CaseRow {
  id: string;
  offence: string;
  opened_at: Date;
  identifiers: IdentifierInput[];
}

const byKindThenValue = (a: IdentifierInput, b: IdentifierInput) => (a.kind === b.kind ? (a.value < b.value ? -1 : a.value > b.value ? 1 : 0) : a.kind < b.kind ? -1 : 1);

/** The STIX objects of a case, marked with `marking`, and the case's id for the audit record. */
export async function caseAsStix(
  db: Queryable, nodeId: string, reference: string, marking: TlpLevel, chosen: readonly NamedIdentifier[] | undefined,
): Promise<{ caseId: string; objects: StixObject[] }> {
  // Only what may travel is read: the summary and the investigator's name stay in the table.
  const { rows: [found] } = await db.query<CaseRow>('SELECT id, offence, opened_at, identifiers FROM cases WHERE reference = $1', [reference]);
  if (!found) throw notFound(`case ${reference}`);
  const objects = identifiersAsStix({
    // Named by the case's random id: its reference (node, year, number) could be found again from the UUIDs.
    namespace: NAMESPACE, name: `${nodeId}/${found.id}`, at: found.opened_at, label: found.offence,
    namedIn: `named in a case of ${found.offence}`, title: `Case of ${found.offence}`,
    identifiers: chosenOf([...found.identifiers].sort(byKindThenValue), chosen, 'case'),
  }, marking);
  return { caseId: found.id, objects };
}

/**
 * A case made into intelligence by an investigator, who reads cases to work them: prosecutors,
 * central authorities and contact points read them to carry requests, and analysts do not read them.
 * Writing to the collection is the collection's own permission, held through any of the caller's roles.
 */
export function caseStixRoutes(app: HttpServer, db: Database, nodeId: string): void {
  identifiersStixRoute(app, db, nodeId, {
    noun: 'case',
    roles: ['investigator'],
    purpose: FROM_CASES_PURPOSE,
    summary: 'Make a case into STIX (a report and an indicator per website, domain, e-mail address or wallet it names; nothing that could name a person) and add it to a collection',
    action: 'intelligence.case.stix',
    mustChoose: true,
    make: async (tx, reference, marking, chosen) => {
      const { caseId, objects } = await caseAsStix(tx, nodeId, reference, marking, chosen);
      return { objects, subject: { type: 'case', id: caseId }, caseId };
    },
  });
}
