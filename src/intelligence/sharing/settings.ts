/**
 * What sharing's API and console pages both do, each in one transaction with its audit record and
 * the messages it sends: subscribing to a peer's collection and cancelling, and setting which peers
 * may subscribe to one of this node's collections (or its wallets) and which are named for TLP:AMBER.
 */
import { randomUUID } from 'node:crypto';
import { Value } from 'typebox/value';
import { recordAudit } from '../../audit/record.ts';
import type { Federation } from '../../federation/service.ts';
import { getPeer } from '../../federation/trust.ts';
import type { Database, Queryable } from '../../platform/db/database.ts';
import { fieldRefusal, notFound } from '../../platform/http/problem.ts';
import type { Act } from '../collections.ts';
import { REFUSED, ScopeSchema, SUBSCRIBE, UNSUBSCRIBE, WALLET_SCOPE } from './messages.ts';
import { SHARING_PURPOSE, queueAmberBacklog, takeTurn } from './service.ts';

/** Who reads a collection filled from a peer: those who read this node's own. */
const READERS = ['analyst', 'investigator', 'contact_point'];

export type SubscriptionState = 'pending' | 'active' | 'refused';

export interface SubscriptionView {
  id: string;
  peer: string;
  /** The peer's collection, or `wallets`. */
  collectionId: string;
  state: SubscriptionState;
  reason: string | null;
  localCollection: string | null;
  requestedBy: string;
  requestedAt: string;
}

export interface Sharing {
  peers: string[];
  amberPeers: string[];
}

interface Row { id: string; peer: string; scope: string; state: SubscriptionState; reason: string | null; collection_id: string | null; requested_by: string; requested_at: Date }
const SELECT = 'SELECT id, peer, scope, state, reason, collection_id, requested_by, requested_at FROM intelligence_subscriptions';
const view = (row: Row): SubscriptionView => ({
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

export async function listSubscriptions(db: Queryable): Promise<SubscriptionView[]> {
  return (await db.query<Row>(`${SELECT} ORDER BY requested_at, id`)).rows.map(view);
}

/** Asks the peer for its collection (or its wallets); what it shares with this node will arrive in a local collection. */
export async function subscribe(db: Database, federation: Federation, act: Act, peer: string, scope: string): Promise<SubscriptionView> {
  // The API's schema has checked the scope already; a page's text field has not.
  if (!Value.Check(ScopeSchema, scope)) {
    throw fieldRefusal(400, 'validation', [{ pointer: '/collectionId', code: 'scope-invalid', detail: 'give the id of a collection (a UUID) or `wallets`' }]);
  }
  const created = await db.transaction(async (tx) => {
    const known = await getPeer(tx, peer).catch(() => undefined);
    if (!known) throw fieldRefusal(400, 'unknown-peer', [{ pointer: '/peer', code: 'unknown-peer', detail: `${peer} is not a peer of this node` }]);
    const exists = await tx.query('SELECT 1 FROM intelligence_subscriptions WHERE peer = $1 AND scope = $2', [peer, scope]);
    if (exists.rows.length > 0) {
      throw fieldRefusal(409, 'conflict', [{ pointer: '/collectionId', code: 'already-subscribed', detail: 'this node already subscribed to that collection of that peer' }]);
    }
    const collection = scope === WALLET_SCOPE ? null : await newLocalCollection(tx, known.displayName, scope);
    const { rows } = await tx.query<Row>(
      `INSERT INTO intelligence_subscriptions (id, peer, scope, state, collection_id, requested_by) VALUES ($1, $2, $3, 'pending', $4, $5)
       RETURNING id, peer, scope, state, reason, collection_id, requested_by, requested_at`,
      [randomUUID(), peer, scope, collection, act.actor.name],
    );
    await federation.send(tx, peer, SUBSCRIBE, { scope });
    await recordAudit(tx, { actor: act.actor, action: 'intelligence.subscription.add', subject: { type: 'peer', id: peer }, purpose: SHARING_PURPOSE, requestId: act.id, details: { scope } });
    return view(rows[0]!);
  });
  federation.worker.kick();
  return created;
}

/** Ends a subscription and tells the peer; what was received stays in its local collection. */
export async function cancelSubscription(db: Database, federation: Federation, act: Act, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const { rows } = await tx.query<Row>('DELETE FROM intelligence_subscriptions WHERE id = $1 RETURNING peer, scope', [id]);
    if (!rows[0]) throw notFound(`subscription ${id}`);
    await federation.send(tx, rows[0].peer, UNSUBSCRIBE, { scope: rows[0].scope });
    await recordAudit(tx, { actor: act.actor, action: 'intelligence.subscription.cancel', subject: { type: 'peer', id: rows[0].peer }, purpose: SHARING_PURPOSE, requestId: act.id, details: { scope: rows[0].scope } });
  });
  federation.worker.kick();
}

export async function sharingOf(db: Queryable, scope: string): Promise<Sharing> {
  const { rows } = await db.query<{ peer: string; amber: boolean }>('SELECT peer, amber FROM intelligence_sharing WHERE scope = $1 ORDER BY peer', [scope]);
  return { peers: rows.map((row) => row.peer), amberPeers: rows.filter((row) => row.amber).map((row) => row.peer) };
}

/** Sets which peers may subscribe to the scope and which are named for TLP:AMBER; a subscriber left out is unsubscribed. */
export async function setSharing(db: Database, federation: Federation, act: Act, scope: string, { peers, amberPeers }: Sharing): Promise<Sharing> {
  const stray = amberPeers.flatMap((peer, index) => (peers.includes(peer) ? [] : [{ peer, index }]));
  if (stray.length > 0) {
    throw fieldRefusal(400, 'bad-request', stray.map(({ peer, index }) => ({ pointer: `/amberPeers/${index}`, code: 'amber-not-shared', detail: `${peer} is named for amber but may not subscribe` })),
      `peers named for amber must also be allowed to subscribe: ${stray.map(({ peer }) => peer).join(', ')}`);
  }
  const set = await db.transaction(async (tx) => {
    if (scope !== WALLET_SCOPE && (await tx.query('SELECT 1 FROM taxii_collections WHERE id = $1', [scope])).rows.length === 0) throw notFound(`collection ${scope}`);
    const { rows } = await tx.query<{ node_id: string }>('SELECT node_id FROM peers WHERE node_id = ANY($1::text[])', [peers]);
    const unknown = peers.flatMap((peer, index) => (rows.some((row) => row.node_id === peer) ? [] : [{ peer, index }]));
    if (unknown.length > 0) {
      throw fieldRefusal(400, 'unknown-peer', unknown.map(({ peer, index }) => ({ pointer: `/peers/${index}`, code: 'unknown-peer', detail: `${peer} is not a peer of this node` })),
        `not peers of this node: ${unknown.map(({ peer }) => peer).join(', ')}`);
    }
    await takeTurn(tx, scope);
    const { rows: newlyAmber } = await tx.query<{ peer: string }>(
      `SELECT s.peer FROM intelligence_subscribers s JOIN intelligence_sharing h USING (scope, peer)
        WHERE s.scope = $1 AND NOT h.amber AND s.peer = ANY($2::text[]) ORDER BY s.peer`,
      [scope, amberPeers],
    );
    // A subscriber left out is told, so that its side does not wait for what will no longer come.
    const { rows: dropped } = await tx.query<{ peer: string }>('DELETE FROM intelligence_subscribers WHERE scope = $1 AND NOT (peer = ANY($2::text[])) RETURNING peer', [scope, peers]);
    for (const { peer } of dropped) {
      await federation.send(tx, peer, REFUSED, { scope, reason: 'no longer shared with your node' });
      await recordAudit(tx, { actor: act.actor, action: 'intelligence.subscriber.remove', subject: { type: 'peer', id: peer }, purpose: SHARING_PURPOSE, requestId: act.id, details: { scope } });
    }
    await tx.query('DELETE FROM intelligence_sharing WHERE scope = $1 AND NOT (peer = ANY($2::text[]))', [scope, peers]);
    await tx.query(
      `INSERT INTO intelligence_sharing (scope, peer, amber) SELECT $1, peer, peer = ANY($3::text[]) FROM unnest($2::text[]) AS peer
       ON CONFLICT (scope, peer) DO UPDATE SET amber = excluded.amber`,
      [scope, peers, amberPeers],
    );
    const backlog: Record<string, number> = {};
    if (scope !== WALLET_SCOPE) for (const { peer } of newlyAmber) backlog[peer] = await queueAmberBacklog(tx, federation, scope, peer);
    await recordAudit(tx, {
      actor: act.actor, action: 'intelligence.sharing.set', subject: { type: 'taxii-collection', id: scope }, purpose: SHARING_PURPOSE, requestId: act.id,
      details: { peers, amberPeers, ...(Object.keys(backlog).length > 0 ? { amberBacklogSent: backlog } : {}) },
    });
    return sharingOf(tx, scope);
  });
  federation.worker.kick();
  return set;
}
