import { Type } from 'typebox';
import { recordAudit } from '../audit/record.ts';
import type { Database } from '../platform/db/database.ts';
import { PUBLIC } from '../platform/http/access.ts';
import { HttpProblem, conflict, problemResponses, unprocessable } from '../platform/http/problem.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { Accounts } from './accounts.ts';
import type { LoginService } from './login.ts';
import { hashPassword, passwordWeakness, verifyPassword } from './passwords.ts';
import { ADMIN, ANY_ROLE } from './roles.ts';
import {
  LoginBody, NewUserBody, NewUserResult, PasswordChangeBody, SessionSchema, TotpCodeBody, TotpEnrolment,
  UserIdParams, UserList, UserListQuery, UserRoleParams, UserSchema,
} from './schemas.ts';
import { endSession, revokeUserSessions } from './sessions.ts';
import { newTotpSecret, totpStep, totpUri } from './totp.ts';
import { getUser, listUsers, publicView } from './users.ts';

const problems = problemResponses;
const tags = ['identity'];
const ADMINISTRATION = { roles: ADMIN, purpose: 'account administration' };
const SELF = { roles: ANY_ROLE, purpose: 'own account' };

export function identityRoutes(app: HttpServer, db: Database, login: LoginService, passwordCost: number, issuer: string): void {
  const accounts = new Accounts(db, passwordCost);

  app.post('/api/v1/auth/login', {
    config: { access: PUBLIC },
    schema: { tags, summary: 'Sign in and get a bearer token', body: LoginBody, response: { 200: SessionSchema, ...problems } },
  }, async (request) => {
    const { token, expiresAt, user } = await login.login(request.body, 'bearer', request.id);
    return { token, expiresAt, user };
  });

  app.post('/api/v1/auth/logout', {
    config: { access: SELF },
    schema: { tags, summary: 'End the current session', response: { 204: Type.Null(), ...problems } },
  }, async (request, reply) => {
    await endSession(db, request.principal!, request.actor, request.id);
    return reply.code(204).send(null);
  });

  app.get('/api/v1/me', {
    config: { access: SELF },
    schema: { tags, summary: 'My account', response: { 200: UserSchema, ...problems } },
  }, async (request) => {
    const user = await getUser(db, request.actor.id!);
    await recordAudit(db, { actor: request.actor, action: 'identity.self.read', subject: { type: 'user', id: user.id }, purpose: SELF.purpose, requestId: request.id });
    return publicView(user);
  });

  app.post('/api/v1/me/password', {
    config: { access: SELF },
    schema: { tags, summary: 'Change my password; my other sessions end', body: PasswordChangeBody, response: { 204: Type.Null(), ...problems } },
  }, async (request, reply) => {
    const user = await getUser(db, request.actor.id!);
    const check = await verifyPassword(request.body.currentPassword, user.passwordHash, passwordCost);
    if (!check.ok) throw new HttpProblem(403, 'wrong-password', 'the current password is wrong');
    const weakness = passwordWeakness(request.body.newPassword);
    if (weakness) throw unprocessable(weakness);
    const hash = await hashPassword(request.body.newPassword, passwordCost);
    await db.transaction(async (tx) => {
      await tx.query('UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1', [user.id, hash]);
      await revokeUserSessions(tx, user.id);
      await recordAudit(tx, { actor: request.actor, action: 'identity.password.change', subject: { type: 'user', id: user.id }, purpose: SELF.purpose, requestId: request.id });
    });
    return reply.code(204).send(null);
  });

  app.post('/api/v1/me/totp', {
    config: { access: SELF },
    schema: { tags, summary: 'Start enrolling a second factor (TOTP)', response: { 200: TotpEnrolment, ...problems } },
  }, async (request) => {
    const secret = newTotpSecret();
    return db.transaction(async (tx) => {
      const user = await getUser(tx, request.actor.id!, true);
      if (user.totpEnabled) throw conflict('a second factor is already enrolled: ask an administrator to reset it');
      await tx.query('UPDATE users SET totp_secret = $2, updated_at = now() WHERE id = $1', [user.id, secret]);
      await recordAudit(tx, { actor: request.actor, action: 'identity.totp.begin', subject: { type: 'user', id: user.id }, purpose: SELF.purpose, requestId: request.id });
      return { secret, uri: totpUri(secret, user.username, issuer) };
    });
  });

  app.post('/api/v1/me/totp/confirm', {
    config: { access: SELF },
    schema: { tags, summary: 'Confirm the second factor with a first code', body: TotpCodeBody, response: { 204: Type.Null(), ...problems } },
  }, async (request, reply) => {
    await db.transaction(async (tx) => {
      const user = await getUser(tx, request.actor.id!, true);
      if (user.totpEnabled) throw conflict('the second factor is already enrolled');
      if (!user.totpSecret) throw conflict('start the enrolment first');
      const step = totpStep(user.totpSecret, request.body.otp);
      if (step === null) throw unprocessable('the code is wrong: check the clock of your device');
      await tx.query('UPDATE users SET totp_enabled = true, totp_last_step = $2, updated_at = now() WHERE id = $1', [user.id, step]);
      await recordAudit(tx, { actor: request.actor, action: 'identity.totp.enable', subject: { type: 'user', id: user.id }, purpose: SELF.purpose, requestId: request.id });
    });
    return reply.code(204).send(null);
  });

  app.get('/api/v1/users', {
    config: { access: ADMINISTRATION },
    schema: { tags, summary: 'List accounts', querystring: UserListQuery, response: { 200: UserList, ...problems } },
  }, async (request) => {
    const page = await listUsers(db, request.query);
    await recordAudit(db, {
      actor: request.actor, action: 'identity.user.list', subject: { type: 'user' }, purpose: ADMINISTRATION.purpose, requestId: request.id,
      details: { filter: request.query, returned: page.items.map((u) => u.id) },
    });
    return page;
  });

  app.post('/api/v1/users', {
    config: { access: ADMINISTRATION },
    schema: { tags, summary: 'Create an account', body: NewUserBody, response: { 201: NewUserResult, ...problems } },
  }, async (request, reply) => reply.code(201).send(await accounts.create(request.body, request.actor, request.id)));

  app.get('/api/v1/users/:id', {
    config: { access: ADMINISTRATION },
    schema: { tags, summary: 'One account', params: UserIdParams, response: { 200: UserSchema, ...problems } },
  }, (request) => accounts.read(request.params.id, request.actor, request.id));

  app.put('/api/v1/users/:id/roles/:role', {
    config: { access: ADMINISTRATION },
    schema: { tags, summary: 'Grant a role', params: UserRoleParams, response: { 200: UserSchema, ...problems } },
  }, (request) => accounts.grant(request.params.id, request.params.role, request.actor, request.id));

  app.delete('/api/v1/users/:id/roles/:role', {
    config: { access: ADMINISTRATION },
    schema: { tags, summary: 'Remove a role', params: UserRoleParams, response: { 200: UserSchema, ...problems } },
  }, (request) => accounts.revoke(request.params.id, request.params.role, request.actor, request.id));

  const accountActions = {
    disable: 'Disable an account and end its sessions',
    enable: 'Enable an account again',
    unlock: 'Lift a lock-out after failed sign-ins',
    'reset-second-factor': 'Remove the second factor so the user can enrol again',
  } as const;
  for (const [action, summary] of Object.entries(accountActions) as [keyof typeof accountActions, string][]) {
    app.post(`/api/v1/users/:id/${action}`, {
      config: { access: ADMINISTRATION },
      schema: { tags, summary, params: UserIdParams, response: { 200: UserSchema, ...problems } },
    }, (request) => {
      const { id } = request.params as { id: string };
      if (action === 'disable') return accounts.disable(id, request.actor, request.id);
      if (action === 'enable') return accounts.enable(id, request.actor, request.id);
      if (action === 'unlock') return accounts.unlock(id, request.actor, request.id);
      return accounts.resetSecondFactor(id, request.actor, request.id);
    });
  }
}

export { Accounts };
