import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const SHA256_HEX = /^[0-9a-f]{64}$/;

export const isSha256Hex = (value: unknown): value is string => typeof value === 'string' && SHA256_HEX.test(value);

export class BlobRefused extends Error {
  constructor(readonly reason: 'too-large' | 'digest-mismatch' | 'size-mismatch', message: string) {
    super(message);
  }
}

/** Counts and hashes what flows through, refusing more than `maxBytes`. */
export class Digester extends Transform {
  private readonly hash = createHash('sha256');
  size = 0;

  constructor(private readonly maxBytes = Number.POSITIVE_INFINITY) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) return done(new BlobRefused('too-large', `more than ${this.maxBytes} bytes`));
    this.hash.update(chunk);
    done(null, chunk);
  }

  /** The SHA-256 of everything that went through, in hex; call once the stream has ended. */
  digest(): string {
    return this.hash.digest('hex');
  }
}

export interface PutOptions {
  maxBytes?: number;
  /** Refuse the content unless it has this SHA-256 (hex)… */
  sha256?: string;
  /** …and this size. */
  size?: number;
}

/**
 * Files stored under the SHA-256 of their content, written as a stream: whatever their size, memory
 * stays bounded. A file appears under its name only once complete and on disk (temporary file,
 * fsync, rename), so a crash leaves either the whole file or none.
 */
export class BlobStore {
  constructor(readonly root: string) {}

  pathOf(sha256: string): string {
    if (!isSha256Hex(sha256)) throw new Error('not a SHA-256 in hex');
    return join(this.root, 'sha256', sha256.slice(0, 2), sha256);
  }

  /** The size of a stored blob, or undefined if there is none. */
  async sizeOf(sha256: string): Promise<number | undefined> {
    try {
      return (await stat(this.pathOf(sha256))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  read(sha256: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.pathOf(sha256), range);
  }

  /** Stores what the source yields; with an expected digest or size, anything else is refused and nothing kept. */
  async put(source: Readable | AsyncIterable<Uint8Array>, options: PutOptions = {}): Promise<{ sha256: string; size: number }> {
    const staging = join(this.root, 'staging');
    await mkdir(staging, { recursive: true });
    const temporary = join(staging, randomUUID());
    const digester = new Digester(options.maxBytes ?? options.size);
    try {
      await pipeline(source, digester, createWriteStream(temporary, { flags: 'wx' }));
      const sha256 = digester.digest();
      if (options.sha256 !== undefined && options.sha256 !== sha256) throw new BlobRefused('digest-mismatch', 'the content does not have the SHA-256 announced');
      if (options.size !== undefined && options.size !== digester.size) throw new BlobRefused('size-mismatch', 'the content does not have the size announced');
      const handle = await open(temporary, 'r');
      await handle.sync().finally(() => handle.close());
      const final = this.pathOf(sha256);
      await mkdir(join(final, '..'), { recursive: true });
      await rename(temporary, final);
      // The rename itself must reach the disk too, or a crash could lose a file already acknowledged.
      const folder = await open(join(final, '..'), 'r');
      await folder.sync().finally(() => folder.close());
      return { sha256, size: digester.size };
    } finally {
      await rm(temporary, { force: true });
    }
  }
}
