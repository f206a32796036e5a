import type { Queryable } from '../platform/db/database.ts';
import { conflict, notFound } from '../platform/http/problem.ts';
import type { Role } from './roles.ts';

export interface User {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  roles: Role[];
  disabled: boolean;
  totpEnabled: boolean;
  lockedUntil: string | null;
  createdAt: string;
}

/** What login needs besides the public record; never leaves the identity capability. */
export interface UserSecrets extends User {
  passwordHash: string;
  totpSecret: string | null;
  totpLastStep: number | null;
}

const SELECT = `
  SELECT u.id, u.username, u.display_name, u.email, u.disabled, u.totp_enabled, u.created_at,
         u.password_hash, u.totp_secret, u.totp_last_step,
         (SELECT t.locked_until FROM login_throttle t WHERE t.username_key = lower(u.username)) AS locked_until,
         COALESCE((SELECT array_agg(r.role ORDER BY r.role) FROM user_roles r WHERE r.user_id = u.id), '{}') AS roles
    FROM users u`;

interface Row {
  id: string;
  username: string;
  display_name: string;
  email: string | null;
  disabled: boolean;
  totp_enabled: boolean;
  locked_until: Date | null;
  created_at: Date;
  password_hash: string;
  totp_secret: string | null;
  totp_last_step: number | null;
  roles: Role[];
}

function toSecrets(row: Row): UserSecrets {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    email: row.email,
    roles: row.roles,
    disabled: row.disabled,
    totpEnabled: row.totp_enabled,
    lockedUntil: row.locked_until && row.locked_until.getTime() > Date.now() ? row.locked_until.toISOString() : null,
    createdAt: row.created_at.toISOString(),
    passwordHash: row.password_hash,
    totpSecret: row.totp_secret,
    totpLastStep: row.totp_last_step,
  };
}

export function publicView(user: UserSecrets): User {
  const { passwordHash: _p, totpSecret: _s, totpLastStep: _l, ...view } = user;
  return view;
}

export async function findUserByName(db: Queryable, username: string): Promise<UserSecrets | undefined> {
  const { rows } = await db.query<Row>(`${SELECT} WHERE lower(u.username) = lower($1)`, [username]);
  return rows[0] && toSecrets(rows[0]);
}

export async function findUser(db: Queryable, id: string, lock = false): Promise<UserSecrets | undefined> {
  const { rows } = await db.query<Row>(`${SELECT} WHERE u.id = $1${lock ? ' FOR UPDATE OF u' : ''}`, [id]);
  return rows[0] && toSecrets(rows[0]);
}

export async function getUser(db: Queryable, id: string, lock = false): Promise<UserSecrets> {
  const user = await findUser(db, id, lock);
  if (!user) throw notFound(`user ${id}`);
  return user;
}

export interface UserFilter {
  role?: Role;
  q?: string;
  includeDisabled?: boolean;
  limit: number;
  offset: number;
}

export async function listUsers(db: Queryable, filter: UserFilter): Promise<{ items: User[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.role) {
    params.push(filter.role);
    where.push(`EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = $${params.length})`);
  }
  if (filter.q) {
    params.push(`%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    where.push(`(u.username ILIKE $${params.length} OR u.display_name ILIKE $${params.length})`);
  }
  if (!filter.includeDisabled) where.push('NOT u.disabled');
  const clause = where.length ? ` WHERE ${where.join(' AND ')}` : '';
  const total = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM users u${clause}`, params)).rows[0]!.n;
  const { rows } = await db.query<Row>(
    `${SELECT}${clause} ORDER BY lower(u.username) LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, filter.limit, filter.offset],
  );
  return { items: rows.map((row) => publicView(toSecrets(row))), total };
}

export interface NewUser {
  username: string;
  displayName: string;
  email?: string | null;
  passwordHash: string;
  roles: readonly Role[];
}

export async function insertUser(db: Queryable, user: NewUser, grantedBy: string | null): Promise<UserSecrets> {
  const taken = await db.query('SELECT 1 FROM users WHERE lower(username) = lower($1)', [user.username]);
  if (taken.rows.length > 0) throw conflict(`the username ${user.username} is taken`);
  const { rows } = await db.query<{ id: string }>(
    'INSERT INTO users (username, display_name, email, password_hash) VALUES ($1, $2, $3, $4) RETURNING id',
    [user.username, user.displayName, user.email ?? null, user.passwordHash],
  );
  const id = rows[0]!.id;
  for (const role of new Set(user.roles)) await grantRole(db, id, role, grantedBy);
  return getUser(db, id);
}

export async function grantRole(db: Queryable, userId: string, role: Role, grantedBy: string | null): Promise<boolean> {
  const { rowCount } = await db.query(
    'INSERT INTO user_roles (user_id, role, granted_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
    [userId, role, grantedBy],
  );
  return rowCount > 0;
}

export async function revokeRole(db: Queryable, userId: string, role: Role): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM user_roles WHERE user_id = $1 AND role = $2', [userId, role]);
  return rowCount > 0;
}

/** Active administrators other than `except`: a node must never be left without one. */
export async function otherActiveAdmins(db: Queryable, except: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM users u JOIN user_roles r ON r.user_id = u.id
      WHERE r.role = 'node_admin' AND NOT u.disabled AND u.id <> $1`,
    [except],
  );
  return rows[0]!.n;
}

export async function setDisabled(db: Queryable, userId: string, disabled: boolean): Promise<void> {
  await db.query('UPDATE users SET disabled = $2, updated_at = now() WHERE id = $1', [userId, disabled]);
}

export async function countUsers(db: Queryable): Promise<number> {
  return (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users')).rows[0]!.n;
}
