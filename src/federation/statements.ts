import { CompactSign, type JWK, compactVerify } from 'jose';
import { type NodeKeys, SIGNING_ALG, importPublicKey } from './keys.ts';

/**
 * What a node signs as itself (receipts, upload grants, its profile): a compact JWS over JSON whose
 * `typ` says what it is, so that a statement of one kind can never pass for another.
 */
export function signStatement(keys: NodeKeys, typ: string, statement: unknown): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(statement)))
    .setProtectedHeader({ alg: SIGNING_ALG, kid: keys.signing.kid, typ })
    .sign(keys.signing.privateKey);
}

/**
 * base64url spells the same bytes several ways (the unused low bits of a last character): a JWS
 * with a part not in its one canonical spelling is refused, so that a signed text has exactly one
 * form and changing any character of it fails.
 */
function assertCanonical(jws: string): void {
  for (const part of jws.split('.')) {
    if (Buffer.from(part, 'base64url').toString('base64url') !== part) throw new Error('the JWS is not in canonical base64url');
  }
}

/** The statement, if the key signed it and it is of this kind; throws otherwise. */
export async function verifyStatement<T>(jws: string, typ: string, key: JWK): Promise<T> {
  assertCanonical(jws);
  const { payload, protectedHeader } = await compactVerify(jws, await importPublicKey(key, SIGNING_ALG), { algorithms: [SIGNING_ALG] });
  if (protectedHeader.typ !== typ) throw new Error(`not a ${typ}`);
  return JSON.parse(new TextDecoder().decode(payload)) as T;
}
