import { Type } from 'typebox';
import type { Database } from '../platform/db/database.ts';
import { problemResponses } from '../platform/http/problem.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { recordAudit } from './record.ts';

export const AuditEntrySchema = Type.Object(
  {
    id: Type.Integer(),
    at: Type.String({ format: 'date-time' }),
    actorId: Type.Union([Type.String(), Type.Null()]),
    actorName: Type.String(),
    role: Type.Union([Type.String(), Type.Null()]),
    action: Type.String(),
    subjectType: Type.String(),
    subjectId: Type.Union([Type.String(), Type.Null()]),
    purpose: Type.String(),
    caseId: Type.Union([Type.String(), Type.Null()]),
    outcome: Type.String(),
    requestId: Type.Union([Type.String(), Type.Null()]),
    details: Type.Record(Type.String(), Type.Unknown()),
  },
  { $id: 'AuditEntry' },
);

export const AuditQuery = Type.Object(
  {
    actor: Type.Optional(Type.String({ maxLength: 64, description: 'username of the actor' })),
    action: Type.Optional(Type.String({ maxLength: 100, pattern: '^[a-z0-9_.]+$', description: 'an action, or its prefix ending in a dot' })),
    subjectType: Type.Optional(Type.String({ maxLength: 50 })),
    subjectId: Type.Optional(Type.String({ maxLength: 200 })),
    caseId: Type.Optional(Type.String({ maxLength: 200 })),
    outcome: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: ['success', 'refused', 'failed'] })),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    before: Type.Optional(Type.Integer({ minimum: 1, description: 'cursor: only records older than this id' })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  },
  { additionalProperties: false },
);

type Filter = { [K in keyof typeof AuditQuery.properties]?: unknown } & { limit: number };

interface Row {
  id: number;
  at: Date;
  actor_id: string | null;
  actor_name: string;
  role: string | null;
  action: string;
  subject_type: string;
  subject_id: string | null;
  purpose: string;
  case_id: string | null;
  outcome: string;
  request_id: string | null;
  details: Record<string, unknown>;
}

/** Newest first, filtered; `next` is the cursor for the following page. */
export async function listAudit(db: Database, filter: Filter) {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.actor) add('actor_name = ?', filter.actor);
  if (typeof filter.action === 'string') {
    if (filter.action.endsWith('.')) add("action LIKE ? || '%'", filter.action);
    else add('action = ?', filter.action);
  }
  if (filter.subjectType) add('subject_type = ?', filter.subjectType);
  if (filter.subjectId) add('subject_id = ?', filter.subjectId);
  if (filter.caseId) add('case_id = ?', filter.caseId);
  if (filter.outcome) add('outcome = ?', filter.outcome);
  if (filter.from) add('at >= ?::timestamptz', filter.from);
  if (filter.to) add('at < ?::timestamptz', filter.to);
  if (filter.before) add('id < ?', filter.before);
  params.push(filter.limit + 1);
  const { rows } = await db.query<Row>(
    `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, filter.limit);
  return {
    items: page.map((row) => ({
      id: row.id,
      at: row.at.toISOString(),
      actorId: row.actor_id,
      actorName: row.actor_name,
      role: row.role,
      action: row.action,
      subjectType: row.subject_type,
      subjectId: row.subject_id,
      purpose: row.purpose,
      caseId: row.case_id,
      outcome: row.outcome,
      requestId: row.request_id,
      details: row.details,
    })),
    ...(rows.length > filter.limit ? { next: page.at(-1)!.id } : {}),
  };
}

export function auditRoutes(app: HttpServer, db: Database, adminRoles: readonly string[]): void {
  app.get('/api/v1/audit', {
    config: { access: { roles: adminRoles, purpose: 'oversight of the node' } },
    schema: {
      tags: ['audit'],
      summary: 'List audit records, newest first (records can be neither changed nor deleted)',
      querystring: AuditQuery,
      response: {
        200: Type.Object({ items: Type.Array(AuditEntrySchema), next: Type.Optional(Type.Integer()) }),
        ...problemResponses,
      },
    },
  }, async (request) => {
    const page = await listAudit(db, request.query);
    // Reading the audit trail reads personal data: it leaves its own trace.
    await recordAudit(db, {
      actor: request.actor,
      action: 'audit.list',
      subject: { type: 'audit_log' },
      purpose: 'oversight of the node',
      requestId: request.id,
      details: { filter: request.query, returned: page.items.length },
    });
    return page;
  });
}
