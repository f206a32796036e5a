import { createHash, randomBytes } from 'node:crypto';
import { type Actor, recordAudit } from '../audit/record.ts';
import type { Database, Queryable } from '../platform/db/database.ts';
import type { Role } from './roles.ts';

export type SessionKind = 'cookie' | 'bearer';

export interface Principal {
  userId: string;
  username: string;
  displayName: string;
  roles: Role[];
  via: SessionKind;
  csrfToken: string;
  expiresAt: string;
  /** The token this request presented, so that signing out ends exactly this session. */
  token: string;
}

const digest = (token: string) => createHash('sha256').update(token).digest();

export async function openSession(db: Queryable, userId: string, kind: SessionKind, hours: number) {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const { rows } = await db.query<{ expires_at: Date }>(
    `INSERT INTO sessions (token_digest, user_id, kind, csrf_token, expires_at)
     VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5)) RETURNING expires_at`,
    [digest(token), userId, kind, csrfToken, Math.round(hours * 3600)],
  );
  return { token, csrfToken, expiresAt: rows[0]!.expires_at.toISOString() };
}

/** The signed-in user behind a token, if the session is live and the account enabled. */
export async function resolveSession(db: Queryable, token: string, kind: SessionKind): Promise<Principal | undefined> {
  const { rows } = await db.query<{
    user_id: string;
    username: string;
    display_name: string;
    csrf_token: string;
    expires_at: Date;
    roles: Role[];
  }>(
    `SELECT s.user_id, u.username, u.display_name, s.csrf_token, s.expires_at,
            COALESCE((SELECT array_agg(r.role ORDER BY r.role) FROM user_roles r WHERE r.user_id = u.id), '{}') AS roles
       FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_digest = $1 AND s.kind = $2 AND s.revoked_at IS NULL AND s.expires_at > now() AND NOT u.disabled`,
    [digest(token), kind],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    userId: row.user_id,
    username: row.username,
    displayName: row.display_name,
    roles: row.roles,
    via: kind,
    csrfToken: row.csrf_token,
    expiresAt: row.expires_at.toISOString(),
    token,
  };
}

export async function revokeSession(db: Queryable, token: string): Promise<void> {
  await db.query('UPDATE sessions SET revoked_at = now() WHERE token_digest = $1 AND revoked_at IS NULL', [digest(token)]);
}

/** Signing out: the session ends and the act is audited, together. */
export async function endSession(db: Database, principal: Principal, actor: Actor, requestId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await revokeSession(tx, principal.token);
    await recordAudit(tx, { actor, action: 'identity.logout', subject: { type: 'user', id: principal.userId }, purpose: 'authentication', requestId });
  });
}

export async function revokeUserSessions(db: Queryable, userId: string): Promise<void> {
  await db.query('UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [userId]);
}
