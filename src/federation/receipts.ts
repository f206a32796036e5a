import type { JWK } from 'jose';
import type { NodeKeys } from './keys.ts';
import { signStatement, verifyStatement } from './statements.ts';

/** What the receiver signs: it received exactly these bytes of this message, at this time. */
export interface Receipt {
  msgId: string;
  from: string;
  to: string;
  digest: string;
  receivedAt: string;
}

const RECEIPT_TYP = 'entraide-receipt+jws';

export function signReceipt(receipt: Receipt, keys: NodeKeys): Promise<string> {
  return signStatement(keys, RECEIPT_TYP, receipt);
}

/** Checks a receipt against the receiver's key and what the sender sent; returns it, or throws. */
export async function verifyReceipt(jws: string, receiverKey: JWK, expected: { msgId: string; digest: string }): Promise<Receipt> {
  const receipt = await verifyStatement<Receipt>(jws, RECEIPT_TYP, receiverKey);
  if (receipt.msgId !== expected.msgId) throw new Error('the receipt is for another message');
  if (receipt.digest !== expected.digest) throw new Error('the receipt acknowledges other bytes than those sent');
  return receipt;
}
