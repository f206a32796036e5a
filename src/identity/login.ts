import { recordAudit } from '../audit/record.ts';
import type { Database } from '../platform/db/database.ts';
import { HttpProblem } from '../platform/http/problem.ts';
import { decoyHash, hashPassword, verifyPassword } from './passwords.ts';
import { type SessionKind, openSession } from './sessions.ts';
import { totpStep } from './totp.ts';
import { type UserSecrets, findUserByName, publicView } from './users.ts';

export interface IdentitySettings {
  passwordCost: number;
  sessionHours: number;
}

export interface Credentials {
  username: string;
  password: string;
  otp?: string | undefined;
}

/** Failures allowed before the account locks; each further failure doubles the wait. */
export const FREE_ATTEMPTS = 5;
const FIRST_LOCK_SECONDS = 30;
const LONGEST_LOCK_SECONDS = 3600;

const WRONG = 'wrong username, password or code';

export class LoginService {
  private decoy: Promise<string> | undefined;

  constructor(
    private readonly db: Database,
    private readonly settings: IdentitySettings,
  ) {}

  /** Checks credentials, with lock-out and second factor, and opens a session. Every outcome is audited. */
  async login(credentials: Credentials, kind: SessionKind, requestId: string) {
    const user = await findUserByName(this.db, credentials.username);
    const audit = (outcome: 'success' | 'refused', reason: string, subject?: UserSecrets) =>
      recordAudit(this.db, {
        actor: { id: subject?.id ?? null, name: subject?.username ?? credentials.username.slice(0, 64), role: null },
        action: 'identity.login',
        subject: { type: 'user', id: subject?.id ?? null },
        purpose: 'authentication',
        outcome,
        requestId,
        details: { reason, via: kind },
      });

    if (!user) {
      // Spend the same time as for a real account, so timing does not reveal which names exist.
      this.decoy ??= decoyHash(this.settings.passwordCost);
      await verifyPassword(credentials.password, await this.decoy, this.settings.passwordCost);
      await audit('refused', 'unknown user');
      throw new HttpProblem(401, 'login-failed', WRONG);
    }
    if (user.lockedUntil) {
      await audit('refused', 'locked', user);
      const wait = Math.max(1, Math.ceil((Date.parse(user.lockedUntil) - Date.now()) / 1000));
      throw new HttpProblem(429, 'locked', `too many failed attempts: try again in ${wait} seconds`, {
        headers: { 'retry-after': String(wait) },
        extra: { retryAfter: wait },
      });
    }
    const password = await verifyPassword(credentials.password, user.passwordHash, this.settings.passwordCost);
    if (!password.ok) return this.fail(user, 'wrong password', audit);
    let step: number | null = null;
    if (user.totpEnabled && user.totpSecret) {
      if (!credentials.otp) {
        await audit('refused', 'second factor missing', user);
        throw new HttpProblem(401, 'second-factor-required', 'enter the code from your authenticator app');
      }
      step = totpStep(user.totpSecret, credentials.otp);
      if (step === null || (user.totpLastStep !== null && step <= user.totpLastStep)) {
        return this.fail(user, step === null ? 'wrong code' : 'code replayed', audit);
      }
    }
    if (user.disabled) {
      await audit('refused', 'disabled', user);
      throw new HttpProblem(403, 'account-disabled', 'this account is disabled: ask your node administrator');
    }
    const rehashed = password.outdated ? await hashPassword(credentials.password, this.settings.passwordCost) : null;
    return this.db.transaction(async (tx) => {
      await tx.query(
        `UPDATE users SET failed_logins = 0, locked_until = NULL,
                totp_last_step = COALESCE($2, totp_last_step), password_hash = COALESCE($3, password_hash)
          WHERE id = $1`,
        [user.id, step, rehashed],
      );
      const session = await openSession(tx, user.id, kind, this.settings.sessionHours);
      await recordAudit(tx, {
        actor: { id: user.id, name: user.username, role: null },
        action: 'identity.login',
        subject: { type: 'user', id: user.id },
        purpose: 'authentication',
        requestId,
        details: { via: kind, secondFactor: step !== null },
      });
      return { ...session, user: publicView(user) };
    });
  }

  private async fail(user: UserSecrets, reason: string, audit: (o: 'refused', r: string, u: UserSecrets) => Promise<void>): Promise<never> {
    // One atomic update: concurrent failures all count.
    await this.db.query(
      `UPDATE users SET failed_logins = failed_logins + 1,
              locked_until = CASE WHEN failed_logins + 1 >= $2
                                  THEN now() + make_interval(secs => LEAST($3 * power(2, failed_logins + 1 - $2), $4))
                                  ELSE locked_until END
        WHERE id = $1`,
      [user.id, FREE_ATTEMPTS, FIRST_LOCK_SECONDS, LONGEST_LOCK_SECONDS],
    );
    await audit('refused', reason, user);
    throw new HttpProblem(401, 'login-failed', WRONG);
  }
}
