import { Secret, TOTP } from 'otpauth';

/** RFC 6238 time-based one-time passwords, as authenticator apps expect them. */
function totpFor(secret: string, label: string, issuer: string): TOTP {
  return new TOTP({ issuer, label, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function totpUri(secret: string, label: string, issuer: string): string {
  return totpFor(secret, label, issuer).toString();
}

/**
 * The time step a code belongs to, one step of drift allowed either way, or null if it is wrong.
 * The caller refuses a step already used, so a code cannot be replayed.
 */
export function totpStep(secret: string, code: string, now = Date.now()): number | null {
  const delta = totpFor(secret, 'x', 'x').validate({ token: code, window: 1, timestamp: now });
  return delta === null ? null : Math.floor(now / 30_000) + delta;
}
