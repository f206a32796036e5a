/**
 * The API of sharing: this node's subscriptions to peers' collections (analysts and the administrator),
 * and which peers may subscribe to this node's collections and which are named for TLP:AMBER (the administrator).
 */
import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import { recordAudit } from '../../audit/record.ts';
import type { Federation } from '../../federation/service.ts';
import { getPeer } from '../../federation/trust.ts';
import type { Role } from '../../identity/roles.ts';
import type { Database, Queryable } from '../../platform/db/database.ts';
import { HttpProblem, conflict, notFound, problemResponses } from '../../platform/http/problem.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { Nullable, StringEnum, Timestamp } from '../../platform/schema.ts';
import { REFUSED, ScopeSchema, SUBSCRIBE, UNSUBSCRIBE, WALLET_SCOPE } from './messages.ts';
import { SHARING_PURPOSE } from './service.ts';

const tags = ['intelligence'];
const SUBSCRIBERS: readonly Role[] = ['analyst', 'node_admin'];
const subscribing = { roles: SUBSCRIBERS, purpose: SHARING_PURPOSE };
const administering = { roles: ['node_admin'] as readonly Role[], purpose: SHARING_PURPOSE };
/** Who reads a collection filled from a peer: those who read this node's own. */
const READERS = ['analyst', 'investigator', 'contact_point'];

const Subscription = Type.Object({
  id: Type.String(), peer: Type.String(), collectionId: Type.String(), state: StringEnum(['pending', 'active', 'refused'] as const),
  reason: Nullable(Type.String()), localCollection: Nullable(Type.String()), requestedBy: Type.String(), requestedAt: Timestamp,
});
const NodeIds = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 200, uniqueItems: true });
const Sharing = Type.Object({ peers: NodeIds, amberPeers: NodeIds }, { additionalProperties: false });

interface Row { id: string; peer: string; scope: string; state: 'pending' | 'active' | 'refused'; reason: string | null; collection_id: string | null; requested_by: string; requested_at: Date }
const SELECT = 'SELECT id, peer, scope, state, reason, collection_id, requested_by, requested_at FROM intelligence_subscriptions';
const view = (row: Row) => ({
  id: row.id, peer: row.peer, collectionId: row.scope, state: row.state, reason: row.reason, localCollection: row.collection_id,
  requestedBy: row.requested_by, requestedAt: row.requested_at.toISOString(),
});

/** A collection for what a subscription brings, read like this node's own; titled for now by the peer's collection id. */
async function newLocalCollection(tx: Queryable, peerName: string, scope: string): Promise<string> {
  const { rows } = await tx.query<{ id: string }>(
    'INSERT INTO taxii_collections (title, description) VALUES ($1, $2) RETURNING id', [`${peerName}: ${scope}`, `Received from ${peerName} by subscription`],
  );
  const id = rows[0]!.id;
  await tx.query('INSERT INTO collection_permissions (collection_id, role, can_read, can_write) SELECT $1, role, true, false FROM unnest($2::text[]) AS role', [id, READERS]);
  return id;
}

async function sharingOf(db: Queryable, scope: string) {
  const { rows } = await db.query<{ peer: string; amber: boolean }>('SELECT peer, amber FROM intelligence_sharing WHERE scope = $1 ORDER BY peer', [scope]);
  return { peers: rows.map((row) => row.peer), amberPeers: rows.filter((row) => row.amber).map((row) => row.peer) };
}

export function sharingRoutes(app: HttpServer, db: Database, federation: Federation): void {
  app.post('/api/v1/intelligence/subscriptions', {
    config: { access: subscribing },
    schema: {
      tags, summary: 'Subscribe to a peer\'s collection (or `wallets`, its cryptocurrency-abuse database): what it shares with this node arrives in a local collection',
      body: Type.Object({ peer: Type.String({ minLength: 1, maxLength: 100 }), collectionId: ScopeSchema }, { additionalProperties: false }),
      response: { 201: Subscription, ...problemResponses },
    },
  }, async (request, reply) => {
    const { peer, collectionId: scope } = request.body;
    const created = await db.transaction(async (tx) => {
      const known = await getPeer(tx, peer).catch(() => undefined);
      if (!known) throw new HttpProblem(400, 'unknown-peer', `${peer} is not a peer of this node`);
      const exists = await tx.query('SELECT 1 FROM intelligence_subscriptions WHERE peer = $1 AND scope = $2', [peer, scope]);
      if (exists.rows.length > 0) throw conflict('this node already subscribed to that collection of that peer');
      const collection = scope === WALLET_SCOPE ? null : await newLocalCollection(tx, known.displayName, scope);
      const { rows } = await tx.query<Row>(
        `INSERT INTO intelligence_subscriptions (id, peer, scope, state, collection_id, requested_by) VALUES ($1, $2, $3, 'pending', $4, $5)
         RETURNING id, peer, scope, state, reason, collection_id, requested_by, requested_at`,
        [randomUUID(), peer, scope, collection, request.actor.name],
      );
      await federation.send(tx, peer, SUBSCRIBE, { scope });
      await recordAudit(tx, { actor: request.actor, action: 'intelligence.subscription.add', subject: { type: 'peer', id: peer }, purpose: SHARING_PURPOSE, requestId: request.id, details: { scope } });
      return view(rows[0]!);
    });
    federation.worker.kick();
    return reply.code(201).send(created);
  });

  app.get('/api/v1/intelligence/subscriptions', {
    config: { access: subscribing },
    schema: { tags, summary: 'This node\'s subscriptions to peers, and what each peer answered', response: { 200: Type.Object({ items: Type.Array(Subscription) }), ...problemResponses } },
  }, async () => ({ items: (await db.query<Row>(`${SELECT} ORDER BY requested_at, id`)).rows.map(view) }));

  app.delete('/api/v1/intelligence/subscriptions/:id', {
    config: { access: subscribing },
    schema: { tags, summary: 'Cancel a subscription; what was received stays in its local collection', params: Type.Object({ id: Type.String({ format: 'uuid' }) }), response: { 204: Type.Null(), ...problemResponses } },
  }, async (request, reply) => {
    await db.transaction(async (tx) => {
      const { rows } = await tx.query<Row>('DELETE FROM intelligence_subscriptions WHERE id = $1 RETURNING peer, scope', [request.params.id]);
      if (!rows[0]) throw notFound(`subscription ${request.params.id}`);
      await federation.send(tx, rows[0].peer, UNSUBSCRIBE, { scope: rows[0].scope });
      await recordAudit(tx, { actor: request.actor, action: 'intelligence.subscription.cancel', subject: { type: 'peer', id: rows[0].peer }, purpose: SHARING_PURPOSE, requestId: request.id, details: { scope: rows[0].scope } });
    });
    federation.worker.kick();
    return reply.code(204).send(null);
  });

  const Scope = Type.Object({ id: ScopeSchema });

  app.get('/api/v1/intelligence/collections/:id/sharing', {
    config: { access: administering },
    schema: { tags, summary: 'Which peers may subscribe to this collection (or `wallets`), and which are named for TLP:AMBER', params: Scope, response: { 200: Sharing, ...problemResponses } },
  }, async (request) => sharingOf(db, request.params.id));

  app.put('/api/v1/intelligence/collections/:id/sharing', {
    config: { access: administering },
    schema: {
      tags, summary: 'Set which peers may subscribe to this collection (or `wallets`) and which are named for TLP:AMBER; a peer left out is unsubscribed',
      params: Scope, body: Sharing, response: { 200: Sharing, ...problemResponses },
    },
  }, async (request) => {
    const scope = request.params.id;
    const { peers, amberPeers } = request.body;
    const stray = amberPeers.filter((peer) => !peers.includes(peer));
    if (stray.length > 0) throw new HttpProblem(400, 'bad-request', `peers named for amber must also be allowed to subscribe: ${stray.join(', ')}`);
    const set = await db.transaction(async (tx) => {
      if (scope !== WALLET_SCOPE && (await tx.query('SELECT 1 FROM taxii_collections WHERE id = $1', [scope])).rows.length === 0) throw notFound(`collection ${scope}`);
      const { rows } = await tx.query<{ node_id: string }>('SELECT node_id FROM peers WHERE node_id = ANY($1::text[])', [peers]);
      const unknown = peers.filter((peer) => !rows.some((row) => row.node_id === peer));
      if (unknown.length > 0) throw new HttpProblem(400, 'unknown-peer', `not peers of this node: ${unknown.join(', ')}`);
      // A subscriber left out is told, so that its side does not wait for what will no longer come.
      const { rows: dropped } = await tx.query<{ peer: string }>('DELETE FROM intelligence_subscribers WHERE scope = $1 AND NOT (peer = ANY($2::text[])) RETURNING peer', [scope, peers]);
      for (const { peer } of dropped) {
        await federation.send(tx, peer, REFUSED, { scope, reason: 'no longer shared with your node' });
        await recordAudit(tx, { actor: request.actor, action: 'intelligence.subscriber.remove', subject: { type: 'peer', id: peer }, purpose: SHARING_PURPOSE, requestId: request.id, details: { scope } });
      }
      await tx.query('DELETE FROM intelligence_sharing WHERE scope = $1 AND NOT (peer = ANY($2::text[]))', [scope, peers]);
      await tx.query(
        `INSERT INTO intelligence_sharing (scope, peer, amber) SELECT $1, peer, peer = ANY($3::text[]) FROM unnest($2::text[]) AS peer
         ON CONFLICT (scope, peer) DO UPDATE SET amber = excluded.amber`,
        [scope, peers, amberPeers],
      );
      await recordAudit(tx, { actor: request.actor, action: 'intelligence.sharing.set', subject: { type: 'taxii-collection', id: scope }, purpose: SHARING_PURPOSE, requestId: request.id, details: { peers, amberPeers } });
      return sharingOf(tx, scope);
    });
    federation.worker.kick();
    return set;
  });
}
