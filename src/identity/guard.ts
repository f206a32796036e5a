import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Actor, recordAudit } from '../audit/record.ts';
import type { Database } from '../platform/db/database.ts';
import { HttpProblem } from '../platform/http/problem.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { type Principal, resolveSession } from './sessions.ts';

export const SESSION_COOKIE = 'entraide_session';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | undefined;
    /** Who acts, under which of their roles: set on every route that is not public. */
    actor: Actor;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

async function principalOf(db: Database, request: FastifyRequest): Promise<Principal | undefined> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(authorization);
    const principal = match?.[1] ? await resolveSession(db, match[1], 'bearer') : undefined;
    // A bad token is an error, not a reason to fall back on a cookie.
    if (!principal) throw new HttpProblem(401, 'unauthenticated', 'the bearer token is not valid or has expired', { headers: { 'www-authenticate': 'Bearer' } });
    return principal;
  }
  const token = request.cookies[SESSION_COOKIE];
  return token ? resolveSession(db, token, 'cookie') : undefined;
}

/**
 * Enforces each route's declared access before its body is even read:
 * who is calling (bearer token or session cookie), and whether one of their roles is allowed.
 * A refusal is audited. Cookie sessions must also prove the request came from our own page.
 */
export function installGuard(app: HttpServer, db: Database): void {
  app.decorateRequest('principal', undefined);
  app.decorateRequest('actor', undefined as unknown as Actor);

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const access = request.routeOptions.config?.access;
    if (!access) return; // no route matched: the not-found handler answers
    if (!('roles' in access)) {
      // A stale token must not stop anyone from reaching a public route, such as signing in again.
      request.principal = await principalOf(db, request).catch(() => undefined);
      return;
    }
    request.principal = await principalOf(db, request);
    const principal = request.principal;
    if (!principal) {
      if (request.routeOptions.config.page && SAFE_METHODS.has(request.method)) {
        return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
      }
      throw new HttpProblem(401, 'unauthenticated', 'sign in first', { headers: { 'www-authenticate': 'Bearer' } });
    }
    const role = access.roles.find((allowed) => (principal.roles as string[]).includes(allowed));
    if (!role) {
      await recordAudit(db, {
        actor: { id: principal.userId, name: principal.username, role: null },
        action: 'access.denied',
        subject: { type: 'route', id: `${request.method} ${request.routeOptions.url}` },
        purpose: access.purpose ?? 'unspecified',
        outcome: 'refused',
        requestId: request.id,
        details: { roles: principal.roles },
      });
      throw new HttpProblem(403, 'forbidden', 'your role does not allow this');
    }
    request.actor = { id: principal.userId, name: principal.username, role };
  });

  app.addHook('preHandler', async (request: FastifyRequest) => {
    const principal = request.principal;
    if (!principal || principal.via !== 'cookie' || SAFE_METHODS.has(request.method)) return;
    const sent = request.headers[CSRF_HEADER] ?? (request.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
    if (sent !== principal.csrfToken) {
      throw new HttpProblem(403, 'csrf', 'this form has expired: reload the page and try again');
    }
  });
}
