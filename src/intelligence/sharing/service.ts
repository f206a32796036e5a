/**
 * Sharing across the federation (issue 9, item 3): the sending side queues what a subscriber may see
 * in the transaction that adds it, the receiving side checks markings again and stores objects with
 * their producer and the peer they came through. Exactly-once delivery is the outbox's.
 */
import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { FastifyBaseLogger } from 'fastify';
import { recordAudit } from '../../audit/record.ts';
import type { OpenedMessage } from '../../federation/envelope.ts';
import type { Federation } from '../../federation/service.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { addVersions } from '../store.ts';
import { validateStixObject, type StixObject } from '../stix/validate.ts';
import { checkNewWallet } from '../wallets/entry-input.ts';
import { insertWallet } from '../wallets/store.ts';
import { type ProducedObject, type SharingHooks, installSharingHooks } from './hooks.ts';
import { batches, mayShare, mustRefuse } from './markings.ts';
import {
  OBJECTS, ObjectsMessage, type SharedWallet, REFUSED, RefusedMessage, SUBSCRIBE, SUBSCRIBED, ScopeMessage, SubscribedMessage, UNSUBSCRIBE, WALLETS, WALLET_SCOPE, WalletsMessage,
} from './messages.ts';

export const SHARING_PURPOSE = 'threat intelligence sharing across the federation';
/** Objects or wallet entries per message: a backlog goes in several, each well under the inbox limit. */
const BATCH = 100;

const peerActor = (peer: string) => ({ id: null, name: peer, role: null });

/**
 * Adds, subscriptions and changes of who is named for amber take turns on one scope: without it an add
 * committing meanwhile would be missed by both, neither seeing the other's uncommitted rows.
 */
export async function takeTurn(tx: Queryable, scope: string): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtext('intelligence-sharing:' || $1))", [scope]);
}

/** Queues objects of a collection to one peer, in batches. */
async function queueObjects(tx: Queryable, federation: Federation, peer: string, collectionId: string, objects: readonly ProducedObject[]): Promise<void> {
  for (const batch of batches(objects, BATCH)) await federation.send(tx, peer, OBJECTS, { collectionId, objects: batch });
}

/**
 * A subscriber named for TLP:AMBER after it subscribed is sent what this node produced that it may
 * now see and could not before; what it already has is not sent again.
 */
export async function queueAmberBacklog(tx: Queryable, federation: Federation, collectionId: string, peer: string): Promise<number> {
  const self = federation.config.nodeId;
  const { rows } = await tx.query<{ producer: string; object: StixObject }>(
    `SELECT producer_node AS producer, object FROM stix_objects
      WHERE collection_id = $1 AND producer_node = $2 AND tlp IS DISTINCT FROM 'red'
      ORDER BY date_added`,
    [collectionId, self],
  );
  const newly = rows.filter(({ object }) => mayShare(object, true, true) && !mayShare(object, false, true));
  await queueObjects(tx, federation, peer, collectionId, newly);
  return newly.length;
}

export class IntelligenceSharing implements SharingHooks {
  readonly uninstall: () => void;

  constructor(private readonly federation: Federation, private readonly logger: FastifyBaseLogger) {
    const self = federation.config.nodeId;
    this.uninstall = installSharingHooks(self, this);
    this.handle(SUBSCRIBE, ScopeMessage, (tx, from, payload) => this.subscribed(tx, from, payload.scope));
    this.handle(UNSUBSCRIBE, ScopeMessage, async (tx, from, payload) => {
      const { rows } = await tx.query('DELETE FROM intelligence_subscribers WHERE scope = $1 AND peer = $2 RETURNING peer', [payload.scope, from]);
      if (rows.length > 0) await recordAudit(tx, { actor: peerActor(from), action: 'intelligence.subscriber.remove', subject: { type: 'peer', id: from }, purpose: SHARING_PURPOSE, details: { scope: payload.scope } });
    });
    this.handle(SUBSCRIBED, SubscribedMessage, (tx, from, payload) => this.answered(tx, from, payload.scope, { title: payload.title }));
    this.handle(REFUSED, RefusedMessage, (tx, from, payload) => this.answered(tx, from, payload.scope, { reason: payload.reason }));
    this.handle(OBJECTS, ObjectsMessage, (tx, from, payload) => this.receiveObjects(tx, from, payload.collectionId, payload.objects));
    this.handle(WALLETS, WalletsMessage, (tx, from, payload) => this.receiveWallets(tx, from, payload.entries));
  }

  /** A message of the wrong shape is recorded as refused and changes nothing: retrying it would not help. */
  private handle<S extends TSchema>(type: string, schema: S, apply: (tx: Queryable, from: string, payload: Static<S>) => Promise<void>): void {
    this.federation.on(type, async (tx, message: OpenedMessage) => {
      if (!Value.Check(schema, message.payload)) return this.refuse(tx, message.from, type, 'the message is not of the expected shape');
      await apply(tx, message.from, message.payload as Static<S>);
    });
  }

  private async refuse(tx: Queryable, from: string, type: string, reason: string, details: Record<string, unknown> = {}): Promise<void> {
    this.logger.warn({ peer: from, type, reason }, 'intelligence message refused');
    await recordAudit(tx, { actor: peerActor(from), action: 'intelligence.sharing.refused', subject: { type: 'peer', id: from }, purpose: SHARING_PURPOSE, outcome: 'refused', details: { type, reason, ...details } });
  }

  /** A peer asks to subscribe: recorded if the scope is shared with it, answered, then sent what exists. */
  private async subscribed(tx: Queryable, peer: string, scope: string): Promise<void> {
    await takeTurn(tx, scope);
    const { rows } = await tx.query<{ amber: boolean }>('SELECT amber FROM intelligence_sharing WHERE scope = $1 AND peer = $2', [scope, peer]);
    const title = await this.titleOf(tx, scope);
    if (!rows[0] || title === undefined) {
      await this.federation.send(tx, peer, REFUSED, { scope, reason: 'this is not shared with your node' });
      return this.refuse(tx, peer, SUBSCRIBE, 'not shared with this peer', { scope });
    }
    await tx.query('INSERT INTO intelligence_subscribers (scope, peer) VALUES ($1, $2) ON CONFLICT DO NOTHING', [scope, peer]);
    await recordAudit(tx, { actor: peerActor(peer), action: 'intelligence.subscriber.add', subject: { type: 'peer', id: peer }, purpose: SHARING_PURPOSE, details: { scope } });
    await this.federation.send(tx, peer, SUBSCRIBED, { scope, title });
    if (scope === WALLET_SCOPE) {
      for (const entries of batches(await this.ownWallets(tx), BATCH)) await this.federation.send(tx, peer, WALLETS, { entries });
    } else {
      const { rows: stored } = await tx.query<{ producer: string; object: StixObject }>(
        'SELECT producer_node AS producer, object FROM stix_objects WHERE collection_id = $1 ORDER BY date_added', [scope],
      );
      await this.sendObjects(tx, peer, rows[0].amber, scope, stored);
    }
  }

  private async titleOf(tx: Queryable, scope: string): Promise<string | undefined> {
    if (scope === WALLET_SCOPE) return 'Cryptocurrency-abuse database';
    return (await tx.query<{ title: string }>('SELECT title FROM taxii_collections WHERE id = $1', [scope])).rows[0]?.title;
  }

  private async ownWallets(tx: Queryable): Promise<SharedWallet[]> {
    const { rows } = await tx.query<SharedWallet>(
      `SELECT chain, address, network, abuse_type AS "abuseType",
              CASE WHEN amount IS NULL THEN NULL ELSE json_build_object('value', amount::text, 'asset', asset, 'decimals', decimals) END AS amount,
              to_char(first_seen, 'YYYY-MM-DD') AS "firstSeen", to_char(last_seen, 'YYYY-MM-DD') AS "lastSeen", source
         FROM wallets WHERE source = $1 ORDER BY added_at, id`,
      [this.federation.config.nodeId],
    );
    return rows;
  }

  /** Queues to one subscriber what its marking allows, in batches. */
  private async sendObjects(tx: Queryable, peer: string, namedForAmber: boolean, collectionId: string, objects: readonly ProducedObject[]): Promise<void> {
    const self = this.federation.config.nodeId;
    await queueObjects(tx, this.federation, peer, collectionId, objects.filter(({ object, producer }) => mayShare(object, namedForAmber, producer === self)));
  }


  private async subscribers(tx: Queryable, scope: string) {
    await takeTurn(tx, scope);
    return tx.query<{ peer: string; amber: boolean }>(
      'SELECT s.peer, h.amber FROM intelligence_subscribers s JOIN intelligence_sharing h USING (scope, peer) WHERE s.scope = $1 ORDER BY s.peer', [scope],
    );
  }

  async objectsAdded(tx: Queryable, collectionId: string, objects: readonly ProducedObject[]): Promise<void> {
    for (const { peer, amber } of (await this.subscribers(tx, collectionId)).rows) await this.sendObjects(tx, peer, amber, collectionId, objects);
  }

  async walletAdded(tx: Queryable, wallet: SharedWallet): Promise<void> {
    const { chain, address, network, abuseType, amount, firstSeen, lastSeen, source } = wallet;
    for (const { peer } of (await this.subscribers(tx, WALLET_SCOPE)).rows) {
      await this.federation.send(tx, peer, WALLETS, { entries: [{ chain, address, network, abuseType, amount, firstSeen, lastSeen, source }] });
    }
  }

  /** The peer's answer to a subscription of this node; one no longer asked for is ignored. */
  private async answered(tx: Queryable, peer: string, scope: string, answer: { title: string } | { reason: string }): Promise<void> {
    const { rows } = await tx.query<{ collection_id: string | null; display_name: string }>(
      `UPDATE intelligence_subscriptions s SET state = $3, reason = $4 FROM peers p
        WHERE s.peer = $1 AND s.scope = $2 AND p.node_id = s.peer RETURNING s.collection_id, p.display_name`,
      [peer, scope, 'title' in answer ? 'active' : 'refused', 'reason' in answer ? answer.reason : null],
    );
    const collection = rows[0]?.collection_id;
    if ('title' in answer && collection) {
      await tx.query('UPDATE taxii_collections SET title = $2 WHERE id = $1', [collection, `${rows[0]!.display_name}: ${answer.title}`]);
    }
  }

  /** The local collection filled by this node's subscription to the peer's scope, if there is one. */
  private async localCollection(tx: Queryable, peer: string, scope: string): Promise<string | null | undefined> {
    const { rows } = await tx.query<{ collection_id: string | null }>(
      "SELECT collection_id FROM intelligence_subscriptions WHERE peer = $1 AND scope = $2 AND state <> 'refused'", [peer, scope],
    );
    return rows[0] ? rows[0].collection_id : undefined;
  }

  private async receiveObjects(tx: Queryable, from: string, collectionId: string, objects: readonly { producer: string; object: Record<string, unknown> }[]): Promise<void> {
    const local = await this.localCollection(tx, from, collectionId);
    if (!local) return this.refuse(tx, from, OBJECTS, 'no subscription of this node to that collection', { collectionId });
    const byProducer = new Map<string, StixObject[]>();
    let refused = 0;
    for (const { producer, object } of objects) {
      // Checked again here: a faulty or compromised sender must not make this node hold RED it was never
      // given, nor pass off objects as this node's own (they would be shared on as such).
      if (mustRefuse(object) || producer === this.federation.config.nodeId || validateStixObject(object).length > 0) {
        refused += 1;
        continue;
      }
      byProducer.set(producer, [...(byProducer.get(producer) ?? []), object as StixObject]);
    }
    let added = 0;
    for (const [producer, list] of byProducer) {
      const versions = await addVersions(tx, local, list, { node: this.federation.config.nodeId, userId: null, origin: { producer, receivedFrom: from } });
      added += versions.filter((version) => version.added).length;
    }
    await recordAudit(tx, {
      actor: peerActor(from), action: 'intelligence.objects.receive', subject: { type: 'taxii-collection', id: local }, purpose: SHARING_PURPOSE,
      outcome: refused > 0 ? 'refused' : 'success', details: { added, unchanged: objects.length - added - refused, refused },
    });
  }

  private async receiveWallets(tx: Queryable, from: string, entries: readonly SharedWallet[]): Promise<void> {
    if ((await this.localCollection(tx, from, WALLET_SCOPE)) === undefined) return this.refuse(tx, from, WALLETS, 'no subscription of this node to that database');
    let added = 0;
    let refused = 0;
    for (const entry of entries) {
      // Checked as if entered here: an address whose checksum fails is refused whoever sent it.
      const checked = checkNewWallet({ ...entry, network: entry.network ?? undefined, amount: entry.amount ?? undefined, firstSeen: entry.firstSeen ?? undefined, lastSeen: entry.lastSeen ?? undefined });
      // An entry said to come from this node would be shared on as this node's own report.
      if ('problems' in checked || entry.source === this.federation.config.nodeId) refused += 1;
      else if (await insertWallet(tx, entry.source, from, checked.entry)) added += 1;
    }
    await recordAudit(tx, {
      actor: peerActor(from), action: 'wallets.receive', subject: { type: 'peer', id: from }, purpose: SHARING_PURPOSE,
      outcome: refused > 0 ? 'refused' : 'success', details: { added, refused },
    });
  }
}
