/**
 * Who calls a TAXII endpoint: HTTP Basic with a node account's username and password (what TAXII
 * clients send), or a bearer token from the node's sign-in API (also taken under the scheme `Token`,
 * which the OASIS client's token authentication sends). Basic credentials go through the
 * same lock-out and constant-time checks as the sign-in form; an account with a second factor must
 * use a bearer token, since Basic cannot carry the code.
 */
import type { FastifyRequest } from 'fastify';
import { recordAudit } from '../../audit/record.ts';
import { HashLimiter } from '../../identity/limiter.ts';
import { decoyHash, verifyPassword } from '../../identity/passwords.ts';
import { resolveSession } from '../../identity/sessions.ts';
import { clearFailures, lockedFor, recordFailure } from '../../identity/throttle.ts';
import { findUserByName } from '../../identity/users.ts';
import type { Database } from '../../platform/db/database.ts';
import { TaxiiError, unauthenticated } from './errors.ts';

export interface TaxiiUser {
  id: string;
  username: string;
  roles: string[];
}

const WRONG = 'wrong username or password';

export class TaxiiAuthenticator {
  private readonly hashing = new HashLimiter(4, 64);
  private decoy: Promise<string> | undefined;

  constructor(
    private readonly db: Database,
    private readonly passwordCost: number,
  ) {}

  async authenticate(request: FastifyRequest): Promise<TaxiiUser> {
    const [scheme = '', credentials = ''] = (request.headers.authorization ?? '').split(' ', 2);
    if (['bearer', 'token'].includes(scheme.toLowerCase())) {
      const principal = /^[A-Za-z0-9_-]{16,128}$/.test(credentials) ? await resolveSession(this.db, credentials, 'bearer') : undefined;
      if (!principal) throw unauthenticated('the bearer token is not valid or has expired');
      return { id: principal.userId, username: principal.username, roles: principal.roles };
    }
    if (scheme.toLowerCase() === 'basic') return this.basic(credentials, request.id);
    throw unauthenticated('send HTTP Basic credentials or a bearer token');
  }

  private async basic(encoded: string, requestId: string): Promise<TaxiiUser> {
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 1) throw unauthenticated('the Basic credentials are not username:password in base64');
    const username = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const refuse = async (reason: string, userId: string | null = null) => {
      await recordAudit(this.db, {
        actor: { id: userId, name: username.slice(0, 64), role: null },
        action: 'identity.login',
        subject: { type: 'user', id: userId },
        purpose: 'authentication',
        outcome: 'refused',
        requestId,
        details: { reason, via: 'taxii-basic' },
      });
    };
    const wait = await lockedFor(this.db, username);
    if (wait > 0) {
      await refuse('locked');
      throw new TaxiiError(429, 'locked', `too many failed attempts: try again in ${wait} seconds`, { 'retry-after': String(wait) });
    }
    const user = await findUserByName(this.db, username);
    const hash = user?.passwordHash ?? (await this.decoyHash());
    const verified = await this.hashing.run(() => verifyPassword(password, hash, this.passwordCost));
    if (!user || !verified.ok) {
      await recordFailure(this.db, username);
      await refuse(user ? 'wrong password' : 'unknown user', user?.id);
      throw unauthenticated(WRONG);
    }
    if (user.disabled || user.totpEnabled) {
      await refuse(user.disabled ? 'disabled' : 'second factor required', user.id);
      throw unauthenticated(user.disabled ? 'this account is disabled' : 'this account has a second factor: sign in and use a bearer token');
    }
    await clearFailures(this.db, username);
    return { id: user.id, username: user.username, roles: user.roles };
  }

  private decoyHash(): Promise<string> {
    this.decoy ??= decoyHash(this.passwordCost);
    return this.decoy;
  }
}
