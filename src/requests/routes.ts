import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Role } from '../identity/roles.ts';
import type { Database } from '../platform/db/database.ts';
import { HttpProblem, notFound, problemResponses } from '../platform/http/problem.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { Nullable, Timestamp, StringEnum } from '../platform/schema.ts';
import { overlapsOf } from './deconfliction.ts';
import { KIND_NAMES } from './kinds.ts';
import { REQUESTS_PURPOSE, type RequestActor, type Requests } from './service.ts';
import { type RequestRow, eventsOf, findRequest, listRequests } from './store.ts';
import { filesOf } from './files.ts';
import { listNotices } from './notifications.ts';
import { responseTimes } from './response-times.ts';

const tags = ['requests'];
/** Everyone who drafts, approves, sends, receives or answers requests. */
export const REQUEST_ROLES: readonly Role[] = ['investigator', 'prosecutor', 'central_authority', 'contact_point', 'provider_responder'];
const access = { roles: REQUEST_ROLES, purpose: REQUESTS_PURPOSE };

const NodeId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' });
const Side = StringEnum(['requester', 'executor'] as const);

const Basis = {
  caseId: Type.Optional(Type.String({ format: 'uuid', description: 'the case the request is drafted from: its reference, offence, summary and identifiers fill what the fields leave out' })),
  requestedState: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$', description: "the State asked for help (ISO 3166-1 alpha-2), if not the recipient's: a request through this State's own 24/7 point or central authority" })),
  basis: Type.Optional(Type.String({ maxLength: 80, description: "a treaty id among those proposed (GET /api/v1/legal-basis/proposal), or 'reciprocity'; by default the most specific treaty in force" })),
};

const EventSchema = Type.Object({
  seq: Type.Integer(), action: Type.String(), fromState: Nullable(Type.String()), toState: Type.String(),
  actorNode: Type.String(), actorName: Type.String(), note: Type.Record(Type.String(), Type.Unknown()), at: Timestamp, msgId: Nullable(Type.String()),
});

export const OverlapSchema = Type.Object({ type: StringEnum(['case', 'request'] as const), id: Type.String(), keys: Type.Array(Type.String()) });

const Summary = {
  id: Type.String({ format: 'uuid' }), kind: StringEnum(KIND_NAMES), side: Side, requester: Type.String(), executor: Type.String(),
  parentId: Nullable(Type.String()), caseId: Nullable(Type.String()), state: Type.String(), seq: Type.Integer(), dueAt: Nullable(Timestamp), createdAt: Timestamp, updatedAt: Timestamp,
};
const SummarySchema = Type.Object(Summary);
const RequestSchema = Type.Object({
  ...Summary,
  fields: Type.Record(Type.String(), Type.Unknown()),
  legalBasis: Type.Record(Type.String(), Type.Unknown()),
  createdBy: Type.String(),
  events: Type.Array(EventSchema),
  forwarded: Type.Array(Type.Object({ id: Type.String(), executor: Type.String(), state: Type.String() })),
  actions: Type.Array(Type.String(), { description: 'the steps the caller may take now' }),
  overlaps: Type.Array(OverlapSchema, { description: 'other open cases and live requests on this node that name the same identifiers' }),
  digest: Nullable(Type.String({ description: 'SHA-256 of the request as it left; anyone holding it can check it at /verify' })),
  approval: Nullable(Type.Object({
    official: Type.String(), approvedAt: Timestamp, kid: Type.String(),
    certificate: Type.String({ description: "the node's signed statement that the key is the official's (compact JWS)" }),
    signature: Type.String({ description: "the official's signature over the request's id and digest (compact JWS)" }),
  }, { description: 'the approval of a prosecutor or judge other than the drafter, verified on arrival' })),
  files: Type.Array(Type.Object({
    sha256: Type.String(), name: Type.String(), mediaType: Type.String(), size: Type.Integer(), seq: Nullable(Type.Integer()), addedBy: Type.String(), addedAt: Timestamp,
  }), { description: 'files sent or received with its steps, and those added but not sent yet (seq null)' }),
});

const FindingSchema = Type.Object({ field: Type.String(), problem: Type.String(), params: Type.Record(Type.String(), Type.Unknown()) });

const summaryOf = (row: RequestRow) => ({
  id: row.id, kind: row.kind as (typeof KIND_NAMES)[number], side: row.side, requester: row.requester, executor: row.executor, parentId: row.parent_id, caseId: row.case_id,
  state: row.state, seq: row.seq, dueAt: row.due_at?.toISOString() ?? null, createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString(),
});

/** Who acts, as the service knows them: the signed-in person, their roles, and the HTTP request for the audit record. */
export function actorOf(request: FastifyRequest): RequestActor {
  return { actor: request.actor, roles: request.principal?.roles ?? [], requestId: request.id };
}

/** The requests API: drafts, steps, and the copies this node holds. */
export function requestRoutes(app: HttpServer, db: Database, requests: Requests): void {
  async function view(request: FastifyRequest, id: string) {
    const row = await findRequest(db, id);
    if (!row) throw notFound(`request ${id}`);
    const [events, forwarded, overlaps, files] = await Promise.all([
      eventsOf(db, id),
      db.query<{ id: string; executor: string; state: string }>('SELECT id, executor, state FROM requests WHERE parent_id = $1 ORDER BY created_at', [id]),
      overlapsOf(db, 'request', id),
      filesOf(db, id),
    ]);
    // A request names people and their accounts: every reading is recorded, and the files it shows are viewed.
    await requests.recordReading(actorOf(request), id, 'viewed', 'requests.read', files);
    return {
      ...summaryOf(row),
      fields: row.fields,
      legalBasis: row.legal_basis,
      createdBy: row.created_by,
      events: events.map((e) => ({
        seq: e.seq, action: e.action, fromState: e.from_state, toState: e.to_state, actorNode: e.actor_node, actorName: e.actor_name, note: e.note,
        at: e.at.toISOString(), msgId: e.msg_id,
      })),
      forwarded: forwarded.rows,
      actions: requests.actionsFor(row, request.principal?.roles ?? []),
      overlaps,
      digest: row.digest,
      approval: row.approval && { official: row.approval.official, approvedAt: row.approval.approvedAt, kid: row.approval.kid, certificate: row.approval.certificate, signature: row.approval.signature },
      files,
    };
  }

  app.post('/api/v1/requests', {
    config: { access },
    schema: {
      tags,
      summary: 'Draft a request to a peer node; it leaves when submitted',
      body: Type.Object({ kind: StringEnum(KIND_NAMES), executor: NodeId, fields: Type.Record(Type.String(), Type.Unknown()), ...Basis }, { additionalProperties: false }),
      response: { 201: RequestSchema, ...problemResponses },
    },
  }, async (request, reply) => {
    const id = await requests.draft(actorOf(request), request.body);
    return reply.code(201).send(await view(request, id));
  });

  app.get('/api/v1/requests', {
    config: { access },
    schema: {
      tags,
      summary: 'The requests this node sent or received, the most urgent first',
      querystring: Type.Object({
        side: Type.Optional(Side), kind: Type.Optional(StringEnum(KIND_NAMES)), state: Type.Optional(Type.String({ maxLength: 40 })),
        limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(SummarySchema) }), ...problemResponses },
    },
  }, async (request) => ({ items: (await listRequests(db, request.query)).map(summaryOf) }));

  app.get('/api/v1/requests/:id', {
    config: { access },
    schema: { tags, summary: 'One request: what it says, its steps on both sides, and what the caller may do now (the reading is audited)', params: Type.Object({ id: Type.String({ format: 'uuid' }) }), response: { 200: RequestSchema, ...problemResponses } },
  }, (request) => view(request, request.params.id));

  app.put('/api/v1/requests/:id', {
    config: { access },
    schema: {
      tags,
      summary: 'Rewrite a draft before it is submitted (the same checks as a new one)',
      params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      body: Type.Object({ fields: Type.Record(Type.String(), Type.Unknown()), ...Basis }, { additionalProperties: false }),
      response: { 200: RequestSchema, ...problemResponses },
    },
  }, async (request) => {
    await requests.revise(actorOf(request), request.params.id, request.body);
    return view(request, request.params.id);
  });

  app.get('/api/v1/requests/:id/check', {
    config: { access },
    schema: {
      tags,
      summary: "A request checked against the requirements its recipient publishes: the problems that would keep it from leaving, and warnings",
      params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      response: { 200: Type.Object({ profileVersion: Type.Integer(), problems: Type.Array(FindingSchema), warnings: Type.Array(FindingSchema) }), ...problemResponses },
    },
  }, async (request) => {
    const row = await findRequest(db, request.params.id);
    if (!row) throw notFound(`request ${request.params.id}`);
    return requests.check(row);
  });

  app.post('/api/v1/requests/:id/actions/:action', {
    config: { access },
    schema: {
      tags,
      summary: "Take a step of the request's state machine (submit, acknowledge, forward, confirm-preserved, refuse, …); a step that crosses the border leaves as a signed message",
      params: Type.Object({ id: Type.String({ format: 'uuid' }), action: Type.String({ pattern: '^[a-z][a-z-]{1,39}$' }) }),
      body: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
      response: { 200: RequestSchema, ...problemResponses },
    },
  }, async (request) => {
    await requests.act(actorOf(request), request.params.id, request.params.action, request.body ?? {});
    return view(request, request.params.id);
  });

  app.get('/api/v1/requests/notifications', {
    config: { access: { roles: ['central_authority', 'prosecutor'] as Role[], purpose: REQUESTS_PURPOSE } },
    schema: {
      tags,
      summary: "Orders that foreign authorities sent straight to providers in this State, of which this State asked to be told (the reading is audited)",
      querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({
            id: Type.String(), kind: Type.String(), requester: Type.String(), provider: Type.String(), digest: Type.String(), receivedAt: Timestamp,
            fields: Type.Record(Type.String(), Type.Unknown()), legalBasis: Type.Record(Type.String(), Type.Unknown()), approvedBy: Nullable(Type.String()),
          })),
        }),
        ...problemResponses,
      },
    },
  }, async (request) => {
    const rows = await listNotices(db, request.query.limit);
    for (const row of rows) await requests.audit(db, actorOf(request), 'requests.notice-read', row.request_id);
    return {
      items: rows.map((row) => ({
        id: row.request_id, kind: row.kind, requester: row.requester, provider: row.provider, digest: row.digest, receivedAt: row.received_at.toISOString(),
        fields: row.order_json.fields, legalBasis: row.order_json.legalBasis, approvedBy: row.order_json.approvedBy,
      })),
    };
  });

  app.get('/api/v1/requests/response-times', {
    config: { access: { roles: [...REQUEST_ROLES, 'analyst'] as Role[], purpose: REQUESTS_PURPOSE } },
    schema: {
      tags,
      summary: 'How fast each recipient (provider, 24/7 point, central authority) answered the requests this node sent in a period, by kind: median hours to its first step and to its answer, and the 90th percentile',
      querystring: Type.Object({ from: Type.String({ format: 'date' }), to: Type.String({ format: 'date' }) }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          from: Type.String(), to: Type.String(),
          items: Type.Array(Type.Object({
            executor: Type.String(), kind: Type.String(), sent: Type.Integer(), answered: Type.Integer(),
            firstStepMedianHours: Nullable(Type.Number()), answerMedianHours: Nullable(Type.Number()), answerP90Hours: Nullable(Type.Number()),
          })),
        }),
        ...problemResponses,
      },
    },
  }, async (request) => {
    const { from, to } = request.query;
    if (from > to) throw new HttpProblem(400, 'invalid-fields', 'the period ends before it starts', { extra: { errors: [{ field: '/to', problem: 'period-reversed', params: {} }] } });
    // The period includes its last day.
    const end = new Date(Date.parse(to) + 86_400_000);
    return { from, to, items: await responseTimes(db, new Date(from), end) };
  });
}
