import type { Queryable } from '../platform/db/database.ts';

export interface Actor {
  id: string | null;
  name: string;
  role: string | null;
}

export const SYSTEM_ACTOR: Actor = { id: null, name: 'system', role: null };

export interface AuditEntry {
  actor: Actor;
  /** `capability.verb`, e.g. `identity.user.create`. */
  action: string;
  subject: { type: string; id?: string | null };
  /** Why the act was done: the purpose that makes the access lawful. */
  purpose: string;
  caseId?: string | null;
  outcome?: 'success' | 'refused' | 'failed';
  requestId?: string | null;
  details?: Record<string, unknown>;
}

/** Appends one audit record, in the caller's transaction so it stands or falls with the act. */
export async function recordAudit(db: Queryable, entry: AuditEntry): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (actor_id, actor_name, role, action, subject_type, subject_id, purpose, case_id, outcome, request_id, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      entry.actor.id,
      entry.actor.name,
      entry.actor.role,
      entry.action,
      entry.subject.type,
      entry.subject.id ?? null,
      entry.purpose,
      entry.caseId ?? null,
      entry.outcome ?? 'success',
      entry.requestId ?? null,
      JSON.stringify(entry.details ?? {}),
    ],
  );
}
