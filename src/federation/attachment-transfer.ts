import { type IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { type JWK, decodeProtectedHeader } from 'jose';
import { BlobRefused, type BlobStore } from '../platform/blobs.ts';
import { HttpProblem } from '../platform/http/problem.ts';
import type { NodeKeys } from './keys.ts';
import { signStatement, verifyStatement } from './statements.ts';

/** The header that carries an upload's authorisation (Authorization is for staff's sessions). */
export const UPLOAD_HEADER = 'entraide-upload';
const UPLOAD_TYP = 'entraide-upload+jws';

/** An encrypted attachment as the outbox keeps it, to push before the message that needs it. */
export interface StoredCopy {
  sha256: string;
  size: number;
}

/** What the sender signs to be allowed to put this one encrypted file into the recipient's store. */
interface UploadGrant extends StoredCopy {
  from: string;
  to: string;
  iat: number;
}

export const attachmentUrl = (inboxUrl: string, sha256: string) => `${inboxUrl}/attachments/${sha256}`;

const uploadToken = (keys: NodeKeys, grant: UploadGrant): Promise<string> => signStatement(keys, UPLOAD_TYP, grant);

/**
 * Puts an encrypted attachment into a peer's store unless it already holds it, streamed from disk.
 * Throws with the peer's answer if it refuses.
 */
export async function pushAttachment(store: BlobStore, keys: NodeKeys, from: string, to: string, inboxUrl: string, copy: StoredCopy, timeoutMs: number): Promise<void> {
  const url = attachmentUrl(inboxUrl, copy.sha256);
  const headers = { [UPLOAD_HEADER]: await uploadToken(keys, { from, to, ...copy, iat: Math.floor(Date.now() / 1000) }) };
  const held = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  if (held.ok && ((await held.json()) as { stored: boolean }).stored) return;
  if (!held.ok) throw new Error(`attachment ${copy.sha256}: ${held.status} ${(await held.text()).slice(0, 300)}`);
  await putStream(url, { ...headers, 'content-type': 'application/octet-stream', 'content-length': String(copy.size) }, store.read(copy.sha256), timeoutMs);
}

/**
 * PUTs a stream with node's own client: fetch() in Node 20 reads a stream body ahead of the socket
 * into memory (measured: a 96 MiB file held whole), whereas a pipeline to the request keeps
 * back-pressure from the socket to the disk.
 */
async function putStream(url: string, headers: Record<string, string>, body: Readable, idleTimeoutMs: number): Promise<void> {
  const send = new URL(url).protocol === 'https:' ? httpsRequest : httpRequest;
  const request = send(url, { method: 'PUT', headers });
  // A large file may take long: what is refused is a link that stops moving.
  request.setTimeout(idleTimeoutMs, () => request.destroy(new Error(`attachment: no progress for ${idleTimeoutMs} ms`)));
  const answered = new Promise<IncomingMessage>((resolve, reject) => request.once('response', resolve).once('error', reject));
  const [response] = await Promise.all([answered, pipeline(body, request)]);
  const text = (await buffer(response)).toString('utf8');
  if ((response.statusCode ?? 0) >= 300) throw new Error(`attachment: ${response.statusCode} ${text.slice(0, 300)}`);
}

export interface UploadCheck {
  self: string;
  sha256: string;
  maxBytes: number;
  maxSkewSeconds: number;
  /** The sender's signing key with this kid, if the trust list holds it and it may be used. */
  senderKey(from: string, kid: string): Promise<JWK | undefined>;
}

/** Checks an upload's grant: signed by a trusted peer, for this node, this file, and recent. Returns the announced size. */
export async function checkUploadGrant(token: string | undefined, check: UploadCheck): Promise<UploadGrant> {
  if (!token) throw new HttpProblem(401, 'upload-not-signed', `a peer's upload carries a signed grant in the ${UPLOAD_HEADER} header`);
  let header: { kid?: unknown; typ?: unknown };
  let claimed: Partial<UploadGrant>;
  try {
    header = decodeProtectedHeader(token);
    claimed = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Partial<UploadGrant>;
  } catch {
    throw new HttpProblem(400, 'malformed-grant', 'the upload grant is not a compact JWS');
  }
  const key = typeof claimed.from === 'string' && typeof header.kid === 'string' ? await check.senderKey(claimed.from, header.kid) : undefined;
  if (!key) throw new HttpProblem(403, 'untrusted-sender', `no trusted key ${String(header.kid)} of ${String(claimed.from)}`);
  let grant: UploadGrant;
  try {
    grant = await verifyStatement<UploadGrant>(token, UPLOAD_TYP, key);
  } catch {
    throw new HttpProblem(403, 'bad-signature', 'the upload grant does not verify');
  }
  if (grant.to !== check.self || grant.sha256 !== check.sha256) throw new HttpProblem(403, 'grant-mismatch', 'the grant is for another node or another file');
  if (typeof grant.iat !== 'number' || Math.abs(Date.now() / 1000 - grant.iat) > check.maxSkewSeconds) throw new HttpProblem(403, 'grant-expired', 'the upload grant is too old or from the future');
  if (!Number.isInteger(grant.size) || grant.size < 0) throw new HttpProblem(400, 'malformed-grant', 'the grant does not give the size');
  if (grant.size > check.maxBytes) throw new HttpProblem(413, 'too-large', 'the attachment is larger than this node accepts');
  return grant;
}

/** Stores an upload whose grant was checked: exactly the bytes announced, or nothing. */
export async function storeUpload(store: BlobStore, body: Readable, grant: UploadGrant): Promise<void> {
  try {
    await store.put(body, { sha256: grant.sha256, size: grant.size });
  } catch (error) {
    if (!(error instanceof BlobRefused)) throw error;
    throw new HttpProblem(error.reason === 'too-large' ? 413 : 400, error.reason, `${error.message}: nothing was stored`);
  }
}
