import { Type } from 'typebox';
import { Nullable, Timestamp } from '../platform/schema.ts';
import type { Federation } from '../federation/service.ts';
import type { Role } from '../identity/roles.ts';
import type { Database } from '../platform/db/database.ts';
import { PUBLIC } from '../platform/http/access.ts';
import { HttpProblem, notFound, problemResponses } from '../platform/http/problem.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { acknowledgeAlert, onCallNow, openAlerts, setOnCall } from './alerts.ts';
import { codeOf } from './confirmations.ts';
import { REQUESTS_PURPOSE, type RequestActor, type Requests } from './service.ts';
import { actorOf } from './routes.ts';
import { type RequestRow, findRequest } from './store.ts';
import { verifyRequest } from './verify.ts';

const tags = ['requests'];
// A provider's responders are its desk: they are paged when an emergency request reaches it.
export const DESK: readonly Role[] = ['contact_point', 'provider_responder'];
const desk = { roles: DESK, purpose: REQUESTS_PURPOSE };
/** The longest shift one can go on call for. */
const MAX_SHIFT_HOURS = 24 * 7;


/** Whoever wrote or approved a request cannot also vouch for it on the phone. */
export const mayVouchFor = (row: Pick<RequestRow, 'created_by' | 'approval'>, name: string) => name !== row.created_by && name !== row.approval?.official;

/** The code of an emergency request this node sent, for the desk to read out, with the request; each reading audited. */
export async function readConfirmationCode(db: Database, requests: Requests, who: RequestActor, id: string): Promise<{ code: string; row: RequestRow }> {
  const row = await findRequest(db, id);
  const code = row?.side === 'requester' ? await codeOf(db, row.id) : undefined;
  if (!row || !code) throw notFound(`confirmation code of request ${id}`);
  if (!mayVouchFor(row, who.actor.name)) {
    throw new HttpProblem(403, 'four-eyes', "the request's drafter and approver do not confirm it: another officer of the desk does");
  }
  await requests.audit(db, who, 'requests.confirmation-code-read', row.id);
  return { code, row };
}

/**
 * The 24/7 desk: who is on call, the alerts that page them (an emergency request, a provider about
 * to call, a deadline passed), and the code the desk reads out to a provider confirming an emergency
 * request; and the public check of a request's origin.
 */
export function deskRoutes(app: HttpServer, db: Database, federation: Federation, requests: Requests): void {
  app.get('/api/v1/requests/alerts', {
    config: { access: desk },
    schema: {
      tags,
      summary: 'Open alerts for the 24/7 desk, emergencies first',
      response: {
        200: Type.Object({
          onCall: Type.Array(Type.Object({ username: Type.String(), since: Timestamp, until: Timestamp })),
          items: Type.Array(Type.Object({
            id: Type.String(), requestId: Type.String(), reason: Type.String(), paged: Nullable(Type.String()), raisedAt: Timestamp,
            deadline: Nullable(Timestamp), kind: Type.String(), state: Type.String(), dueAt: Nullable(Timestamp),
          })),
        }),
        ...problemResponses,
      },
    },
  }, async () => ({
    onCall: (await onCallNow(db)).map((o) => ({ username: o.username, since: o.since.toISOString(), until: o.until.toISOString() })),
    items: (await openAlerts(db)).map((a) => ({
      id: a.id, requestId: a.request_id, reason: a.reason, paged: a.paged_name, raisedAt: a.raised_at.toISOString(), deadline: a.due_at?.toISOString() ?? null,
      kind: a.kind, state: a.state, dueAt: a.request_due_at?.toISOString() ?? null,
    })),
  }));

  app.post('/api/v1/requests/alerts/:id/acknowledge', {
    config: { access: desk },
    schema: { tags, summary: 'Acknowledge an alert: the desk has taken it', params: Type.Object({ id: Type.String({ format: 'uuid' }) }), response: { 204: Type.Null(), ...problemResponses } },
  }, async (request, reply) => {
    await db.transaction(async (tx) => {
      await acknowledgeAlert(tx, request.params.id, request.actor.name);
    });
    return reply.code(204).send(null);
  });

  app.put('/api/v1/requests/on-call', {
    config: { access: desk },
    schema: {
      tags,
      summary: 'Go on call until a time (at most a week ahead), or off call with null: alerts page the officer on call',
      body: Type.Object({ until: Nullable(Timestamp) }, { additionalProperties: false }),
      response: { 204: Type.Null(), ...problemResponses },
    },
  }, async (request, reply) => {
    const until = request.body.until === null ? null : new Date(request.body.until);
    if (until && (until.getTime() <= Date.now() || until.getTime() > Date.now() + MAX_SHIFT_HOURS * 3_600_000)) {
      throw new HttpProblem(400, 'invalid-fields', 'a shift ends in the future, within a week', { extra: { errors: [{ field: '/until', problem: 'shift-out-of-range', params: { maxHours: MAX_SHIFT_HOURS } }] } });
    }
    if (!request.actor.id) throw new HttpProblem(403, 'forbidden', 'only a named officer goes on call');
    await setOnCall(db, request.actor.id, until);
    return reply.code(204).send(null);
  });

  app.get('/api/v1/requests/:id/confirmation-code', {
    config: { access: desk },
    schema: {
      tags,
      summary: "The code the 24/7 desk reads out to a provider that calls to confirm an emergency request (not shown to its drafter or approver; the reading is audited)",
      params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      response: { 200: Type.Object({ code: Type.String() }), ...problemResponses },
    },
  }, async (request) => ({ code: (await readConfirmationCode(db, requests, actorOf(request), request.params.id)).code }));

  app.post('/api/v1/verify', {
    config: { access: PUBLIC },
    schema: {
      tags: ['verify'],
      summary: "Whether this node sent a request: its reference and digest give its kind, when it was sent and whether it is in force, nothing of what it says; the answer is signed by the node",
      body: Type.Object({ reference: Type.String({ format: 'uuid' }), digest: Type.String({ pattern: '^[0-9a-fA-F]{64}$' }) }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          genuine: Type.Boolean(), reference: Type.String(), digest: Type.String(), issuer: Type.String(), state: Type.String(), checkedAt: Timestamp,
          kind: Type.Optional(Type.String()), sentAt: Type.Optional(Timestamp), approved: Type.Optional(Type.Boolean()), inForce: Type.Optional(Type.Boolean()),
          signed: Type.String({ description: 'the same answer as a compact JWS signed by the node (typ entraide-verification+jws)' }),
        }),
        ...problemResponses,
      },
    },
  }, async (request) => {
    const { verification, signed } = await verifyRequest(db, federation, request.body.reference, request.body.digest.toLowerCase());
    return { ...verification, signed };
  });
}
