/**
 * Who calls a TAXII endpoint: HTTP Basic with a node account's username and password (what TAXII
 * clients send), or a bearer token from the node's sign-in API (also taken under the scheme `Token`,
 * which the OASIS client's token authentication sends). Basic credentials go through the
 * same lock-out and constant-time checks as the sign-in form; an account with a second factor must
 * use a bearer token, since Basic cannot carry the code.
 *
 * TAXII clients send Basic credentials with every request, and a password check costs what it must
 * to resist guessing (scrypt, about 128 MiB and a third of a second at the node's cost). Credentials
 * that passed are therefore remembered for a few minutes, as a keyed hash only (the key is made at
 * start and never leaves the process), together with a digest of the password hash they matched: the account is
 * still read at every request, so a changed password, a disabled account or a second factor added
 * ends the reprieve at once. Failures are never remembered.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
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
/** How long credentials that passed spare the password check, and how many are kept. */
const REMEMBERED_MS = 5 * 60_000;
const REMEMBERED_MAX = 1000;

/** Credentials that passed: their keyed hash → the account and password hash they matched. */
class RememberedCredentials {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, { userId: string; hashDigest: string; until: number }>();

  /** What tells that the password is still the one checked, without keeping its hash: scrypt's salt and key stay in the database. */
  private static hashDigest = (passwordHash: string) => createHash('sha256').update(passwordHash).digest('base64url');

  /** Of `username:password` as sent: the username holds no colon, so no two pairs give the same text. */
  digest = (credentials: string) => createHmac('sha256', this.key).update(credentials).digest('base64url');

  matches(digest: string, user: { id: string; passwordHash: string }): boolean {
    const entry = this.entries.get(digest);
    if (!entry || entry.until < Date.now()) {
      this.entries.delete(digest);
      return false;
    }
    return entry.userId === user.id && entry.hashDigest === RememberedCredentials.hashDigest(user.passwordHash);
  }

  remember(digest: string, user: { id: string; passwordHash: string }): void {
    this.entries.delete(digest);
    // The oldest goes first: a Map keeps the order in which keys were set.
    if (this.entries.size >= REMEMBERED_MAX) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(digest, { userId: user.id, hashDigest: RememberedCredentials.hashDigest(user.passwordHash), until: Date.now() + REMEMBERED_MS });
  }
}

export class TaxiiAuthenticator {
  private readonly hashing = new HashLimiter(4, 64);
  private readonly remembered = new RememberedCredentials();
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
    const digest = this.remembered.digest(decoded);
    const passed = user !== undefined && this.remembered.matches(digest, user);
    const hash = user?.passwordHash ?? (await this.decoyHash());
    const verified = passed || (await this.hashing.run(() => verifyPassword(password, hash, this.passwordCost))).ok;
    if (!user || !verified) {
      await recordFailure(this.db, username);
      await refuse(user ? 'wrong password' : 'unknown user', user?.id);
      throw unauthenticated(WRONG);
    }
    if (user.disabled || user.totpEnabled) {
      await refuse(user.disabled ? 'disabled' : 'second factor required', user.id);
      throw unauthenticated(user.disabled ? 'this account is disabled' : 'this account has a second factor: sign in and use a bearer token');
    }
    if (!passed) {
      await clearFailures(this.db, username);
      this.remembered.remember(digest, user);
    }
    return { id: user.id, username: user.username, roles: user.roles };
  }

  private decoyHash(): Promise<string> {
    this.decoy ??= decoyHash(this.passwordCost);
    return this.decoy;
  }
}
