import { type FlattenedJWSInput, type GeneralJWSInput, type JWK, flattenedVerify } from 'jose';
import { Value } from 'typebox/value';
import type { Database, Queryable } from '../platform/db/database.ts';
import { HttpProblem, conflict, notFound } from '../platform/http/problem.ts';
import { SIGNING_ALG, fingerprintOf, importPublicKey } from './keys.ts';
import { type NodeMetadata, NodeMetadataSchema, keysOf } from './metadata.ts';

export interface Peer {
  nodeId: string;
  url: string;
  state: string;
  kind: string;
  displayName: string;
  inboxUrl: string;
  fingerprint: string;
  status: 'active' | 'suspended';
  addedAt: string;
  messagesReceived: number;
  lastMessageAt: string | null;
}

const METADATA_TIMEOUT_MS = 10_000;

/** Fetches a node's metadata and checks it against the fingerprint given out of band. */
export async function fetchPeerMetadata(url: string, fingerprint: string): Promise<NodeMetadata> {
  let body: unknown;
  try {
    const response = await fetch(new URL('/.well-known/entraide', url), { signal: AbortSignal.timeout(METADATA_TIMEOUT_MS), redirect: 'error' });
    if (!response.ok) throw new Error(`status ${response.status}`);
    body = await response.json();
  } catch (error) {
    throw new HttpProblem(422, 'peer-unreachable', `cannot read the metadata of ${url}: ${(error as Error).message}`);
  }
  if (!Value.Check(NodeMetadataSchema, body)) throw new HttpProblem(422, 'peer-metadata-invalid', `${url} does not publish valid Entraide metadata`);
  const signing = keysOf(body, 'sig');
  const prints = await Promise.all(signing.map((key) => fingerprintOf(key)));
  if (!prints.includes(fingerprint)) {
    throw new HttpProblem(422, 'fingerprint-mismatch', 'no signing key of that node has the fingerprint given: do not trust it until you have checked with its administrator');
  }
  return body;
}

interface PeerRow {
  node_id: string;
  url: string;
  state: string;
  kind: string;
  display_name: string;
  inbox_url: string;
  fingerprint: string;
  status: 'active' | 'suspended';
  added_at: Date;
  messages_received: number;
  last_message_at: Date | null;
}

// Counted from the inbox rather than kept on the peer's row: a counter there would make every
// message from one peer wait for the previous one's commit.
const SELECT_PEERS = `
  SELECT p.*, (SELECT count(*)::int FROM inbox i WHERE i.sender = p.node_id) AS messages_received,
         (SELECT max(i.received_at) FROM inbox i WHERE i.sender = p.node_id) AS last_message_at
    FROM peers p`;

const toPeer = (row: PeerRow): Peer => ({
  nodeId: row.node_id,
  url: row.url,
  state: row.state,
  kind: row.kind,
  displayName: row.display_name,
  inboxUrl: row.inbox_url,
  fingerprint: row.fingerprint,
  status: row.status,
  addedAt: row.added_at.toISOString(),
  messagesReceived: row.messages_received,
  lastMessageAt: row.last_message_at?.toISOString() ?? null,
});

export async function addPeer(tx: Queryable, url: string, metadata: NodeMetadata, fingerprint: string, self: string): Promise<Peer> {
  const extra = { extra: { nodeId: metadata.nodeId } };
  if (metadata.nodeId === self) throw new HttpProblem(409, 'peer-is-self', 'a node does not trust itself', extra);
  const inserted = await tx.query(
    `INSERT INTO peers (node_id, url, state, kind, display_name, inbox_url, fingerprint) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (node_id) DO NOTHING`,
    [metadata.nodeId, url, metadata.state, metadata.kind, metadata.displayName, metadata.endpoints.inbox, fingerprint],
  );
  if (inserted.rowCount === 0) throw new HttpProblem(409, 'peer-exists', `${metadata.nodeId} is already on the trust list`, extra);
  for (const key of metadata.jwks.keys) {
    await tx.query('INSERT INTO peer_keys (kid, node_id, use, jwk) VALUES ($1, $2, $3, $4)', [key.kid, metadata.nodeId, key.use, JSON.stringify(key)]);
  }
  return getPeer(tx, metadata.nodeId);
}

export async function getPeer(db: Queryable, nodeId: string): Promise<Peer> {
  const { rows } = await db.query<PeerRow>(`${SELECT_PEERS} WHERE p.node_id = $1`, [nodeId]);
  if (!rows[0]) throw notFound(`peer ${nodeId}`);
  return toPeer(rows[0]);
}

export async function listPeers(db: Queryable): Promise<Peer[]> {
  return (await db.query<PeerRow>(`${SELECT_PEERS} ORDER BY p.node_id`)).rows.map(toPeer);
}

export async function setPeerStatus(db: Queryable, nodeId: string, status: Peer['status']): Promise<void> {
  const { rowCount } = await db.query('UPDATE peers SET status = $2, updated_at = now() WHERE node_id = $1', [nodeId, status]);
  if (rowCount === 0) throw notFound(`peer ${nodeId}`);
}

export async function removePeer(db: Queryable, nodeId: string): Promise<void> {
  const { rowCount } = await db.query('DELETE FROM peers WHERE node_id = $1', [nodeId]);
  if (rowCount === 0) throw notFound(`peer ${nodeId}`);
}

/** A signing key of an active peer that is not retired: the only keys a message may be signed with. */
export async function trustedKey(db: Queryable, nodeId: string, kid: string, use: 'sig' | 'enc'): Promise<JWK | undefined> {
  const { rows } = await db.query<{ jwk: JWK }>(
    `SELECT k.jwk FROM peer_keys k JOIN peers p ON p.node_id = k.node_id
      WHERE k.node_id = $1 AND k.kid = $2 AND k.use = $3 AND k.status = 'active' AND p.status = 'active'`,
    [nodeId, kid, use],
  );
  return rows[0]?.jwk;
}

/** The key to encrypt for a peer: its newest active encryption key, in one statement (it runs for every message). */
export async function encryptionKeyOf(db: Queryable, nodeId: string): Promise<{ key: JWK }> {
  const { rows } = await db.query<{ status: Peer['status']; jwk: JWK | null }>(
    `SELECT p.status, k.jwk FROM peers p
       LEFT JOIN LATERAL (SELECT jwk FROM peer_keys WHERE node_id = p.node_id AND use = 'enc' AND status = 'active'
                           ORDER BY added_at DESC LIMIT 1) k ON true
      WHERE p.node_id = $1`,
    [nodeId],
  );
  const row = rows[0];
  if (!row) throw notFound(`peer ${nodeId}`);
  if (row.status !== 'active') throw conflict(`${nodeId} is suspended: nothing is sent to it`);
  if (!row.jwk) throw conflict(`no encryption key is known for ${nodeId}`);
  return { key: row.jwk };
}

/** The payload of a general JWS if one of its signatures verifies with a key this node trusts for that peer. */
async function vouchedPayload(db: Queryable, nodeId: string, jws: GeneralJWSInput): Promise<unknown> {
  for (const signature of jws.signatures ?? []) {
    const flattened: FlattenedJWSInput = { payload: jws.payload, protected: signature.protected, signature: signature.signature };
    let kid: unknown;
    try {
      kid = JSON.parse(Buffer.from(signature.protected ?? '', 'base64url').toString('utf8')).kid;
    } catch {
      continue;
    }
    const key = typeof kid === 'string' ? await trustedKey(db, nodeId, kid, 'sig') : undefined;
    if (!key) continue;
    try {
      const { payload } = await flattenedVerify(flattened, await importPublicKey(key, SIGNING_ALG), { algorithms: [SIGNING_ALG] });
      return JSON.parse(new TextDecoder().decode(payload));
    } catch {
      // a bad signature by a trusted key proves nothing; another signature may still vouch
    }
  }
  throw new Error('no signature on the metadata verifies with a key this node trusts for that peer');
}

/**
 * Learns a trusted peer's current keys from its signed metadata: new keys are taken only when a key
 * already trusted vouches for them, and keys it no longer publishes are retired here for good.
 */
export async function refreshPeerKeys(db: Database, nodeId: string): Promise<Peer> {
  const peer = await getPeer(db, nodeId);
  const response = await fetch(new URL('/.well-known/entraide/signed', peer.url), { signal: AbortSignal.timeout(METADATA_TIMEOUT_MS), redirect: 'error' });
  if (!response.ok) throw new Error(`${peer.url} answered ${response.status}`);
  const metadata = await vouchedPayload(db, nodeId, (await response.json()) as GeneralJWSInput);
  if (!Value.Check(NodeMetadataSchema, metadata)) throw new Error('the signed metadata is not valid');
  const valid = metadata;
  if (valid.nodeId !== nodeId) throw new Error(`the signed metadata is that of ${valid.nodeId}`);
  return db.transaction(async (tx) => {
    for (const key of valid.jwks.keys) {
      await tx.query('INSERT INTO peer_keys (kid, node_id, use, jwk) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [key.kid, nodeId, key.use, JSON.stringify(key)]);
    }
    await tx.query("UPDATE peer_keys SET status = 'retired' WHERE node_id = $1 AND NOT (kid = ANY($2::text[]))", [nodeId, valid.jwks.keys.map((k) => k.kid)]);
    const current = keysOf(valid, 'sig')[0];
    await tx.query(
      'UPDATE peers SET inbox_url = $2, display_name = $3, fingerprint = $4, refreshed_at = now(), updated_at = now() WHERE node_id = $1',
      [nodeId, valid.endpoints.inbox, valid.displayName, current ? await fingerprintOf(current) : peer.fingerprint],
    );
    return getPeer(tx, nodeId);
  });
}
