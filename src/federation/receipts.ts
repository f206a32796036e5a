import { CompactSign, type JWK, compactVerify } from 'jose';
import { type NodeKeys, SIGNING_ALG, importPublicKey } from './keys.ts';

/** What the receiver signs: it received exactly these bytes of this message, at this time. */
export interface Receipt {
  msgId: string;
  from: string;
  to: string;
  digest: string;
  receivedAt: string;
}

const encoder = new TextEncoder();

export function signReceipt(receipt: Receipt, keys: NodeKeys): Promise<string> {
  return new CompactSign(encoder.encode(JSON.stringify(receipt)))
    .setProtectedHeader({ alg: SIGNING_ALG, kid: keys.signing.kid, typ: 'entraide-receipt+jws' })
    .sign(keys.signing.privateKey);
}

/** Checks a receipt against the receiver's key and what the sender sent; returns it, or throws. */
export async function verifyReceipt(jws: string, receiverKey: JWK, expected: { msgId: string; digest: string }): Promise<Receipt> {
  const { payload, protectedHeader } = await compactVerify(jws, await importPublicKey(receiverKey, SIGNING_ALG), { algorithms: [SIGNING_ALG] });
  if (protectedHeader.typ !== 'entraide-receipt+jws') throw new Error('not a receipt');
  const receipt = JSON.parse(new TextDecoder().decode(payload)) as Receipt;
  if (receipt.msgId !== expected.msgId) throw new Error('the receipt is for another message');
  if (receipt.digest !== expected.digest) throw new Error('the receipt acknowledges other bytes than those sent');
  return receipt;
}
