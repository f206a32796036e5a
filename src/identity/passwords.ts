import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Passwords are kept as scrypt hashes (RFC 7914) in a self-describing string:
 * `scrypt$<log2 N>$<r>$<p>$<salt>$<hash>`, so the cost can be raised without breaking old hashes.
 */
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, log2n: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** log2n;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(password: string, log2n: number): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, log2n, R, P);
  return ['scrypt', log2n, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export interface Verification {
  ok: boolean;
  /** The stored hash is cheaper than the node's current cost and should be replaced. */
  outdated: boolean;
}

export async function verifyPassword(password: string, stored: string, currentLog2n: number): Promise<Verification> {
  const [scheme, log2n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !log2n || !r || !p || !salt || !key) return { ok: false, outdated: false };
  const expected = Buffer.from(key, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), Number(log2n), Number(r), Number(p));
  const ok = actual.length === expected.length && timingSafeEqual(actual, expected);
  return { ok, outdated: ok && Number(log2n) < currentLog2n };
}

/** A hash of nothing, verified when a username is unknown so both cases take the same time. */
export async function decoyHash(log2n: number): Promise<string> {
  return hashPassword(randomBytes(16).toString('hex'), log2n);
}

/** A random password for generated accounts: 20 characters from an unambiguous alphabet. */
export function generatePassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(20);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

/** The minimum we accept: long enough, and not a single repeated character. */
export function passwordWeakness(password: string): string | undefined {
  if ([...password].length < 12) return 'a password needs at least 12 characters';
  if (new Set(password).size < 5) return 'a password needs more varied characters';
  return undefined;
}
