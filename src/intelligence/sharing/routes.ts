/**
 * The API of sharing: this node's subscriptions to peers' collections (analysts and the administrator),
 * and which peers may subscribe to this node's collections and which are named for TLP:AMBER (the administrator).
 */
import { Type } from 'typebox';
import type { Federation } from '../../federation/service.ts';
import type { Role } from '../../identity/roles.ts';
import type { Database } from '../../platform/db/database.ts';
import { problemResponses } from '../../platform/http/problem.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { Nullable, StringEnum, Timestamp } from '../../platform/schema.ts';
import { ScopeSchema } from './messages.ts';
import { SHARING_PURPOSE } from './service.ts';
import { cancelSubscription, listSubscriptions, setSharing, sharingOf, subscribe } from './settings.ts';

const tags = ['intelligence'];
const SUBSCRIBERS: readonly Role[] = ['analyst', 'node_admin'];
export const subscribing = { roles: SUBSCRIBERS, purpose: SHARING_PURPOSE };
export const administeringSharing = { roles: ['node_admin'] as readonly Role[], purpose: SHARING_PURPOSE };

const Subscription = Type.Object({
  id: Type.String(), peer: Type.String(), collectionId: Type.String(), state: StringEnum(['pending', 'active', 'refused'] as const),
  reason: Nullable(Type.String()), localCollection: Nullable(Type.String()), requestedBy: Type.String(), requestedAt: Timestamp,
});
const NodeIds = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 200, uniqueItems: true });
const Sharing = Type.Object({ peers: NodeIds, amberPeers: NodeIds }, { additionalProperties: false });

export function sharingRoutes(app: HttpServer, db: Database, federation: Federation): void {
  app.post('/api/v1/intelligence/subscriptions', {
    config: { access: subscribing },
    schema: {
      tags, summary: 'Subscribe to a peer\'s collection (or `wallets`, its cryptocurrency-abuse database): what it shares with this node arrives in a local collection',
      body: Type.Object({ peer: Type.String({ minLength: 1, maxLength: 100 }), collectionId: ScopeSchema }, { additionalProperties: false }),
      response: { 201: Subscription, ...problemResponses },
    },
  }, async (request, reply) => reply.code(201).send(await subscribe(db, federation, request, request.body.peer, request.body.collectionId)));

  app.get('/api/v1/intelligence/subscriptions', {
    config: { access: subscribing },
    schema: { tags, summary: 'This node\'s subscriptions to peers, and what each peer answered', response: { 200: Type.Object({ items: Type.Array(Subscription) }), ...problemResponses } },
  }, async () => ({ items: await listSubscriptions(db) }));

  app.delete('/api/v1/intelligence/subscriptions/:id', {
    config: { access: subscribing },
    schema: { tags, summary: 'Cancel a subscription; what was received stays in its local collection', params: Type.Object({ id: Type.String({ format: 'uuid' }) }), response: { 204: Type.Null(), ...problemResponses } },
  }, async (request, reply) => {
    await cancelSubscription(db, federation, request, request.params.id);
    return reply.code(204).send(null);
  });

  const Scope = Type.Object({ id: ScopeSchema });

  app.get('/api/v1/intelligence/collections/:id/sharing', {
    config: { access: administeringSharing },
    schema: { tags, summary: 'Which peers may subscribe to this collection (or `wallets`), and which are named for TLP:AMBER', params: Scope, response: { 200: Sharing, ...problemResponses } },
  }, async (request) => sharingOf(db, request.params.id));

  app.put('/api/v1/intelligence/collections/:id/sharing', {
    config: { access: administeringSharing },
    schema: {
      tags, summary: 'Set which peers may subscribe to this collection (or `wallets`) and which are named for TLP:AMBER; a peer left out is unsubscribed',
      params: Scope, body: Sharing, response: { 200: Sharing, ...problemResponses },
    },
  }, async (request) => setSharing(db, federation, request, request.params.id, request.body));
}
