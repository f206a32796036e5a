/**
 * Identifiers named in a public report or a case made into intelligence to share: one STIX indicator
 * for each identifier of the criminal's infrastructure, and a STIX `report` that names them, added
 * to a collection the caller may write to. Only the identifiers and the label the source gives
 * travel: never its free text, its reference or who wrote it.
 */
import { Type } from 'typebox';
import { v5 as uuidV5 } from 'uuid';
import { recordAudit } from '../audit/record.ts';
import type { Role } from '../identity/roles.ts';
import type { Database, Queryable } from '../platform/db/database.ts';
import { HttpProblem, conflict, fieldRefusal, notFound, problemResponses } from '../platform/http/problem.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { StringEnum } from '../platform/schema.ts';
import { collectionFor } from './collections.ts';
import { addVersions } from './store.ts';
import { patternString } from './stix/pattern.ts';
import { TLP_ID, TLP_LEVELS, type TlpLevel } from './stix/tlp.ts';
import type { StixObject } from './stix/validate.ts';

/**
 * The identifiers that can name criminal infrastructure, and the observable each becomes in a pattern.
 * Every other kind stays home: a phone number, an IBAN or an account on a platform may belong to a
 * money mule or a victim whose account was taken over. So does an IP address: it is named with the
 * time it was seen so that a provider can say which subscriber had it, and that subscriber is as
 * often a victim whose router was used, or one of the many behind a shared or VPN address, as the
 * criminal; nothing tells a server of theirs from a person's connection, so none is shared.
 */
const OBSERVABLE: Readonly<Record<string, string>> = {
  url: 'url:value',
  domain: 'domain-name:value',
  email: 'email-addr:value',
  wallet: 'cryptocurrency-wallet:address',
};

export interface NamedIdentifier {
  kind: string;
  value: string;
}

/** Where the identifiers were named, as far as it may be told. */
export interface IdentifierSource {
  /** Names the objects (UUID v5): the same source on the same node gives the same objects again. */
  namespace: string;
  name: string;
  /** When the source was made: the objects' creation and the indicators' validity start there. */
  at: Date;
  /** The kind of crime, the objects' only label. */
  label: string;
  /** The indicators' name after their kind: "named in a case of phishing". */
  namedIn: string;
  /** The STIX report's name. */
  title: string;
  /** In the order the indicators are to come; kinds that name no infrastructure are left out here. */
  identifiers: readonly NamedIdentifier[];
}

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

/**
 * The identifiers the sender chose among those of the source, in the source's order: all of them when
 * no choice is made. A chosen one the source does not name, or of a kind that stays home, is refused.
 */
export function chosenOf(all: readonly NamedIdentifier[], chosen: readonly NamedIdentifier[] | undefined, noun: string): NamedIdentifier[] {
  const shareable = all.filter(({ kind }) => Object.hasOwn(OBSERVABLE, kind));
  if (chosen === undefined) return shareable;
  const same = (a: NamedIdentifier) => (b: NamedIdentifier) => a.kind === b.kind && a.value === b.value;
  const errors = chosen.flatMap((one, index) => {
    if (!Object.hasOwn(OBSERVABLE, one.kind)) return [{ pointer: `/identifiers/${index}/kind`, code: 'kind-not-shared', detail: `a ${one.kind} is not shared: it may name a person` }];
    return shareable.some(same(one)) ? [] : [{ pointer: `/identifiers/${index}`, code: 'not-named', detail: `this ${noun} does not name ${one.kind} ${JSON.stringify(one.value.slice(0, 100))}` }];
  });
  if (errors.length > 0) throw fieldRefusal(400, 'validation', errors, `some identifiers chosen cannot be shared from this ${noun}`);
  return shareable.filter((one) => chosen.some(same(one)));
}

/** The STIX objects of a source, marked with `marking`: its indicators first, then the report naming them. */
export function identifiersAsStix(source: IdentifierSource, marking: TlpLevel): StixObject[] {
  const at = source.at.toISOString();
  const common = { spec_version: '2.1', created: at, modified: at, object_marking_refs: [TLP_ID[marking]] };
  const idFor = (type: string, name: string) => `${type}--${uuidV5(`${source.name}/${name}`, source.namespace)}`;
  // Two links to the same page with different queries are one indicator.
  const shared = [...new Map(source.identifiers.filter(({ kind }) => Object.hasOwn(OBSERVABLE, kind)).map(({ kind, value }) => {
    const kept = kind === 'url' ? withoutPersonalParts(value) : value;
    return [`${kind}:${kept}`, { kind, value: kept }] as const;
  })).values()];
  const indicators = shared.map(({ kind, value }) => ({
    type: 'indicator', id: idFor('indicator', `${kind}:${value}`), ...common,
    name: `${kind} ${source.namedIn}`,
    indicator_types: ['malicious-activity'],
    pattern: `[${OBSERVABLE[kind]} = ${patternString(value)}]`, pattern_type: 'stix', pattern_version: '2.1', valid_from: at,
    labels: [source.label],
  }));
  const report = {
    type: 'report', id: idFor('report', 'report'), ...common,
    name: source.title, report_types: ['threat-report'], published: at, labels: [source.label],
    // A report must name something: with no identifier to share, it names the marking it carries.
    object_refs: indicators.length > 0 ? indicators.map((indicator) => indicator.id) : [TLP_ID[marking]],
  };
  return [...indicators, report];
}

/** One kind of source made into STIX: reports from the public, or cases. */
export interface StixRoute {
  /** The route is /api/v1/intelligence/reports/:reference/stix or …/cases/…. */
  noun: 'report' | 'case';
  roles: readonly Role[];
  purpose: string;
  summary: string;
  /** The audit record's action. */
  action: string;
  /**
   * Whether the sender must name the identifiers to share. A case does not say whose an address or a
   * website is — the criminal's, or a victim's whose mailbox was taken over — so its investigator chooses.
   */
  mustChoose: boolean;
  /**
   * The source's objects, and what the audit record names: throws not found for a reference that
   * names no source. Runs in the transaction that adds the objects.
   */
  make(tx: Queryable, reference: string, marking: TlpLevel, chosen: readonly NamedIdentifier[] | undefined): Promise<{ objects: StixObject[]; subject: { type: string; id: string }; caseId?: string }>;
}

/** Registers the route that makes a source into STIX, in the caller's chosen collection and marking (TLP:AMBER unless told). */
export function identifiersStixRoute(app: HttpServer, db: Database, nodeId: string, route: StixRoute): void {
  const chosenSchema = Type.Array(
    Type.Object({ kind: Type.String({ minLength: 1, maxLength: 40 }), value: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
    { minItems: 1, maxItems: 200, description: `the identifiers of the ${route.noun} to share, as it names them${route.mustChoose ? '' : ' (all that may be shared if left out)'}` },
  );
  app.post(`/api/v1/intelligence/${route.noun}s/:reference/stix`, {
    config: { access: { roles: route.roles, purpose: route.purpose } },
    schema: {
      tags: ['intelligence'],
      summary: route.summary,
      params: Type.Object({ reference: Type.String({ minLength: 1, maxLength: 40 }) }),
      body: Type.Object({
        collectionId: Type.String({ format: 'uuid' }),
        tlp: Type.Optional(StringEnum(TLP_LEVELS)),
        identifiers: route.mustChoose ? chosenSchema : Type.Optional(chosenSchema),
      }, { additionalProperties: false }),
      response: { 201: Type.Object({ objects: Type.Array(Type.Record(Type.String(), Type.Unknown())), added: Type.Integer({ description: 'versions new to the collection' }) }), ...problemResponses },
    },
  }, async (request, reply) => {
    const principal = request.principal!;
    const collection = await collectionFor(db, request.body.collectionId, principal.roles);
    if (!collection) throw notFound(`collection ${request.body.collectionId}`);
    if (!collection.canWrite) {
      await recordAudit(db, {
        actor: request.actor, action: 'access.denied', subject: { type: 'taxii-collection', id: collection.id }, purpose: route.purpose,
        outcome: 'refused', requestId: request.id, details: { wanted: 'write', [route.noun]: request.params.reference },
      });
      throw new HttpProblem(403, 'forbidden', `your roles may not write to the collection ${collection.title}`);
    }
    const result = await db.transaction(async (tx) => {
      const marking = request.body.tlp ?? 'amber';
      const { objects, subject, caseId } = await route.make(tx, request.params.reference, marking, request.body.identifiers as NamedIdentifier[] | undefined);
      // The objects of a source are always the same ones: made again under another marking, they would be
      // taken for the versions already there, and the sender would believe the new marking applied.
      const { rows: marked } = await tx.query<{ tlp: string | null }>(
        'SELECT DISTINCT tlp FROM stix_objects WHERE collection_id = $1 AND id = ANY($2::text[]) AND latest', [collection.id, objects.map((object) => object.id)],
      );
      const other = marked.find((row) => row.tlp !== marking);
      if (other) throw conflict(`this ${route.noun} is already in the collection marked TLP:${(other.tlp ?? 'none').toUpperCase()}; a marking once shared is not changed`);
      const versions = await addVersions(tx, collection.id, objects, { node: nodeId, userId: principal.userId });
      const added = versions.filter((version) => version.added).length;
      await recordAudit(tx, {
        actor: request.actor, action: route.action, subject, ...(caseId ? { caseId } : {}), purpose: route.purpose,
        requestId: request.id, details: { collection: collection.id, objects: objects.length, added },
      });
      return { objects, added };
    });
    return reply.code(201).send(result);
  });
}
