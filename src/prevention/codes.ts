/**
 * The two codes a reporter keeps: the reference number and the private access code.
 *
 * Both are written in Crockford's base 32 (digits and capitals without I, L, O and U, which are
 * misread or misheard) and end with a check character computed by the Luhn mod N algorithm with
 * N = 32 over the characters before it. The check catches every single wrong character and every
 * swap of two neighbours but 0 and Z, so a typo is told as a typo, before anything is looked up.
 *
 * - Reference number: `ENT-` then 8 random characters (40 bits) in two groups of 4, then `-` and
 *   the check character: `ENT-7K3Q-9XM2-P`. It names the report; it is not a secret.
 * - Access code: 26 random characters (130 bits from the system's generator) and the check
 *   character, in groups of 4: shown once, stored only as a SHA-256 digest.
 *
 * On input, case, spaces and hyphens do not matter, O is read as 0, and I and L as 1.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const N = ALPHABET.length;
const PREFIX = 'ENT';
const REFERENCE_LENGTH = 8;
const CODE_LENGTH = 26;

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

function randomPayload(length: number): string {
  let value = BigInt(`0x${randomBytes(Math.ceil((length * 5) / 8)).toString('hex')}`);
  let out = '';
  for (let i = 0; i < length; i += 1) {
    out = ALPHABET[Number(value % 32n)]! + out;
    value /= 32n;
  }
  return out;
}

/** Upper case, without separators, with the letters Crockford reads as digits replaced. */
function canonical(typed: string): string {
  return typed.toUpperCase().replace(/[\s\-\u2010-\u2015]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

const groups = (chars: string) => chars.match(/.{1,4}/g)!.join('-');

export type Parsed = { ok: true; value: string } | { ok: false; reason: 'malformed' | 'typo' };

function parse(typed: string, length: number, strip: (chars: string) => string): Parsed {
  const chars = strip(canonical(typed));
  if (chars.length !== length + 1 || [...chars].some((char) => valueOf(char) < 0)) return { ok: false, reason: 'malformed' };
  return checks(chars) ? { ok: true, value: chars } : { ok: false, reason: 'typo' };
}

export function newReference(): string {
  const payload = randomPayload(REFERENCE_LENGTH);
  return formatReference(payload + checkCharacter(payload));
}

const formatReference = (chars: string) => `${PREFIX}-${groups(chars.slice(0, REFERENCE_LENGTH))}-${chars.slice(REFERENCE_LENGTH)}`;

/** A reference as typed, with or without its `ENT` prefix; on success its printed form. */
export function parseReference(typed: string): Parsed {
  const parsed = parse(typed, REFERENCE_LENGTH, (chars) => (chars.length === REFERENCE_LENGTH + 1 + PREFIX.length && chars.startsWith(PREFIX) ? chars.slice(PREFIX.length) : chars));
  return parsed.ok ? { ok: true, value: formatReference(parsed.value) } : parsed;
}

export function newAccessCode(): string {
  const payload = randomPayload(CODE_LENGTH);
  return groups(payload + checkCharacter(payload));
}

/** An access code as typed; on success its canonical characters, which is what is hashed. */
export const parseAccessCode = (typed: string): Parsed => parse(typed, CODE_LENGTH, (chars) => chars);

export const accessDigest = (code: string): Buffer => createHash('sha256').update(canonical(code)).digest();

/** Constant time, so that the time taken does not tell how much of a code was right. */
export function accessMatches(code: string, digest: Buffer): boolean {
  const given = accessDigest(code);
  return given.length === digest.length && timingSafeEqual(given, digest);
}
