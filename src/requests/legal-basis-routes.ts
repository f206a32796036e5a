import { Type } from 'typebox';
import { ADMIN, ANY_ROLE, type Role } from '../identity/roles.ts';
import type { Database } from '../platform/db/database.ts';
import { problemResponses } from '../platform/http/problem.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { Nullable, StringEnum } from '../platform/schema.ts';
import {
  LEGAL_BASIS_PURPOSE, PARTY_STATUSES, REQUEST_KINDS, RESERVATIONS_MAX, SAMPLE_NOTE, SLUG, STATE_CODE, TREATY_KINDS,
  addBilateralTreaty, listTreaties, proposeBasis, setPartyStatus, today,
} from './legal-basis.ts';

/** Those who draft, approve, send or act on requests: they ask which basis a request can rest on. */
export const BASIS_READERS: readonly Role[] = ['investigator', 'prosecutor', 'central_authority', 'contact_point'];

const tags = ['requests'];
const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const State = Type.String({ pattern: STATE_CODE, description: 'ISO 3166-1 alpha-2 code, capital letters' });
const TreatyId = Type.String({ pattern: SLUG });
const Kind = StringEnum(REQUEST_KINDS);

const PartySchema = Type.Object({
  state: Type.String(), status: StringEnum(PARTY_STATUSES),
  signedOn: Nullable(Type.String()), inForceOn: Nullable(Type.String()), withdrawnOn: Nullable(Type.String()),
  reservations: Type.String(), sample: Type.Boolean({ description: 'demonstration data, not a statement of any State’s status' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
const TreatySchema = Type.Object({
  id: Type.String(), title: Type.String(), shortTitle: Type.String(), kind: StringEnum(TREATY_KINDS), adoptedOn: Type.String(),
  covers: Type.Array(Kind), specificity: Type.Integer({ description: 'lower is more specific; bilateral treaties come first whatever it says' }),
  scope: Nullable(Type.String()), sample: Type.Boolean(), parties: Type.Array(PartySchema),
});
const PartyFields = {
  status: StringEnum(PARTY_STATUSES, { description: 'signed; ratified (bound, in force from inForceOn); withdrawn (from withdrawnOn)' }),
  signedOn: Type.Optional(Nullable(Day)),
  inForceOn: Type.Optional(Nullable(Day)),
  withdrawnOn: Type.Optional(Nullable(Day)),
  reservations: Type.Optional(Type.String({ maxLength: RESERVATIONS_MAX, description: 'reservations and declarations, as notified' })),
};
const ProposalSchema = Type.Object({
  from: Type.String(), to: Type.String(), kind: Kind, on: Type.String(),
  reciprocity: Type.Boolean({ description: 'true iff no treaty applies' }),
  treaties: Type.Array(Type.Object({
    id: Type.String(), title: Type.String(), shortTitle: Type.String(), kind: StringEnum(TREATY_KINDS), covers: Type.Array(Kind),
    specificity: Type.Integer(), scope: Nullable(Type.String()), sample: Type.Boolean(),
    parties: Type.Array(Type.Object({ state: Type.String(), inForceOn: Type.String(), reservations: Type.String() })),
  })),
  notes: Type.Array(Type.String()),
});

/** Treaties and States' statuses under them (kept by the administrator), and the basis proposed for a request. */
export function legalBasisRoutes(app: HttpServer, db: Database): void {
  const admin = { roles: ADMIN, purpose: LEGAL_BASIS_PURPOSE };

  app.get('/api/v1/legal-basis/treaties', {
    config: { access: { roles: ANY_ROLE, purpose: LEGAL_BASIS_PURPOSE } },
    schema: {
      tags,
      summary: 'The treaties this node knows, with each State’s status: signed, ratified and in force from a date, withdrawn',
      response: { 200: Type.Object({ note: Type.String(), items: Type.Array(TreatySchema) }), ...problemResponses },
    },
  }, async () => ({ note: SAMPLE_NOTE, items: await listTreaties(db) }));

  app.post('/api/v1/legal-basis/treaties', {
    config: { access: admin },
    schema: {
      tags,
      summary: 'Add a bilateral treaty between two States, with the status of each',
      body: Type.Object({
        id: Type.String({ pattern: SLUG, description: 'a short name: lowercase letters, digits and hyphens' }),
        title: Type.String({ minLength: 1, maxLength: 500 }),
        shortTitle: Type.String({ minLength: 1, maxLength: 120 }),
        adoptedOn: Type.String({ format: 'date', description: 'the date it was signed' }),
        covers: Type.Array(Kind, { minItems: 1, maxItems: REQUEST_KINDS.length, uniqueItems: true, description: 'the kinds of request it provides for' }),
        scope: Type.Optional(Nullable(Type.String({ maxLength: 1000, description: 'the offences it is limited to, if any' }))),
        parties: Type.Array(Type.Object({ state: State, ...PartyFields }, { additionalProperties: false }), { minItems: 2, maxItems: 2 }),
      }, { additionalProperties: false }),
      response: { 201: TreatySchema, ...problemResponses },
    },
  }, async (request, reply) => reply.code(201).send(await addBilateralTreaty(db, request, request.body)));

  app.put('/api/v1/legal-basis/treaties/:id/parties/:state', {
    config: { access: admin },
    schema: {
      tags,
      summary: 'Record a State’s status under a treaty: signed, ratified with the date it enters into force, or withdrawn',
      params: Type.Object({ id: TreatyId, state: State }),
      body: Type.Object(PartyFields, { additionalProperties: false }),
      response: { 200: TreatySchema, ...problemResponses },
    },
  }, (request) => setPartyStatus(db, request, request.params.id, request.params.state, request.body));

  app.get('/api/v1/legal-basis/proposal', {
    config: { access: { roles: BASIS_READERS, purpose: LEGAL_BASIS_PURPOSE } },
    schema: {
      tags,
      summary: 'The legal basis for a request from one State to another: the treaties in force for both on the date that provide for its kind, most specific first, or reciprocity',
      querystring: Type.Object({
        from: State,
        to: State,
        kind: Kind,
        on: Type.Optional(Type.String({ format: 'date', description: 'YYYY-MM-DD; today by default' })),
      }, { additionalProperties: false }),
      response: { 200: ProposalSchema, ...problemResponses },
    },
  }, (request) => proposeBasis(db, { ...request.query, on: request.query.on ?? today() }));
}
