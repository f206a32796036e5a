import { Type } from 'typebox';
import type { Role } from '../identity/roles.ts';
import { type Actor, recordAudit } from '../audit/record.ts';
import type { Database } from '../platform/db/database.ts';
import { problemResponses } from '../platform/http/problem.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { Timestamp, StringEnum } from '../platform/schema.ts';
import { CASES_PURPOSE, CaseInput, type CaseRow, URGENCIES, closeCase, findCase, listCases, openCase } from './cases.ts';
import { overlapsOf, overlapsOwnedBy } from './deconfliction.ts';
import { OverlapSchema } from './routes.ts';

const tags = ['cases'];
/** Investigators open cases; those who carry their requests read them. */
const OPENERS: readonly Role[] = ['investigator'];
export const READERS: readonly Role[] = ['investigator', 'prosecutor', 'central_authority', 'contact_point'];
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });

const CaseSummary = {
  id: Type.String(), reference: Type.String(), offence: Type.String(), summary: Type.String(), urgency: StringEnum(URGENCIES),
  status: StringEnum(['open', 'closed'] as const), openedBy: Type.String(), openedAt: Timestamp, updatedAt: Timestamp,
};
const CaseSchema = Type.Object({
  ...CaseSummary,
  identifiers: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  requests: Type.Array(Type.Object({ id: Type.String(), kind: Type.String(), executor: Type.String(), state: Type.String() })),
  overlaps: Type.Array(OverlapSchema),
});

const summaryOf = (row: CaseRow) => ({
  id: row.id, reference: row.reference, offence: row.offence, summary: row.summary, urgency: row.urgency, status: row.status,
  openedBy: row.opened_by, openedAt: row.opened_at.toISOString(), updatedAt: row.updated_at.toISOString(),
});

/** Cases: what an investigation is about, the requests drafted from it, and who else works on the same identifiers. */
export function caseRoutes(app: HttpServer, db: Database, nodeId: string): void {
  async function view(request: { actor: Actor; id: string }, id: string) {
    const row = await findCase(db, id);
    const [requests, overlaps] = await Promise.all([
      db.query<{ id: string; kind: string; executor: string; state: string }>('SELECT id, kind, executor, state FROM requests WHERE case_id = $1 ORDER BY created_at', [id]),
      overlapsOf(db, 'case', id),
    ]);
    await recordAudit(db, { actor: request.actor, action: 'cases.read', subject: { type: 'case', id }, caseId: id, purpose: CASES_PURPOSE, requestId: request.id });
    return { ...summaryOf(row), identifiers: row.identifiers as unknown as Record<string, unknown>[], requests: requests.rows, overlaps };
  }

  app.post('/api/v1/cases', {
    config: { access: { roles: OPENERS, purpose: CASES_PURPOSE } },
    schema: { tags, summary: 'Open a case: the offence, what happened, the identifiers (each checked for its format), the urgency', body: CaseInput, response: { 201: CaseSchema, ...problemResponses } },
  }, async (request, reply) => reply.code(201).send(await view(request, await openCase(db, nodeId, request, request.body))));

  app.get('/api/v1/cases', {
    config: { access: { roles: READERS, purpose: CASES_PURPOSE } },
    schema: {
      tags, summary: 'Cases, the most urgent first',
      querystring: Type.Object({ status: Type.Optional(StringEnum(['open', 'closed'] as const)), limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(Type.Object(CaseSummary)) }), ...problemResponses },
    },
  }, async (request) => ({ items: (await listCases(db, request.query)).map(summaryOf) }));

  app.get('/api/v1/cases/:id', {
    config: { access: { roles: READERS, purpose: CASES_PURPOSE } },
    schema: { tags, summary: 'One case, its requests, and the other cases and requests that name the same identifiers (the reading is audited)', params: Id, response: { 200: CaseSchema, ...problemResponses } },
  }, (request) => view(request, request.params.id));

  app.post('/api/v1/cases/:id/close', {
    config: { access: { roles: OPENERS, purpose: CASES_PURPOSE } },
    schema: { tags, summary: 'Close a case: its identifiers no longer call for deconfliction', params: Id, response: { 200: CaseSchema, ...problemResponses } },
  }, async (request) => {
    await closeCase(db, request, request.params.id);
    return view(request, request.params.id);
  });

  app.get('/api/v1/deconfliction', {
    config: { access: { roles: READERS, purpose: CASES_PURPOSE } },
    schema: {
      tags,
      summary: "Where the caller's cases and requests meet another investigation on this node or a request from abroad: which identifiers, and whom to contact",
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({
            mine: Type.Object({ type: StringEnum(['case', 'request'] as const), id: Type.String(), label: Type.String() }),
            other: Type.Object({ type: StringEnum(['case', 'request'] as const), id: Type.String(), owner: Type.String(), fromAbroad: Type.Boolean() }),
            keys: Type.Array(Type.String()),
            foundAt: Timestamp,
          })),
        }),
        ...problemResponses,
      },
    },
  }, async (request) => {
    const items = await overlapsOwnedBy(db, request.actor.name);
    // The identifiers shown are personal data: each overlap read is recorded against the caller's case or request.
    for (const o of items) {
      await recordAudit(db, {
        actor: request.actor, action: 'deconfliction.read', subject: { type: o.mine.type, id: o.mine.id }, ...(o.mine.type === 'case' ? { caseId: o.mine.id } : {}),
        purpose: CASES_PURPOSE, requestId: request.id, details: { other: o.other },
      });
    }
    return { items: items.map((o) => ({ ...o, foundAt: o.foundAt.toISOString() })) };
  });
}
