import { type CipherGCM, createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { PassThrough, type Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { type BlobStore, Digester } from '../platform/blobs.ts';

const CIPHER = 'aes-256-gcm' as const;
const TAG_BYTES = 16;
const Sha256Hex = Type.String({ pattern: '^[0-9a-f]{64}$' });

/**
 * What a message says of each attachment, inside its signature and encryption: the SHA-256 and size of
 * the content, and the key that opens the encrypted copy, itself named by its SHA-256.
 */
export const AttachmentSchema = Type.Object({
  sha256: Sha256Hex,
  size: Type.Integer({ minimum: 0 }),
  mediaType: Type.String({ minLength: 1, maxLength: 255 }),
  name: Type.String({ minLength: 1, maxLength: 255 }),
  encrypted: Type.Object({
    sha256: Sha256Hex,
    size: Type.Integer({ minimum: TAG_BYTES }),
    alg: Type.Literal('A256GCM'),
    key: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }),
    iv: Type.String({ pattern: '^[A-Za-z0-9_-]{16}$' }),
  }, { additionalProperties: false }),
}, { additionalProperties: false });
export type Attachment = Static<typeof AttachmentSchema>;

export const isAttachmentList = (value: unknown): value is Attachment[] =>
  Array.isArray(value) && value.length <= 100 && value.every((item) => Value.Check(AttachmentSchema, item));

/** Encrypts as the content passes, and appends the GCM tag at the end: the stored copy is ciphertext ‖ tag. */
function encrypting(cipher: CipherGCM): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      done(null, cipher.update(chunk));
    },
    flush(done) {
      this.push(cipher.final());
      done(null, cipher.getAuthTag());
    },
  });
}

/**
 * Encrypts a file for sending with a fresh key (AES-256-GCM from node:crypto, streamed: jose holds a
 * whole JWE in memory) into the store. The key travels only inside the signed and encrypted message.
 */
export async function sealAttachment(store: BlobStore, source: Readable, meta: { mediaType: string; name: string }): Promise<Attachment> {
  const key = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv(CIPHER, key, iv);
  const plain = new Digester();
  const encrypted = encrypting(cipher);
  // Both awaited together: a source that fails (a client gone mid-upload) fails the store's write too,
  // and neither failure is left unhandled.
  const [, copy] = await Promise.all([pipeline(source, plain, encrypted), store.put(encrypted)]);
  return {
    sha256: plain.digest(),
    size: plain.size,
    mediaType: meta.mediaType,
    name: meta.name,
    encrypted: { ...copy, alg: 'A256GCM', key: key.toString('base64url'), iv: iv.toString('base64url') },
  };
}

/**
 * The content of a stored attachment, decrypted as it is read. The stream fails at its end if the
 * stored copy was altered (the GCM tag), so a reader must treat an error as "not this content".
 */
export async function openAttachment(store: BlobStore, attachment: Attachment): Promise<Readable> {
  const { sha256, size, key, iv } = attachment.encrypted;
  const handle = await open(store.pathOf(sha256), 'r');
  const tag = Buffer.alloc(TAG_BYTES);
  try {
    await handle.read(tag, 0, TAG_BYTES, size - TAG_BYTES);
  } finally {
    await handle.close();
  }
  const decipher = createDecipheriv(CIPHER, Buffer.from(key, 'base64url'), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(tag);
  const body = size > TAG_BYTES ? store.read(sha256, { start: 0, end: size - TAG_BYTES - 1 }) : emptyStream();
  body.on('error', (error) => decipher.destroy(error));
  return body.pipe(decipher);
}

function emptyStream(): Readable {
  const empty = new PassThrough();
  empty.end();
  return empty;
}

/** True if the stored copy decrypts to exactly the content the sender signed (its SHA-256 and size). */
export async function holdsSignedContent(store: BlobStore, attachment: Attachment): Promise<boolean> {
  const plain = new Digester();
  try {
    await pipeline(await openAttachment(store, attachment), plain, new Writable({ write: (_chunk, _encoding, done) => done() }));
  } catch {
    return false;
  }
  return plain.digest() === attachment.sha256 && plain.size === attachment.size;
}
