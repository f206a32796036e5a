/**
 * Peers watch each other's logs: this node fetches each trusted peer's signed tree head, checks
 * the signature with the key it trusts for that peer, and asks for a consistency proof from the
 * last head it kept. A head that does not verify, a log that shrank, two roots for one size, or a
 * proof that fails raises an alert for the administrator (and an audit record): the peer rewrote
 * its history, or someone speaks in its name. A peer silent for longer than `ledger.silenceSeconds`
 * raises one too: withholding its head from some peers is how a split view would hide.
 */
import { decodeProtectedHeader } from 'jose';
import { Value } from 'typebox/value';
import { SYSTEM_ACTOR, recordAudit } from '../audit/record.ts';
import type { Federation } from '../federation/service.ts';
import { verifyStatement } from '../federation/statements.ts';
import { type Peer, listPeers, trustedKey } from '../federation/trust.ts';
import type { Database, Queryable } from '../platform/db/database.ts';
import { fromHex, verifyConsistency } from './merkle.ts';
import { HEX_HASH, LOG_PATH, TREE_HEAD_TYP, type TreeHead, TreeHeadSchema } from './tree-head.ts';

export const WATCH_PURPOSE = 'watching that peers do not rewrite their logs';
export const ALERT_KINDS = ['bad-signature', 'shrunk', 'fork', 'inconsistent', 'silent'] as const;
type AlertKind = (typeof ALERT_KINDS)[number];

const FETCH_TIMEOUT_MS = 10_000;
/** A tree head or a proof is a few kilobytes at most; anything larger is not one. */
const LARGEST_ANSWER = 64 * 1024;

export interface WatchOutcome {
  nodeId: string;
  /** `kept`: a new head, consistent with the last; `unchanged`: the same head; `unreachable`: try again later. */
  outcome: 'kept' | 'unchanged' | 'alert' | 'unreachable';
  size?: number;
  detail?: string;
}

class Unreachable extends Error {}
class Contradiction extends Error {
  constructor(readonly kind: AlertKind, detail: string) {
    super(detail);
  }
}

/** The JSON a peer answers, or Unreachable when it cannot be read: a network failure or a server error proves nothing. */
async function fetchJson(url: URL): Promise<{ status: number; body: unknown; text: string }> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'error' });
    text = await response.text();
  } catch (error) {
    throw new Unreachable(`${url.origin}: ${(error as Error).message}`);
  }
  if (response.status >= 500) throw new Unreachable(`${url.origin} answered ${response.status}`);
  if (text.length > LARGEST_ANSWER) throw new Unreachable(`${url.pathname} answered ${text.length} characters, far more than a tree head or a proof`);
  try {
    return { status: response.status, body: JSON.parse(text), text };
  } catch {
    throw new Unreachable(`${url.pathname} did not answer JSON (status ${response.status})`);
  }
}

/** The peer's head, if it is signed by a key this node trusts for it; a Contradiction otherwise. */
async function verifiedHead(db: Queryable, federation: Federation, peer: Peer, jws: string): Promise<TreeHead> {
  let kid: unknown;
  try {
    kid = decodeProtectedHeader(jws).kid;
  } catch {
    throw new Contradiction('bad-signature', 'the tree head is not a JWS');
  }
  if (typeof kid !== 'string') throw new Contradiction('bad-signature', 'the tree head names no key');
  let key = await trustedKey(db, peer.nodeId, kid, 'sig');
  // A key unknown here may be a rotation not yet learnt: the peer's signed metadata vouches for it, or nothing does.
  if (!key && (await federation.refreshPeer(peer.nodeId))) key = await trustedKey(db, peer.nodeId, kid, 'sig');
  if (!key) throw new Contradiction('bad-signature', `the tree head is signed with key ${kid}, which this node does not trust for ${peer.nodeId}`);
  let head: unknown;
  try {
    head = await verifyStatement(jws, TREE_HEAD_TYP, key);
  } catch {
    throw new Contradiction('bad-signature', 'the signature of the tree head does not verify');
  }
  if (!Value.Check(TreeHeadSchema, head) || head.nodeId !== peer.nodeId) throw new Contradiction('bad-signature', `the signed statement is not a tree head of ${peer.nodeId}`);
  return head;
}

interface KeptHead {
  size: number;
  rootHash: string;
  jws: string;
}

async function lastKept(db: Queryable, nodeId: string): Promise<KeptHead | undefined> {
  const { rows } = await db.query<{ tree_size: number; root_hash: string; jws: string }>(
    "SELECT tree_size, encode(root_hash, 'hex') AS root_hash, jws FROM ledger_peer_heads WHERE node_id = $1 ORDER BY tree_size DESC LIMIT 1",
    [nodeId],
  );
  return rows[0] ? { size: Number(rows[0].tree_size), rootHash: rows[0].root_hash, jws: rows[0].jws } : undefined;
}

/** Throws a Contradiction unless the peer proves its new head extends the one kept. */
async function checkConsistency(peer: Peer, kept: KeptHead, head: TreeHead): Promise<void> {
  const url = new URL(`/api/v1/log/consistency?from=${kept.size}&to=${head.size}`, peer.url);
  const { status, body } = await fetchJson(url);
  const proof = (body as { proof?: unknown }).proof;
  if (status !== 200 || !Array.isArray(proof) || !proof.every((h) => typeof h === 'string' && new RegExp(HEX_HASH).test(h))) {
    throw new Contradiction('inconsistent', `the peer gave no consistency proof from ${kept.size} to ${head.size} (status ${status})`);
  }
  if (!verifyConsistency(kept.size, head.size, fromHex(kept.rootHash), fromHex(head.rootHash), proof.map(fromHex))) {
    throw new Contradiction('inconsistent', `the log of size ${head.size} does not extend the one of size ${kept.size} kept before: its history was rewritten`);
  }
}

async function raiseAlert(db: Database, nodeId: string, contradiction: Contradiction, kept: KeptHead | undefined, seen: string): Promise<void> {
  await db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO ledger_alerts (node_id, kind, detail, kept_head, seen_head) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (node_id, kind, md5(seen_head)) DO NOTHING RETURNING id`,
      [nodeId, contradiction.kind, contradiction.message, kept?.jws ?? null, seen],
    );
    if (!rows[0]) return;
    await recordAudit(tx, {
      actor: SYSTEM_ACTOR,
      action: 'ledger.alert.raise',
      subject: { type: 'peer', id: nodeId },
      purpose: WATCH_PURPOSE,
      outcome: 'failed',
      details: { alert: rows[0].id, kind: contradiction.kind, detail: contradiction.message },
    });
  });
}

/** The peer answered with a signed head, good or bad: it is not silent. */
async function heardFrom(db: Queryable, nodeId: string): Promise<void> {
  await db.query(
    `INSERT INTO ledger_peer_contact (node_id, heard_at) VALUES ($1, now())
     ON CONFLICT (node_id) DO UPDATE SET heard_at = excluded.heard_at`,
    [nodeId],
  );
}

/** Since when the peer has been silent, if longer than allowed: counted from its last answer, or from when it was added. */
async function silentSince(db: Queryable, nodeId: string, allowedSeconds: number): Promise<Date | undefined> {
  const { rows } = await db.query<{ since: Date; silent: boolean }>(
    `SELECT coalesce(c.heard_at, p.added_at) AS since, coalesce(c.heard_at, p.added_at) < now() - make_interval(secs => $2) AS silent
     FROM peers p LEFT JOIN ledger_peer_contact c USING (node_id) WHERE p.node_id = $1`,
    [nodeId, allowedSeconds],
  );
  return rows[0]?.silent ? new Date(rows[0].since) : undefined;
}

/** Fetches one peer's head, checks it against the last one kept, keeps it or raises an alert. */
export async function watchPeer(db: Database, federation: Federation, peer: Peer): Promise<WatchOutcome> {
  const nodeId = peer.nodeId;
  let seen = '';
  let kept: KeptHead | undefined;
  try {
    const answer = await fetchJson(new URL(LOG_PATH, peer.url));
    seen = answer.text;
    const jws = (answer.body as { signature?: unknown }).signature;
    if (answer.status !== 200 || typeof jws !== 'string') throw new Contradiction('bad-signature', `the peer publishes no signed tree head (status ${answer.status})`);
    seen = jws;
    await heardFrom(db, nodeId);
    const head = await verifiedHead(db, federation, peer, jws);
    kept = await lastKept(db, nodeId);
    if (kept && head.size < kept.size) throw new Contradiction('shrunk', `the log shrank from ${kept.size} to ${head.size} leaves`);
    if (kept && head.size === kept.size) {
      if (head.rootHash !== kept.rootHash) throw new Contradiction('fork', `two different roots for the same size ${head.size}`);
      return { nodeId, outcome: 'unchanged', size: head.size };
    }
    if (kept) await checkConsistency(peer, kept, head);
    await db.query(
      `INSERT INTO ledger_peer_heads (node_id, tree_size, root_hash, signed_at, jws) VALUES ($1, $2, decode($3, 'hex'), $4, $5)
       ON CONFLICT DO NOTHING`,
      [nodeId, head.size, head.rootHash, head.timestamp, jws],
    );
    return { nodeId, outcome: 'kept', size: head.size };
  } catch (error) {
    let contradiction = error;
    if (error instanceof Unreachable) {
      const since = await silentSince(db, nodeId, federation.config.ledger.silenceSeconds);
      if (!since) return { nodeId, outcome: 'unreachable', detail: error.message };
      // One alert per silence: what it "saw" is when the silence began, however often it is checked.
      seen = `silent since ${since.toISOString()}`;
      kept = await lastKept(db, nodeId);
      contradiction = new Contradiction('silent', `no signed tree head since ${since.toISOString()} (${error.message})`);
    }
    if (!(contradiction instanceof Contradiction)) throw error;
    await raiseAlert(db, nodeId, contradiction, kept, seen);
    return { nodeId, outcome: 'alert', detail: `${contradiction.kind}: ${contradiction.message}` };
  }
}

/** Watches every active peer, one after the other. */
export async function watchPeers(db: Database, federation: Federation): Promise<WatchOutcome[]> {
  const outcomes: WatchOutcome[] = [];
  for (const peer of await listPeers(db)) {
    if (peer.status === 'active') outcomes.push(await watchPeer(db, federation, peer));
  }
  return outcomes;
}
