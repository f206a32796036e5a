/**
 * The node's signature over every byte of a bundle, kept in the ZIP's own comment so that the
 * bundle stays one ordinary ZIP file. It covers everything before the comment's length field: any
 * byte changed there (a header, a timestamp, compressed data) breaks it, and a changed length or
 * comment no longer opens or verifies. Readers that do not know of it still unzip the bundle.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { EOCD_SIGNATURE, EOCD_SIZE } from './bundle-format.ts';

/**
 * Passes a ZIP written without a comment through, hashing it, and holds back its last 22 bytes
 * (the end-of-central-directory record) to append the signature `sign` makes over that hash.
 */
export class ZipSealer extends Transform {
  private tail = Buffer.alloc(0);
  private readonly hash = createHash('sha256');

  constructor(private readonly sign: (zipSha256: string) => Promise<string>) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const all = Buffer.concat([this.tail, chunk]);
    const passed = all.subarray(0, Math.max(0, all.length - EOCD_SIZE));
    this.tail = Buffer.from(all.subarray(passed.length));
    this.hash.update(passed);
    done(null, passed);
  }

  override _flush(done: TransformCallback): void {
    const eocd = this.tail;
    if (eocd.length !== EOCD_SIZE || eocd.readUInt32LE(0) !== EOCD_SIGNATURE || eocd.readUInt16LE(20) !== 0) {
      done(new Error('the ZIP does not end with an end-of-central-directory record without comment'));
      return;
    }
    this.hash.update(eocd.subarray(0, EOCD_SIZE - 2));
    this.sign(this.hash.digest('hex')).then((jws) => {
      eocd.writeUInt16LE(jws.length, EOCD_SIZE - 2);
      this.push(eocd);
      done(null, Buffer.from(jws, 'latin1'));
    }, done);
  }
}

/** Where the bundle's end-of-central-directory record starts and the seal it carries; undefined if it has none that fits. */
export async function readSeal(path: string): Promise<{ signedBytes: number; seal: string } | undefined> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const span = Math.min(size, EOCD_SIZE + 0xffff);
    const tail = Buffer.alloc(span);
    await handle.read(tail, 0, span, size - span);
    // From the end backwards: the record whose comment runs exactly to the end of the file.
    for (let at = span - EOCD_SIZE; at >= 0; at--) {
      if (tail.readUInt32LE(at) !== EOCD_SIGNATURE) continue;
      const commentLength = tail.readUInt16LE(at + EOCD_SIZE - 2);
      if (at + EOCD_SIZE + commentLength !== span) continue;
      return { signedBytes: size - span + at + EOCD_SIZE - 2, seal: tail.subarray(at + EOCD_SIZE).toString('latin1') };
    }
    return undefined;
  } finally {
    await handle.close();
  }
}
