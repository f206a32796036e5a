/**
 * Codes that people read, type or say over the phone: Crockford's base 32 (digits and capitals without
 * I, L, O and U, which are misread or misheard) ending with a check character computed by the Luhn
 * mod N algorithm with N = 32 over the characters before it. The check catches every single wrong
 * character and every swap of two neighbours but 0 and Z, so a typo is told as a typo, before anything
 * is looked up. On input, case, spaces and hyphens do not matter, O is read as 0, and I and L as 1.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const N = ALPHABET.length;

const valueOf = (char: string) => ALPHABET.indexOf(char);

/** Luhn mod N: from the right, every second value is doubled and its base-N digits summed. */
function luhnSum(chars: string, doubleFirst: boolean): number {
  let sum = 0;
  let double = doubleFirst;
  for (let i = chars.length - 1; i >= 0; i -= 1) {
    let addend = valueOf(chars[i]!) * (double ? 2 : 1);
    addend = Math.floor(addend / N) + (addend % N);
    sum += addend;
    double = !double;
  }
  return sum;
}

export const checkCharacter = (payload: string) => ALPHABET[(N - (luhnSum(payload, true) % N)) % N]!;
const checks = (withCheck: string) => luhnSum(withCheck, false) % N === 0;

/** `length` random characters (5 bits each, from the system's generator). */
export function randomPayload(length: number): string {
  let value = BigInt(`0x${randomBytes(Math.ceil((length * 5) / 8)).toString('hex')}`);
  let out = '';
  for (let i = 0; i < length; i += 1) {
    out = ALPHABET[Number(value % 32n)]! + out;
    value /= 32n;
  }
  return out;
}

/** Upper case, without separators, with the letters Crockford reads as digits replaced. */
export function canonical(typed: string): string {
  return typed.toUpperCase().replace(/[\s\-\u2010-\u2015]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

export const groups = (chars: string) => chars.match(/.{1,4}/g)!.join('-');

export type Parsed = { ok: true; value: string } | { ok: false; reason: 'malformed' | 'typo' };

/** A code of `length` characters and its check character, as typed; `strip` takes off a prefix. */
export function parseCode(typed: string, length: number, strip: (chars: string) => string = (chars) => chars): Parsed {
  const chars = strip(canonical(typed));
  if (chars.length !== length + 1 || [...chars].some((char) => valueOf(char) < 0)) return { ok: false, reason: 'malformed' };
  return checks(chars) ? { ok: true, value: chars } : { ok: false, reason: 'typo' };
}

/** A new secret code of `length` random characters and its check character, in groups of four. */
export function newCode(length: number): string {
  const payload = randomPayload(length);
  return groups(payload + checkCharacter(payload));
}

export const codeDigest = (code: string): Buffer => createHash('sha256').update(canonical(code)).digest();

/** Constant time, so that the time taken does not tell how much of a code was right. */
export function codeMatches(code: string, digest: Buffer): boolean {
  const given = codeDigest(code);
  return given.length === digest.length && timingSafeEqual(given, digest);
}
