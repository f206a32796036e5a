import { recordAudit } from '../audit/record.ts';
import type { Database } from '../platform/db/database.ts';
import { HttpProblem } from '../platform/http/problem.ts';
import { HashLimiter } from './limiter.ts';
import { decoyHash, hashPassword, verifyPassword } from './passwords.ts';
import { type SessionKind, openSession } from './sessions.ts';
import { clearFailures, lockedFor, recordFailure } from './throttle.ts';
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

const WRONG = 'wrong username, password or code';

export class LoginService {
  private decoy: Promise<string> | undefined;
  // As many hashes at once as libuv has threads; a few dozen more may wait.
  private readonly hashing = new HashLimiter(4, 64);

  constructor(
    private readonly db: Database,
    private readonly settings: IdentitySettings,
  ) {}

  /** Checks credentials, with lock-out and second factor, and opens a session. Every outcome is audited. */
  async login(credentials: Credentials, kind: SessionKind, requestId: string) {
    const user = await findUserByName(this.db, credentials.username);
    const refused = (reason: string, subject?: UserSecrets) =>
      recordAudit(this.db, {
        actor: { id: subject?.id ?? null, name: subject?.username ?? credentials.username.slice(0, 64), role: null },
        action: 'identity.login',
        subject: { type: 'user', id: subject?.id ?? null },
        purpose: 'authentication',
        outcome: 'refused',
        requestId,
        details: { reason, via: kind },
      });

    // The lock applies to the name tried, known or not: the answer reveals nothing about accounts.
    const wait = await lockedFor(this.db, credentials.username);
    if (wait > 0) {
      await refused('locked', user);
      throw new HttpProblem(429, 'locked', `too many failed attempts: try again in ${wait} seconds`, {
        headers: { 'retry-after': String(wait) },
        extra: { retryAfter: wait },
      });
    }
    if (!user) {
      // Spend the same time as for a real account, so timing does not reveal which names exist.
      await this.hashing.run(async () => verifyPassword(credentials.password, await this.decoyHash(), this.settings.passwordCost));
      return this.fail(credentials.username, 'unknown user', refused);
    }
    const password = await this.hashing.run(() => verifyPassword(credentials.password, user.passwordHash, this.settings.passwordCost));
    if (!password.ok) return this.fail(credentials.username, 'wrong password', refused, user);
    let step: number | null = null;
    if (user.totpEnabled && user.totpSecret) {
      if (!credentials.otp) {
        await refused('second factor missing', user);
        throw new HttpProblem(401, 'second-factor-required', 'enter the code from your authenticator app');
      }
      step = totpStep(user.totpSecret, credentials.otp);
      if (step === null || (user.totpLastStep !== null && step <= user.totpLastStep)) {
        return this.fail(credentials.username, step === null ? 'wrong code' : 'code replayed', refused, user);
      }
    }
    if (user.disabled) {
      await refused('disabled', user);
      throw new HttpProblem(403, 'account-disabled', 'this account is disabled: ask your node administrator');
    }
    const rehashed = password.outdated ? await hashPassword(credentials.password, this.settings.passwordCost) : null;
    return this.db.transaction(async (tx) => {
      await clearFailures(tx, credentials.username);
      if (step !== null || rehashed !== null) {
        await tx.query(
          'UPDATE users SET totp_last_step = COALESCE($2, totp_last_step), password_hash = COALESCE($3, password_hash) WHERE id = $1',
          [user.id, step, rehashed],
        );
      }
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

  private decoyHash(): Promise<string> {
    this.decoy ??= decoyHash(this.settings.passwordCost).catch((error: unknown) => {
      this.decoy = undefined;
      throw error;
    });
    return this.decoy;
  }

  private async fail(
    username: string,
    reason: string,
    refused: (reason: string, user?: UserSecrets) => Promise<void>,
    user?: UserSecrets,
  ): Promise<never> {
    await this.db.transaction(async (tx) => {
      await recordFailure(tx, username);
    });
    await refused(reason, user);
    throw new HttpProblem(401, 'login-failed', WRONG);
  }
}
