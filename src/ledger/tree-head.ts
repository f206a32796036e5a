/**
 * Signed tree heads: the node's statement, signed with its federation signing key, that its log
 * held `size` leaves with root `rootHash` at `timestamp`. Peers keep them; two heads of one node
 * that no consistency proof joins are proof that it rewrote its history.
 */
import { decodeProtectedHeader } from 'jose';
import { Type, type Static } from 'typebox';
import type { NodeKeys } from '../federation/keys.ts';
import { signStatement } from '../federation/statements.ts';
import type { Queryable } from '../platform/db/database.ts';
import { toHex } from './merkle.ts';
import { rootAt, treeSize } from './tree-store.ts';

export const TREE_HEAD_TYP = 'entraide-tree-head+jws';
export const LOG_PATH = '/.well-known/entraide/log';

export const HEX_HASH = '^[0-9a-f]{64}$';
export const HexHash = Type.String({ pattern: HEX_HASH, description: 'SHA-256, lowercase hexadecimal' });

export const TreeHeadSchema = Type.Object({
  nodeId: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' }),
  size: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
  rootHash: HexHash,
  timestamp: Type.String({ format: 'date-time' }),
});
export type TreeHead = Static<typeof TreeHeadSchema>;

export const SignedTreeHeadSchema = Type.Object({
  ...TreeHeadSchema.properties,
  signature: Type.String({ description: `compact JWS (EdDSA, typ ${TREE_HEAD_TYP}) whose payload is the head itself, signed with the node's federation key` }),
});
export type SignedTreeHead = Static<typeof SignedTreeHeadSchema>;

const payloadOf = (jws: string): TreeHead => JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as TreeHead;

/** The head this node published last, if any. */
export async function latestHead(db: Queryable): Promise<SignedTreeHead | undefined> {
  // By signing time, not size: a log that shrank (restored from an old backup) must say so, not hide behind an older head.
  const { rows } = await db.query<{ jws: string }>('SELECT jws FROM ledger_heads ORDER BY signed_at DESC, tree_size DESC LIMIT 1');
  return rows[0] ? { ...payloadOf(rows[0].jws), signature: rows[0].jws } : undefined;
}

/**
 * Signs a head for the log as it is, unless the last one already says the same with the current
 * key: a head is re-signed after a key rotation, since peers stop trusting retired keys.
 */
export async function publishHead(db: Queryable, keys: NodeKeys, nodeId: string): Promise<SignedTreeHead> {
  const size = await treeSize(db);
  const latest = await latestHead(db);
  if (latest && latest.size === size && decodeProtectedHeader(latest.signature).kid === keys.signing.kid) return latest;
  const head: TreeHead = { nodeId, size, rootHash: toHex(await rootAt(db, size)), timestamp: new Date().toISOString() };
  const jws = await signStatement(keys, TREE_HEAD_TYP, head);
  await db.query(
    `INSERT INTO ledger_heads (tree_size, root_hash, signed_at, jws) VALUES ($1, decode($2, 'hex'), $3, $4)
     ON CONFLICT (tree_size) DO UPDATE SET root_hash = EXCLUDED.root_hash, signed_at = EXCLUDED.signed_at, jws = EXCLUDED.jws`,
    [size, head.rootHash, head.timestamp, jws],
  );
  return { ...head, signature: jws };
}
