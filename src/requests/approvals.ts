import { createHash } from 'node:crypto';
import canonicalizeModule from 'canonicalize';
import { CompactSign, type CryptoKey, type JWK, calculateJwkThumbprint, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK } from 'jose';
import { SIGNING_ALG } from '../federation/keys.ts';
import type { Federation } from '../federation/service.ts';
import { signStatement, verifyStatement } from '../federation/statements.ts';
import { trustedKey } from '../federation/trust.ts';
import type { Queryable } from '../platform/db/database.ts';
import { HttpProblem } from '../platform/http/problem.ts';

// The package is CommonJS (`module.exports = serialize`) but declares an ES default export.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

const CERTIFICATE_TYP = 'entraide-official+jws';
const APPROVAL_TYP = 'entraide-approval+jws';

/** What identifies a request's content wherever it is: the parties, what it asks, and on which basis. */
export interface DigestInput {
  id: string;
  kind: string;
  requester: string;
  executor: string;
  fields: Record<string, unknown>;
  legal_basis: Record<string, unknown>;
}

/**
 * The SHA-256 (hex) of a request as it leaves, over its JSON in the RFC 8785 canonical form: both
 * nodes compute the same digest from their own copies, whatever order their databases keep keys in.
 */
export function requestDigest(request: DigestInput): string {
  const { id, kind, requester, executor, fields, legal_basis: legalBasis } = request;
  return createHash('sha256').update(canonicalize({ id, kind, requester, executor, fields, legalBasis }) ?? '').digest('hex');
}

/** The node's signed word that a key belongs to one of its officials. */
export interface OfficialCertificate {
  node: string;
  state: string;
  kid: string;
  jwk: JWK;
  official: string;
  issuedAt: string;
}

/** What an official signs in approving a request. */
export interface ApprovalStatement {
  request: string;
  digest: string;
  node: string;
  official: string;
  approvedAt: string;
}

/** An approval as it travels with the request: the certificate of the official's key, and the signature. */
export interface Approval {
  certificate: string;
  signature: string;
}

/** An approval checked by the recipient: who approved, when, and the proof kept with the request. */
export interface VerifiedApproval extends Approval {
  official: string;
  kid: string;
  approvedAt: string;
  digest: string;
}

export interface Official {
  id: string;
  name: string;
}

/** The official's signing key, issued by the node the first time they approve a request. */
async function officialKey(tx: Queryable, federation: Federation, official: Official): Promise<{ kid: string; privateKey: CryptoKey; certificate: string }> {
  const { rows } = await tx.query<{ kid: string; public_jwk: JWK; private_jwe: string; certificate: string }>(
    "SELECT kid, public_jwk, private_jwe, certificate FROM official_keys WHERE user_id = $1 AND status = 'active'",
    [official.id],
  );
  const certify = (kid: string, jwk: JWK) => signStatement(federation.keys, CERTIFICATE_TYP, {
    node: federation.config.nodeId, state: federation.config.state, kid, jwk, official: official.name, issuedAt: new Date().toISOString(),
  } satisfies OfficialCertificate);
  if (rows[0]) {
    const privateKey = (await importJWK(await federation.unsealPrivateKey(rows[0].private_jwe), SIGNING_ALG)) as CryptoKey;
    let certificate = rows[0].certificate;
    // Certified by a node key since replaced: peers drop retired keys, so the node certifies the key again.
    if (decodeProtectedHeader(certificate).kid !== federation.keys.signing.kid) {
      certificate = await certify(rows[0].kid, rows[0].public_jwk);
      await tx.query('UPDATE official_keys SET certificate = $2 WHERE kid = $1', [rows[0].kid, certificate]);
    }
    return { kid: rows[0].kid, privateKey, certificate };
  }
  const pair = await generateKeyPair(SIGNING_ALG, { crv: 'Ed25519', extractable: true });
  const jwk = await exportJWK(pair.publicKey);
  const kid = `official-${await calculateJwkThumbprint(jwk)}`;
  const publicJwk = { ...jwk, kid, alg: SIGNING_ALG };
  const signed = await certify(kid, publicJwk);
  await tx.query('INSERT INTO official_keys (kid, user_id, public_jwk, private_jwe, certificate) VALUES ($1, $2, $3, $4, $5)', [
    kid, official.id, JSON.stringify(publicJwk), await federation.sealPrivateKey(await exportJWK(pair.privateKey)), signed,
  ]);
  return { kid, privateKey: pair.privateKey, certificate: signed };
}

/** The official's signature on the request's digest, with the certificate that lets a peer check it. */
export async function signApproval(tx: Queryable, federation: Federation, official: Official, request: { id: string; digest: string }): Promise<VerifiedApproval> {
  const key = await officialKey(tx, federation, official);
  const statement: ApprovalStatement = {
    request: request.id, digest: request.digest, node: federation.config.nodeId, official: official.name, approvedAt: new Date().toISOString(),
  };
  const signature = await new CompactSign(new TextEncoder().encode(JSON.stringify(statement)))
    .setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid, typ: APPROVAL_TYP })
    .sign(key.privateKey);
  return { certificate: key.certificate, signature, official: official.name, kid: key.kid, approvedAt: statement.approvedAt, digest: request.digest };
}

const refused = (why: string) => new HttpProblem(422, 'approval-invalid', `the approval does not hold: ${why}`);

/**
 * Checks an approval that came with a request from `from`: the certificate is signed by a key this node
 * trusts for `from`, the signature by the certified key, over this very request and digest.
 */
export async function verifyApproval(db: Queryable, from: string, approval: unknown, expected: { id: string; digest: string }): Promise<VerifiedApproval> {
  const { certificate, signature } = (approval ?? {}) as Partial<Approval>;
  if (typeof certificate !== 'string' || typeof signature !== 'string') throw refused('the request comes without the approval of a prosecutor or judge');
  let cert: OfficialCertificate;
  let statement: ApprovalStatement;
  try {
    const nodeKid = String(decodeProtectedHeader(certificate).kid);
    const nodeKey = await trustedKey(db, from, nodeKid, 'sig');
    if (!nodeKey) throw new Error(`${from} has no trusted key ${nodeKid}`);
    cert = await verifyStatement<OfficialCertificate>(certificate, CERTIFICATE_TYP, nodeKey);
    if (decodeProtectedHeader(signature).kid !== cert.kid) throw new Error('the signature is not by the certified key');
    statement = await verifyStatement<ApprovalStatement>(signature, APPROVAL_TYP, cert.jwk);
  } catch (error) {
    throw refused((error as Error).message);
  }
  if (cert.node !== from || statement.node !== from) throw refused(`the official is not ${from}'s`);
  if (statement.request !== expected.id || statement.digest !== expected.digest) throw refused('it was given for another request, or the request changed after it');
  return { certificate, signature, official: cert.official, kid: cert.kid, approvedAt: statement.approvedAt, digest: statement.digest };
}
