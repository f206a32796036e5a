import { randomUUID } from 'node:crypto';
import type { Queryable } from '../platform/db/database.ts';
import { notFound } from '../platform/http/problem.ts';
import { KINDS } from './kinds.ts';
import type { Machine } from './machine.ts';

/** Why the 24/7 desk is paged: an emergency arrived, a provider is about to call, a deadline passed. */
export type AlertReason = 'emergency' | 'confirmation' | 'overdue';

export interface AlertRow {
  id: string;
  request_id: string;
  reason: AlertReason;
  paged_user: string | null;
  paged_name: string | null;
  due_at: Date | null;
  raised_at: Date;
  kind: string;
  state: string;
  request_due_at: Date | null;
}

/**
 * Pages the officer on call now (the one who went on call last, if several are), or the whole desk
 * if no one is: the alert stays open until someone acknowledges it. One alert per deadline.
 */
export async function raiseAlert(tx: Queryable, requestId: string, reason: AlertReason, dueAt: Date | null = null): Promise<boolean> {
  const { rowCount } = await tx.query(
    `INSERT INTO request_alerts (id, request_id, reason, paged_user, due_at)
     VALUES ($1, $2, $3, (SELECT user_id FROM on_call WHERE since <= now() AND until > now() ORDER BY since DESC LIMIT 1), $4)
     ON CONFLICT (request_id, reason, due_at) DO NOTHING`,
    [randomUUID(), requestId, reason, dueAt],
  );
  return (rowCount ?? 0) > 0;
}

/** Alerts for requests whose deadline passed while they wait on someone (not on the node itself). Returns how many were raised. */
/**
 * The (kind, state) in which a request waits on someone: neither final nor waiting on the node
 * itself (a preservation period that ends is not late).
 */
const WAITING = Object.entries(KINDS).flatMap(([name, { machine }]: [string, { machine: Machine }]) => machine.states
  .filter((state) => !machine.final.includes(state) && !machine.transitions.some((t) => t.roles === 'system' && t.from.includes(state)))
  .map((state) => [name, state] as const));

export async function raiseOverdue(db: Queryable, now: Date): Promise<number> {
  const { rows } = await db.query<{ id: string; due_at: Date }>(
    `SELECT r.id, r.due_at FROM requests r JOIN unnest($2::text[], $3::text[]) AS w(kind, state) ON w.kind = r.kind AND w.state = r.state
      WHERE r.due_at <= $1 AND NOT EXISTS (SELECT 1 FROM request_alerts a WHERE a.request_id = r.id AND a.reason = 'overdue' AND a.due_at = r.due_at)
      ORDER BY r.due_at LIMIT 500`,
    [now, WAITING.map(([kind]) => kind), WAITING.map(([, state]) => state)],
  );
  let raised = 0;
  for (const row of rows) if (await raiseAlert(db, row.id, 'overdue', row.due_at)) raised += 1;
  return raised;
}

export async function openAlerts(db: Queryable): Promise<AlertRow[]> {
  const { rows } = await db.query<AlertRow>(
    `SELECT a.id, a.request_id, a.reason, a.paged_user, u.username AS paged_name, a.due_at, a.raised_at, r.kind, r.state, r.due_at AS request_due_at
       FROM request_alerts a JOIN requests r ON r.id = a.request_id LEFT JOIN users u ON u.id = a.paged_user
      WHERE a.acknowledged_at IS NULL ORDER BY (a.reason = 'emergency') DESC, a.raised_at LIMIT 500`,
  );
  return rows;
}

export async function acknowledgeAlert(tx: Queryable, id: string, by: string): Promise<void> {
  const { rowCount } = await tx.query('UPDATE request_alerts SET acknowledged_by = $2, acknowledged_at = now() WHERE id = $1 AND acknowledged_at IS NULL', [id, by]);
  if (!rowCount) throw notFound(`open alert ${id}`);
}

/** Puts the officer on call until the given time (or takes them off, with `until` null). */
export async function setOnCall(tx: Queryable, userId: string, until: Date | null): Promise<void> {
  if (until === null) await tx.query('DELETE FROM on_call WHERE user_id = $1', [userId]);
  else await tx.query('INSERT INTO on_call (user_id, until) VALUES ($1, $2) ON CONFLICT (user_id) DO UPDATE SET since = now(), until = excluded.until', [userId, until]);
}

export async function onCallNow(db: Queryable): Promise<{ username: string; since: Date; until: Date }[]> {
  return (await db.query<{ username: string; since: Date; until: Date }>(
    'SELECT u.username, o.since, o.until FROM on_call o JOIN users u ON u.id = o.user_id WHERE o.since <= now() AND o.until > now() ORDER BY o.since DESC',
  )).rows;
}
