/**
 * The administrator's acts on the federation, each in one transaction with its audit record,
 * shared by the API and the console's forms so that the two cannot drift apart.
 */
import { type Actor, recordAudit } from '../audit/record.ts';
import type { Federation } from './service.ts';
import { type Peer, addPeer, fetchPeerMetadata, getPeer, setPeerStatus } from './trust.ts';
import type { Queryable } from '../platform/db/database.ts';
import { conflict, notFound } from '../platform/http/problem.ts';

export const FEDERATION_PURPOSE = 'federation administration';

/** Who acts, and in which request: a Fastify request after the guard has set its actor. */
export interface Act {
  actor: Actor;
  id: string;
}

/** Trusts a node whose metadata matches the fingerprint given out of band; refuses with a problem otherwise. */
export async function trustPeer(federation: Federation, act: Act, url: string, fingerprint: string): Promise<Peer> {
  const metadata = await fetchPeerMetadata(url, fingerprint);
  return federation.db.transaction(async (tx) => {
    const added = await addPeer(tx, url, metadata, fingerprint, federation.config.nodeId);
    await recordAudit(tx, { actor: act.actor, action: 'federation.peer.add', subject: { type: 'peer', id: added.nodeId }, purpose: FEDERATION_PURPOSE, requestId: act.id, details: { url: added.url, fingerprint: added.fingerprint } });
    return added;
  });
}

export const PEER_CHANGES = { suspend: 'suspended', activate: 'active' } as const;
export type PeerChange = keyof typeof PEER_CHANGES;

export function changePeer(federation: Federation, act: Act, nodeId: string, change: PeerChange): Promise<Peer> {
  return federation.db.transaction(async (tx) => {
    await setPeerStatus(tx, nodeId, PEER_CHANGES[change]);
    await recordAudit(tx, { actor: act.actor, action: `federation.peer.${change}`, subject: { type: 'peer', id: nodeId }, purpose: FEDERATION_PURPOSE, requestId: act.id });
    return getPeer(tx, nodeId);
  });
}

/** Puts a dead message back in the queue with a fresh delivery window, and wakes the worker. */
export async function retryMessage(federation: Federation, act: Act, msgId: string): Promise<void> {
  await federation.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ state: string }>('SELECT state FROM outbox WHERE msg_id = $1 FOR UPDATE', [msgId]);
    if (!rows[0]) throw notFound(`message ${msgId}`);
    if (rows[0].state !== 'dead') throw conflict(`the message is ${rows[0].state}, not dead`);
    await tx.query(
      "UPDATE outbox SET state = 'pending', next_attempt_at = now(), give_up_at = now() + make_interval(secs => $2) WHERE msg_id = $1",
      [msgId, federation.config.federation.deadAfterSeconds],
    );
    await recordAudit(tx, { actor: act.actor, action: 'federation.message.retry', subject: { type: 'message', id: msgId }, purpose: FEDERATION_PURPOSE, requestId: act.id });
  });
  federation.worker.kick();
}

export const DIRECTIONS = ['sent', 'received'] as const;
export const MESSAGE_STATES = ['pending', 'delivered', 'dead', 'applied'] as const;

export interface MessageFilter {
  direction?: (typeof DIRECTIONS)[number];
  state?: (typeof MESSAGE_STATES)[number];
  peer?: string;
  limit: number;
}

export interface LoggedMessage {
  msgId: string;
  direction: (typeof DIRECTIONS)[number];
  peer: string;
  type: string;
  state: (typeof MESSAGE_STATES)[number];
  attempts: number;
  createdAt: Date;
  /** When it was delivered (sent) or applied (received). */
  settledAt: Date | null;
  lastError: string | null;
  digest: string;
  receipt: string | null;
}

/** Sent and received messages in one log, newest first; a received message is applied as soon as it is recorded. */
export async function listMessages(db: Queryable, { direction, state, peer, limit }: MessageFilter): Promise<LoggedMessage[]> {
  const { rows } = await db.query<{
    msg_id: string; direction: LoggedMessage['direction']; peer: string; type: string; state: LoggedMessage['state']; attempts: number;
    created_at: Date; settled_at: Date | null; last_error: string | null; digest: string; receipt: string | null;
  }>(
    `SELECT * FROM (
       SELECT msg_id, 'sent' AS direction, recipient AS peer, type, state, attempts, created_at, delivered_at AS settled_at, last_error, digest, receipt FROM outbox
       UNION ALL
       SELECT msg_id, 'received', sender, type, 'applied', 1, created_at, received_at, NULL, digest, receipt FROM inbox) m
      WHERE ($1::text IS NULL OR direction = $1) AND ($2::text IS NULL OR state = $2) AND ($3::text IS NULL OR peer = $3)
      ORDER BY created_at DESC LIMIT $4`,
    [direction ?? null, state ?? null, peer ?? null, limit],
  );
  return rows.map((row) => ({
    msgId: row.msg_id, direction: row.direction, peer: row.peer, type: row.type, state: row.state, attempts: row.attempts,
    createdAt: row.created_at, settledAt: row.settled_at, lastError: row.last_error, digest: row.digest, receipt: row.receipt,
  }));
}
