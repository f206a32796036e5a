/**
 * A public report made into intelligence to share: a STIX `report` naming the incident type and
 * when it was received, and one indicator for each identifier of the criminal's infrastructure the
 * reporter gave (a website, a sender's address, a wallet). What could name a person is left out:
 * the reporter's words and contact details, and the phone numbers, IBANs and accounts named, which
 * may belong to a money mule or a victim whose account was taken over.
 */
import { Type } from 'typebox';
import { v5 as uuidV5 } from 'uuid';
import { recordAudit } from '../audit/record.ts';
import type { Role } from '../identity/roles.ts';
import type { Database, Queryable } from '../platform/db/database.ts';
import { HttpProblem, conflict, notFound, problemResponses } from '../platform/http/problem.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { StringEnum } from '../platform/schema.ts';
import { collectionFor } from './collections.ts';
import { addVersions } from './store.ts';
import { patternString } from './stix/pattern.ts';
import { TLP_ID, TLP_LEVELS, type TlpLevel } from './stix/tlp.ts';
import type { StixObject } from './stix/validate.ts';

export const FROM_REPORTS_PURPOSE = 'sharing what public reports reveal of criminal infrastructure';

/** The identifiers that travel, and the observable each becomes in a pattern. */
const SHAREABLE: Readonly<Record<string, string>> = { url: 'url:value', email: 'email-addr:value', wallet: 'cryptocurrency-wallet:address' };

/** Names the objects of one report on one node: made again, they are the same objects (a new version at most). */
const NAMESPACE = '7d0b3c84-5f4e-4d0c-9a8e-1c2d3e4f5a6b';

/**
 * A website as an indicator: without its query, fragment and credentials, where phishing links carry
 * the victim's address or a token that opens their account.
 */
function withoutPersonalParts(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.search = '';
    parsed.hash = '';
    parsed.username = '';
    parsed.password = '';
    return parsed.href;
  } catch {
    return url.replace(/[?#].*$/, '');
  }
}

interface ReportRow {
  reference: string;
  incident_type: string;
  submitted_at: Date;
}

/** The STIX objects of a report, marked with `marking`; the report's indicators first, then the report. */
export async function reportAsStix(db: Queryable, nodeId: string, reference: string, marking: TlpLevel): Promise<StixObject[]> {
  const { rows: [report] } = await db.query<ReportRow>("SELECT reference, incident_type, submitted_at FROM reports WHERE reference = $1 AND status <> 'withdrawn'", [reference]);
  if (!report) throw notFound(`report ${reference}`);
  const { rows: identifiers } = await db.query<{ kind: string; value: string }>(
    'SELECT kind, min(value) AS value FROM report_identifiers i JOIN reports r ON r.id = i.report_id WHERE r.reference = $1 AND kind = ANY($2::text[]) GROUP BY kind, normalised ORDER BY kind, 2',
    [reference, Object.keys(SHAREABLE)],
  );
  const at = report.submitted_at.toISOString();
  const common = { spec_version: '2.1', created: at, modified: at, object_marking_refs: [TLP_ID[marking]] };
  const idFor = (type: string, name: string) => `${type}--${uuidV5(`${nodeId}/${reference}/${name}`, NAMESPACE)}`;
  // Two links to the same page with different queries are one indicator.
  const shared = [...new Map(identifiers.map(({ kind, value }) => {
    const kept = kind === 'url' ? withoutPersonalParts(value) : value;
    return [`${kind}:${kept}`, { kind, value: kept }] as const;
  })).values()];
  const indicators = shared.map(({ kind, value }) => ({
    type: 'indicator', id: idFor('indicator', `${kind}:${value}`), ...common,
    name: `${kind} named in a report of ${report.incident_type}`,
    indicator_types: ['malicious-activity'],
    pattern: `[${SHAREABLE[kind]} = ${patternString(value)}]`, pattern_type: 'stix', pattern_version: '2.1', valid_from: at,
    labels: [report.incident_type],
  }));
  const summary = {
    type: 'report', id: idFor('report', 'report'), ...common,
    name: `Public report of ${report.incident_type}`, report_types: ['threat-report'], published: at, labels: [report.incident_type],
    // A report must name something: with no identifier to share, it names the marking it carries.
    object_refs: indicators.length > 0 ? indicators.map((indicator) => indicator.id) : [TLP_ID[marking]],
  };
  return [...indicators, summary];
}

/** A report made into intelligence, in the analyst's chosen collection and marking (TLP:AMBER unless told). */
export function reportStixRoutes(app: HttpServer, db: Database, nodeId: string): void {
  app.post('/api/v1/intelligence/reports/:reference/stix', {
    config: { access: { roles: ['analyst'] as readonly Role[], purpose: FROM_REPORTS_PURPOSE } },
    schema: {
      tags: ['intelligence'],
      summary: "Make a public report into STIX (a report and an indicator per website, sender's address or wallet it names; nothing that could name a person) and add it to a collection",
      params: Type.Object({ reference: Type.String({ minLength: 1, maxLength: 40 }) }),
      body: Type.Object({ collectionId: Type.String({ format: 'uuid' }), tlp: Type.Optional(StringEnum(TLP_LEVELS)) }, { additionalProperties: false }),
      response: { 201: Type.Object({ objects: Type.Array(Type.Record(Type.String(), Type.Unknown())), added: Type.Integer({ description: 'versions new to the collection' }) }), ...problemResponses },
    },
  }, async (request, reply) => {
    const principal = request.principal!;
    const collection = await collectionFor(db, request.body.collectionId, principal.roles);
    if (!collection) throw notFound(`collection ${request.body.collectionId}`);
    if (!collection.canWrite) throw new HttpProblem(403, 'forbidden', `your roles may not write to the collection ${collection.title}`);
    const result = await db.transaction(async (tx) => {
      const marking = request.body.tlp ?? 'amber';
      const objects = await reportAsStix(tx, nodeId, request.params.reference, marking);
      // The objects of a report are always the same ones: made again under another marking, they would be
      // taken for the versions already there, and the analyst would believe the new marking applied.
      const { rows: marked } = await tx.query<{ tlp: string | null }>(
        'SELECT DISTINCT tlp FROM stix_objects WHERE collection_id = $1 AND id = ANY($2::text[]) AND latest', [collection.id, objects.map((object) => object.id)],
      );
      const other = marked.find((row) => row.tlp !== marking);
      if (other) throw conflict(`this report is already in the collection marked TLP:${(other.tlp ?? 'none').toUpperCase()}; a marking once shared is not changed`);
      const versions = await addVersions(tx, collection.id, objects, { node: nodeId, userId: principal.userId });
      const added = versions.filter((version) => version.added).length;
      await recordAudit(tx, {
        actor: request.actor, action: 'intelligence.report.stix', subject: { type: 'report', id: request.params.reference }, purpose: FROM_REPORTS_PURPOSE,
        requestId: request.id, details: { collection: collection.id, objects: objects.length, added },
      });
      return { objects, added };
    });
    return reply.code(201).send(result);
  });
}
