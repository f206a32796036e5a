import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The secret that seals the node's private keys. Set ENTRAIDE_KEY_SECRET (or `keySecret`) to keep it
 * apart from the data; otherwise one is generated on first start into the data directory, readable
 * by the node's user alone, so that a copy of the database alone does not hold the keys.
 */
export function resolveKeySecret(configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  const file = join(dataDir, 'key-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}
