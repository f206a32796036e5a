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
  signing: KeyPair;
  encryption: KeyPair;
  /** Every key a peer may use or check: active ones and those still in their overlap period. */
  published: JWK[];
}

const encoder = new TextEncoder();

/** Private keys at rest: a JWE sealed with the node's key secret (PBES2), never the bare JWK. */
async function seal(jwk: JWK, secret: string): Promise<string> {
  return new CompactEncrypt(encoder.encode(JSON.stringify(jwk)))
    .setProtectedHeader({ alg: AT_REST_ALG, enc: CONTENT_ENC })
    .setKeyManagementParameters({ p2c: AT_REST_ITERATIONS })
    .encrypt(encoder.encode(secret));
}

async function unseal(jwe: string, secret: string): Promise<JWK> {
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

/** Loads the node's keys, creating a signing and an encryption key on first start. */
export async function loadNodeKeys(db: Queryable, secret: string): Promise<NodeKeys> {
  for (const use of ['sig', 'enc'] as const) {
    const { rows } = await db.query("SELECT 1 FROM node_keys WHERE use = $1 AND status = 'active'", [use]);
    if (rows.length === 0) await createKey(db, use, secret);
  }
  const { rows } = await db.query<{ kid: string; use: 'sig' | 'enc'; public_jwk: JWK; private_jwe: string; status: string }>(
    'SELECT kid, use, public_jwk, private_jwe, status FROM node_keys ORDER BY created_at DESC',
  );
  const active = async (use: 'sig' | 'enc'): Promise<KeyPair> => {
    const row = rows.find((r) => r.use === use && r.status === 'active')!;
    const privateJwk = await unseal(row.private_jwe, secret);
    const privateKey = (await importJWK(privateJwk, use === 'sig' ? SIGNING_ALG : KEY_WRAP_ALG)) as CryptoKey;
    return { kid: row.kid, privateKey, publicJwk: row.public_jwk };
  };
  return {
    signing: await active('sig'),
    encryption: await active('enc'),
    published: rows.filter((r) => r.status === 'active').map((r) => r.public_jwk),
  };
}

/** The fingerprint an administrator compares out of band: the RFC 7638 thumbprint of the signing key. */
export function fingerprintOf(signingJwk: JWK): Promise<string> {
  const { kty, crv, x } = signingJwk;
  return calculateJwkThumbprint({ kty, crv, x });
}

export const newMessageId = () => randomUUID();
