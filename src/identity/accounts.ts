import { type Actor, recordAudit } from '../audit/record.ts';
import type { Database, Queryable } from '../platform/db/database.ts';
import { conflict, unprocessable } from '../platform/http/problem.ts';
import { generatePassword, hashPassword, passwordWeakness } from './passwords.ts';
import type { Role } from './roles.ts';
import { revokeUserSessions } from './sessions.ts';
import { type User, getUser, grantRole, insertUser, otherActiveAdmins, publicView, revokeRole, setDisabled } from './users.ts';

const PURPOSE = 'account administration';

export interface AccountRequest {
  username: string;
  displayName: string;
  email?: string | null | undefined;
  password?: string | undefined;
  roles: readonly Role[];
}

/**
 * What a node administrator does to accounts, with the checks and the audit record each needs.
 * The HTTP API and the command line both come through here.
 */
export class Accounts {
  constructor(
    private readonly db: Database,
    private readonly passwordCost: number,
  ) {}

  async create(request: AccountRequest, actor: Actor, requestId: string | null = null): Promise<{ user: User; generatedPassword?: string }> {
    const generated = request.password === undefined ? generatePassword() : undefined;
    const password = request.password ?? generated!;
    const weakness = passwordWeakness(password);
    if (weakness) throw unprocessable(weakness);
    const passwordHash = await hashPassword(password, this.passwordCost);
    const user = await this.db.transaction(async (tx) => {
      const created = await insertUser(tx, { ...request, passwordHash }, actor.id);
      await recordAudit(tx, {
        actor,
        action: 'identity.user.create',
        subject: { type: 'user', id: created.id },
        purpose: PURPOSE,
        requestId,
        details: { username: created.username, roles: created.roles },
      });
      return publicView(created);
    });
    return generated === undefined ? { user } : { user, generatedPassword: generated };
  }

  async read(id: string, actor: Actor, requestId: string): Promise<User> {
    return this.db.transaction(async (tx) => {
      const user = await getUser(tx, id);
      await recordAudit(tx, { actor, action: 'identity.user.read', subject: { type: 'user', id }, purpose: PURPOSE, requestId });
      return publicView(user);
    });
  }

  async grant(id: string, role: Role, actor: Actor, requestId: string): Promise<User> {
    return this.change(id, actor, requestId, 'identity.role.grant', { role }, async (tx) => {
      await grantRole(tx, id, role, actor.id);
    });
  }

  async revoke(id: string, role: Role, actor: Actor, requestId: string): Promise<User> {
    return this.change(id, actor, requestId, 'identity.role.revoke', { role }, async (tx, user) => {
      if (role === 'node_admin' && user.roles.includes('node_admin') && !user.disabled && (await otherActiveAdmins(tx, id)) === 0) {
        throw conflict('this is the last active administrator of the node');
      }
      await revokeRole(tx, id, role);
    });
  }

  async disable(id: string, actor: Actor, requestId: string): Promise<User> {
    return this.change(id, actor, requestId, 'identity.user.disable', {}, async (tx, user) => {
      if (user.roles.includes('node_admin') && (await otherActiveAdmins(tx, id)) === 0) {
        throw conflict('this is the last active administrator of the node');
      }
      await setDisabled(tx, id, true);
      await revokeUserSessions(tx, id);
    });
  }

  async enable(id: string, actor: Actor, requestId: string): Promise<User> {
    return this.change(id, actor, requestId, 'identity.user.enable', {}, async (tx) => {
      await setDisabled(tx, id, false);
    });
  }

  async unlock(id: string, actor: Actor, requestId: string): Promise<User> {
    return this.change(id, actor, requestId, 'identity.user.unlock', {}, async (tx) => {
      await tx.query('DELETE FROM login_throttle WHERE username_key = (SELECT lower(username) FROM users WHERE id = $1)', [id]);
    });
  }

  async resetSecondFactor(id: string, actor: Actor, requestId: string): Promise<User> {
    return this.change(id, actor, requestId, 'identity.totp.reset', {}, async (tx) => {
      await tx.query(
        'UPDATE users SET totp_secret = NULL, totp_enabled = false, totp_last_step = NULL, updated_at = now() WHERE id = $1',
        [id],
      );
    });
  }

  /** Locks the account's row, applies one change and its audit record together, returns the result. */
  private async change(
    id: string,
    actor: Actor,
    requestId: string,
    action: string,
    details: Record<string, unknown>,
    apply: (tx: Queryable, user: User) => Promise<void>,
  ): Promise<User> {
    return this.db.transaction(async (tx) => {
      // Serialises changes to accounts so two administrators cannot each remove "the other" last admin.
      await tx.query('SELECT pg_advisory_xact_lock(7404118)');
      const before = await getUser(tx, id, true);
      await apply(tx, publicView(before));
      await recordAudit(tx, { actor, action, subject: { type: 'user', id }, purpose: PURPOSE, requestId, details });
      return publicView(await getUser(tx, id));
    });
  }
}
