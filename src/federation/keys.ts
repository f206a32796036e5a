import { randomUUID } from 'node:crypto';
import {
  CompactEncrypt, type CryptoKey, type JWK, calculateJwkThumbprint, compactDecrypt, exportJWK, generateKeyPair, importJWK,
} from 'jose';
import type { Queryable } from '../platform/db/database.ts';

export const SIGNING_ALG = 'EdDSA';
export const KEY_WRAP_ALG = 'ECDH-ES+A256KW';
export const CONTENT_ENC = 'A256GCM';
const AT_REST_ALG = 'PBES2-HS512+A256KW';
/** PBKDF2-HMAC-SHA512 iterations, as OWASP recommends for that hash. */
const AT_REST_ITERATIONS = 210_000;

export interface KeyPair {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface NodeKeys {
  /** The key this node signs with now. */
  signing: KeyPair;
  /** Every signing key still in use, the current one first: they all vouch for the signed metadata. */
  signers: KeyPair[];
  /** The encryption key peers should use now. */
  encryption: KeyPair;
  /** Private keys able to open messages: the current one and those in their overlap period, by kid. */
  decryption: Map<string, CryptoKey>;
  /** Every key a peer may use or check: active ones and those still in their overlap period. */
  published: JWK[];
}

const encoder = new TextEncoder();

/** Private keys at rest: a JWE sealed with the node's key secret (PBES2), never the bare JWK. */
export async function seal(jwk: JWK, secret: string): Promise<string> {
  return new CompactEncrypt(encoder.encode(JSON.stringify(jwk)))
    .setProtectedHeader({ alg: AT_REST_ALG, enc: CONTENT_ENC })
    .setKeyManagementParameters({ p2c: AT_REST_ITERATIONS })
    .encrypt(encoder.encode(secret));
}

export async function unseal(jwe: string, secret: string): Promise<JWK> {
  try {
    const { plaintext } = await compactDecrypt(jwe, encoder.encode(secret), { keyManagementAlgorithms: [AT_REST_ALG], maxPBES2Count: AT_REST_ITERATIONS });
    return JSON.parse(new TextDecoder().decode(plaintext)) as JWK;
  } catch {
    throw new Error('cannot open the node keys: the key secret is not the one they were sealed with');
  }
}

async function createKey(db: Queryable, use: 'sig' | 'enc', secret: string): Promise<void> {
  const pair = use === 'sig'
    ? await generateKeyPair(SIGNING_ALG, { crv: 'Ed25519', extractable: true })
    : await generateKeyPair(KEY_WRAP_ALG, { crv: 'X25519', extractable: true });
  const publicJwk = await exportJWK(pair.publicKey);
  const kid = `${use}-${await calculateJwkThumbprint(publicJwk)}`;
  const privateJwk = await exportJWK(pair.privateKey);
  await db.query('INSERT INTO node_keys (kid, use, public_jwk, private_jwe) VALUES ($1, $2, $3, $4)', [
    kid, use, JSON.stringify({ ...publicJwk, kid, use, alg: use === 'sig' ? SIGNING_ALG : KEY_WRAP_ALG }), await seal(privateJwk, secret),
  ]);
}

interface KeyRow {
  kid: string;
  use: 'sig' | 'enc';
  public_jwk: JWK;
  private_jwe: string;
  status: 'active' | 'retiring' | 'retired';
}

/** Loads the node's keys, creating a signing and an encryption key on first start. */
export async function loadNodeKeys(db: Queryable, secret: string): Promise<NodeKeys> {
  for (const use of ['sig', 'enc'] as const) {
    const { rows } = await db.query("SELECT 1 FROM node_keys WHERE use = $1 AND status = 'active'", [use]);
    if (rows.length === 0) await createKey(db, use, secret);
  }
  const { rows } = await db.query<KeyRow>(
    "SELECT kid, use, public_jwk, private_jwe, status FROM node_keys WHERE status <> 'retired' ORDER BY status = 'active' DESC, created_at DESC",
  );
  const open = async (row: KeyRow): Promise<KeyPair> => {
    const privateJwk = await unseal(row.private_jwe, secret);
    const privateKey = (await importJWK(privateJwk, row.use === 'sig' ? SIGNING_ALG : KEY_WRAP_ALG)) as CryptoKey;
    return { kid: row.kid, privateKey, publicJwk: row.public_jwk };
  };
  const signers = await Promise.all(rows.filter((r) => r.use === 'sig').map(open));
  const decrypters = await Promise.all(rows.filter((r) => r.use === 'enc').map(open));
  return {
    signing: signers[0]!,
    signers,
    encryption: decrypters[0]!,
    decryption: new Map(decrypters.map((pair) => [pair.kid, pair.privateKey])),
    published: rows.map((r) => r.public_jwk),
  };
}

/**
 * Replaces both keys: the current ones keep working for `overlapSeconds` so that messages sealed
 * or signed before peers learn of the new keys still pass, then `retireExpiredKeys` retires them.
 */
export async function rotateNodeKeys(db: Queryable, secret: string, overlapSeconds: number): Promise<void> {
  await db.query(
    "UPDATE node_keys SET status = 'retiring', retire_after = now() + make_interval(secs => $1) WHERE status = 'active'",
    [overlapSeconds],
  );
  await createKey(db, 'sig', secret);
  await createKey(db, 'enc', secret);
}

/** Retires the keys whose overlap has ended (all retiring keys with `now`); returns their kids. */
export async function retireExpiredKeys(db: Queryable, now = false): Promise<string[]> {
  const { rows } = await db.query<{ kid: string }>(
    `UPDATE node_keys SET status = 'retired' WHERE status = 'retiring' AND ($1 OR retire_after <= now()) RETURNING kid`,
    [now],
  );
  return rows.map((row) => row.kid);
}

const publicKeys = new Map<string, Promise<CryptoKey>>();

/**
 * A peer's public key as a CryptoKey, imported once: every message would otherwise import the
 * same keys again. Keyed by the key material itself, so a changed key is never served stale.
 */
export function importPublicKey(jwk: JWK, alg: typeof SIGNING_ALG | typeof KEY_WRAP_ALG): Promise<CryptoKey> {
  const id = `${alg}:${jwk.kty}:${jwk.crv}:${jwk.x}`;
  let key = publicKeys.get(id);
  if (!key) {
    const { kty, crv, x } = jwk;
    key = importJWK({ kty, crv, x }, alg) as Promise<CryptoKey>;
    key.catch(() => publicKeys.delete(id));
    publicKeys.set(id, key);
  }
  return key;
}

/** The fingerprint an administrator compares out of band: the RFC 7638 thumbprint of the signing key. */
export function fingerprintOf(signingJwk: JWK): Promise<string> {
  const { kty, crv, x } = signingJwk;
  return calculateJwkThumbprint({ kty, crv, x });
}

export const newMessageId = () => randomUUID();
