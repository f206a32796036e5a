import type { Queryable } from '../platform/db/database.ts';
import { notFound } from '../platform/http/problem.ts';
import { recordOverlaps } from './deconfliction.ts';
import type { Side } from './machine.ts';
import type { VerifiedApproval } from './approvals.ts';

/** A node's copy of a request. */
export interface RequestRow {
  id: string;
  kind: string;
  side: Side;
  requester: string;
  executor: string;
  parent_id: string | null;
  case_id: string | null;
  state: string;
  seq: number;
  fields: Record<string, unknown>;
  legal_basis: Record<string, unknown>;
  due_at: Date | null;
  /** SHA-256 of the request as it left (set when it leaves, and on the executor's copy as it arrives). */
  digest: string | null;
  /** The prosecutor's or judge's signed approval, for kinds that need one. */
  approval: VerifiedApproval | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export interface EventRow {
  seq: number;
  action: string;
  from_state: string | null;
  to_state: string;
  actor_node: string;
  actor_name: string;
  note: Record<string, unknown>;
  at: Date;
  msg_id: string | null;
}

/** What a transition records, on whichever copy it is applied. */
export interface Applied {
  seq: number;
  action: string;
  from: string | null;
  to: string;
  actorNode: string;
  actorName: string;
  note: Record<string, unknown>;
  at: Date;
  dueAt: Date | null;
  msgId: string | null;
}

type NewRequest = Omit<RequestRow, 'seq' | 'created_at' | 'updated_at' | 'due_at' | 'case_id' | 'digest' | 'approval'> & Partial<Pick<RequestRow, 'case_id' | 'digest' | 'approval'>>;

export async function insertRequest(tx: Queryable, row: NewRequest): Promise<void> {
  await tx.query(
    `INSERT INTO requests (id, kind, side, requester, executor, parent_id, case_id, state, fields, legal_basis, created_by, digest, approval)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      row.id, row.kind, row.side, row.requester, row.executor, row.parent_id, row.case_id ?? null, row.state, JSON.stringify(row.fields), JSON.stringify(row.legal_basis),
      row.created_by, row.digest ?? null, row.approval ? JSON.stringify(row.approval) : null,
    ],
  );
}

/** The request's identifiers as deconfliction finds them, and the cases and requests they overlap (not its own family). */
export async function recordIdentifiers(tx: Queryable, id: string, keys: readonly string[], related: readonly string[]): Promise<void> {
  await tx.query('INSERT INTO request_identifiers (request_id, match_key) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING', [id, keys]);
  await recordOverlaps(tx, 'request', id, keys, related);
}

/** The copy, locked until the end of the transaction: transitions of one request happen one at a time. */
export async function lockRequest(tx: Queryable, id: string): Promise<RequestRow> {
  const { rows } = await tx.query<RequestRow>('SELECT * FROM requests WHERE id = $1 FOR UPDATE', [id]);
  if (!rows[0]) throw notFound(`request ${id}`);
  return rows[0];
}

export async function findRequest(db: Queryable, id: string): Promise<RequestRow | undefined> {
  return (await db.query<RequestRow>('SELECT * FROM requests WHERE id = $1', [id])).rows[0];
}

export async function eventsOf(db: Queryable, id: string): Promise<EventRow[]> {
  return (await db.query<EventRow>('SELECT seq, action, from_state, to_state, actor_node, actor_name, note, at, msg_id FROM request_events WHERE request_id = $1 ORDER BY seq', [id])).rows;
}

/** Moves the copy to its new state and records the event; the caller holds the lock. */
export async function recordTransition(tx: Queryable, id: string, applied: Applied): Promise<void> {
  await tx.query('UPDATE requests SET state = $2, seq = $3, due_at = $4, updated_at = $5 WHERE id = $1', [id, applied.to, applied.seq, applied.dueAt, applied.at]);
  await tx.query(
    `INSERT INTO request_events (request_id, seq, action, from_state, to_state, actor_node, actor_name, note, at, msg_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [id, applied.seq, applied.action, applied.from, applied.to, applied.actorNode, applied.actorName, JSON.stringify(applied.note), applied.at, applied.msgId],
  );
}

export interface ListFilter {
  side?: Side;
  state?: string;
  kind?: string;
  limit: number;
}

export async function listRequests(db: Queryable, filter: ListFilter): Promise<RequestRow[]> {
  const { rows } = await db.query<RequestRow>(
    `SELECT * FROM requests
      WHERE ($1::text IS NULL OR side = $1) AND ($2::text IS NULL OR state = $2) AND ($3::text IS NULL OR kind = $3)
      ORDER BY due_at NULLS LAST, updated_at DESC LIMIT $4`,
    [filter.side ?? null, filter.state ?? null, filter.kind ?? null, filter.limit],
  );
  return rows;
}

export async function childrenOf(tx: Queryable, parentId: string): Promise<RequestRow[]> {
  return (await tx.query<RequestRow>('SELECT * FROM requests WHERE parent_id = $1 ORDER BY created_at', [parentId])).rows;
}
