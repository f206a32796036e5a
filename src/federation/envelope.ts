import { createHash } from 'node:crypto';
import { CompactEncrypt, CompactSign, type JWK, compactDecrypt, compactVerify, decodeProtectedHeader } from 'jose';
import { HttpProblem } from '../platform/http/problem.ts';
import { type Attachment, isAttachmentList } from './attachments.ts';
import { CONTENT_ENC, KEY_WRAP_ALG, type NodeKeys, SIGNING_ALG, importPublicKey } from './keys.ts';

/** What the protected headers of both layers say about a message; the inner (signed) one is authoritative. */
export interface MessageHeader {
  msgId: string;
  from: string;
  to: string;
  type: string;
  /** Creation time, seconds since the epoch. */
  iat: number;
}

export interface OpenedMessage extends MessageHeader {
  payload: unknown;
  /** Files sent with the message, stored encrypted; their keys are signed with the rest. */
  attachments: Attachment[];
  /** The signed inner JWS, kept as proof of what the sender said. */
  signed: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const digestOf = (envelope: string) => `sha-256:${createHash('sha256').update(envelope).digest('base64url')}`;

/**
 * Signs then encrypts: JWS (EdDSA) inside JWE (ECDH-ES+A256KW, A256GCM). The recipient can prove
 * later what the sender signed; nobody in between can read it or change a byte unseen.
 */
export async function sealMessage(header: MessageHeader, payload: unknown, keys: NodeKeys, recipientEncryptionKey: JWK, attachments: Attachment[] = []): Promise<string> {
  const signed = await new CompactSign(encoder.encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: SIGNING_ALG, kid: keys.signing.kid, typ: 'entraide-message+jws', ...header, ...(attachments.length > 0 ? { attachments } : {}) })
    .sign(keys.signing.privateKey);
  const recipientKey = await importPublicKey(recipientEncryptionKey, KEY_WRAP_ALG);
  return new CompactEncrypt(encoder.encode(signed))
    .setProtectedHeader({ alg: KEY_WRAP_ALG, enc: CONTENT_ENC, kid: recipientEncryptionKey.kid, cty: 'entraide-message+jws', msgId: header.msgId, from: header.from, to: header.to })
    .encrypt(recipientKey);
}

export interface OpenOptions {
  self: string;
  keys: NodeKeys;
  /** The sender's signing key with this kid, if the trust list holds it and it may be used. */
  senderKey(from: string, kid: string): Promise<JWK | undefined>;
  now: number;
  maxSkewSeconds: number;
  maxAgeSeconds: number;
}

const refuse = (slug: string, detail: string) => new HttpProblem(400, slug, detail);

/** The outer header, readable without any key: enough to find a message already applied. */
export function outerHeader(envelope: string): { msgId?: unknown; from?: unknown; to?: unknown; kid?: unknown } {
  try {
    return decodeProtectedHeader(envelope) as { msgId?: unknown; from?: unknown; to?: unknown; kid?: unknown };
  } catch {
    throw refuse('malformed-envelope', 'the message is not a compact JWE');
  }
}

/** Decrypts and verifies a message, or says exactly why it is refused. */
export async function openMessage(envelope: string, options: OpenOptions): Promise<OpenedMessage> {
  const outer = outerHeader(envelope);
  if (outer.to !== options.self) throw refuse('wrong-recipient', `the message is addressed to ${String(outer.to)}, not to this node`);
  const decryptionKey = typeof outer.kid === 'string' ? options.keys.decryption.get(outer.kid) : undefined;
  if (!decryptionKey) throw refuse('unknown-recipient-key', `the message is sealed for a key this node does not hold: ${String(outer.kid)}`);
  let signed: string;
  try {
    const { plaintext } = await compactDecrypt(envelope, decryptionKey, {
      keyManagementAlgorithms: [KEY_WRAP_ALG],
      contentEncryptionAlgorithms: [CONTENT_ENC],
    });
    signed = decoder.decode(plaintext);
  } catch {
    throw refuse('undecryptable', 'the message cannot be decrypted with this node’s key: altered, or sealed for another key');
  }
  let inner: MessageHeader & { kid?: string; attachments?: unknown };
  try {
    inner = decodeProtectedHeader(signed) as unknown as MessageHeader & { kid?: string; attachments?: unknown };
  } catch {
    throw refuse('malformed-envelope', 'the encrypted content is not a compact JWS');
  }
  const key = typeof inner.kid === 'string' && typeof inner.from === 'string' ? await options.senderKey(inner.from, inner.kid) : undefined;
  if (!key) throw new HttpProblem(403, 'untrusted-sender', `no trusted key ${String(inner.kid)} of ${String(inner.from)}`);
  let payload: unknown;
  try {
    const verified = await compactVerify(signed, await importPublicKey(key, SIGNING_ALG), { algorithms: [SIGNING_ALG] });
    payload = JSON.parse(decoder.decode(verified.payload));
  } catch {
    throw refuse('bad-signature', 'the signature does not verify');
  }
  if (inner.msgId !== outer.msgId || inner.from !== outer.from || inner.to !== outer.to) {
    throw refuse('header-mismatch', 'the encrypted and the signed headers disagree');
  }
  if (inner.to !== options.self) throw refuse('wrong-recipient', 'the signed message is addressed to another node');
  if (typeof inner.msgId !== 'string' || typeof inner.type !== 'string' || typeof inner.iat !== 'number') {
    throw refuse('malformed-envelope', 'the signed header lacks msgId, type or iat');
  }
  const attachments = inner.attachments ?? [];
  if (!isAttachmentList(attachments)) throw refuse('malformed-envelope', 'the attachments of the message are not described as they must be');
  const nowSeconds = options.now / 1000;
  if (inner.iat > nowSeconds + options.maxSkewSeconds) throw refuse('from-the-future', 'the message was created in the future beyond the allowed clock skew');
  if (inner.iat < nowSeconds - options.maxAgeSeconds) throw refuse('too-old', 'the message is older than the replay window');
  return { msgId: inner.msgId, from: inner.from, to: inner.to, type: inner.type, iat: inner.iat, payload, attachments, signed };
}
