import { Type } from 'typebox';
import { recordAudit } from '../audit/record.ts';
import type { Federation } from '../federation/service.ts';
import { getPeer } from '../federation/trust.ts';
import { ADMIN } from '../identity/roles.ts';
import type { Database } from '../platform/db/database.ts';
import { PUBLIC } from '../platform/http/access.ts';
import { HttpProblem, problemResponses } from '../platform/http/problem.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { PROFILE_PATH, ProfileRequirements, checkRequirements, ownProfile, peerProfile, publishProfile, signProfile } from './profile.ts';
import { REQUEST_ROLES } from './routes.ts';

const tags = ['requests'];
const PROFILE_PURPOSE = 'requirements for incoming requests';
const ProfileSchema = Type.Intersect([
  Type.Object({ nodeId: Type.String(), state: Type.String(), version: Type.Integer(), issuedAt: Type.String({ format: 'date-time' }) }),
  ProfileRequirements,
]);

/** Where a node publishes what it requires of incoming requests, and where its staff read their peers'. */
export function profileRoutes(app: HttpServer, db: Database, federation: Federation): void {
  app.get(PROFILE_PATH, {
    config: { access: PUBLIC },
    schema: {
      tags,
      summary: "This node's requirements for incoming requests, as a compact JWS signed by the node",
      response: { 200: { content: { 'application/jose': { schema: Type.String({ description: 'compact JWS, typ entraide-profile+jws' }) } } }, ...problemResponses },
    },
  }, async (_request, reply) => reply.type('application/jose').send(await signProfile(federation, await ownProfile(db, federation))));

  app.get('/api/v1/requests/profile', {
    config: { access: { roles: [...REQUEST_ROLES, ...ADMIN], purpose: PROFILE_PURPOSE } },
    schema: { tags, summary: "This node's requirements for incoming requests, as published", response: { 200: ProfileSchema, ...problemResponses } },
  }, () => ownProfile(db, federation));

  app.put('/api/v1/requests/profile', {
    config: { access: { roles: ADMIN, purpose: PROFILE_PURPOSE } },
    schema: { tags, summary: 'Publish a new version of the requirements (the previous versions are kept)', body: Type.Record(Type.String(), Type.Unknown()), response: { 200: ProfileSchema, ...problemResponses } },
  }, async (request) => {
    const requirements = checkRequirements(request.body);
    await db.transaction(async (tx) => {
      const version = await publishProfile(tx, requirements);
      await recordAudit(tx, { actor: request.actor, action: 'requests.profile.publish', subject: { type: 'profile', id: String(version) }, purpose: PROFILE_PURPOSE, requestId: request.id });
    });
    return ownProfile(db, federation);
  });

  app.get('/api/v1/requests/profiles/:nodeId', {
    config: { access: { roles: REQUEST_ROLES, purpose: PROFILE_PURPOSE } },
    schema: {
      tags,
      summary: "A peer's requirements, fetched from it and checked against its trusted key (the copy kept if it cannot be reached)",
      params: Type.Object({ nodeId: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' }) }),
      response: { 200: ProfileSchema, ...problemResponses },
    },
  }, async (request) => {
    const peer = await getPeer(db, request.params.nodeId);
    if (peer.status !== 'active') throw new HttpProblem(409, 'peer-suspended', `${peer.nodeId} is suspended`);
    return peerProfile(db, peer.nodeId, peer.url);
  });
}
