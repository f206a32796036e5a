/**
 * The two codes a reporter keeps: the reference number and the private access code, both checked
 * codes of src/platform/codes.ts (Crockford's base 32 with a Luhn mod 32 check character).
 *
 * - Reference number: `ENT-` then 8 random characters (40 bits) in two groups of 4, then `-` and
 *   the check character: `ENT-7K3Q-9XM2-P`. It names the report; it is not a secret.
 * - Access code: 26 random characters (130 bits from the system's generator) and the check
 *   character, in groups of 4: shown once, stored only as a SHA-256 digest.
 */
import { type Parsed, checkCharacter, codeDigest, codeMatches, groups, newCode, parseCode, randomPayload } from '../platform/codes.ts';

export { checkCharacter, type Parsed };

const PREFIX = 'ENT';
const REFERENCE_LENGTH = 8;
const CODE_LENGTH = 26;

export function newReference(): string {
  const payload = randomPayload(REFERENCE_LENGTH);
  return formatReference(payload + checkCharacter(payload));
}

const formatReference = (chars: string) => `${PREFIX}-${groups(chars.slice(0, REFERENCE_LENGTH))}-${chars.slice(REFERENCE_LENGTH)}`;

/** A reference as typed, with or without its `ENT` prefix; on success its printed form. */
export function parseReference(typed: string): Parsed {
  const parsed = parseCode(typed, REFERENCE_LENGTH, (chars) => (chars.length === REFERENCE_LENGTH + 1 + PREFIX.length && chars.startsWith(PREFIX) ? chars.slice(PREFIX.length) : chars));
  return parsed.ok ? { ok: true, value: formatReference(parsed.value) } : parsed;
}

export const newAccessCode = (): string => newCode(CODE_LENGTH);

/** An access code as typed; on success its canonical characters, which is what is hashed. */
export const parseAccessCode = (typed: string): Parsed => parseCode(typed, CODE_LENGTH);

export const accessDigest = codeDigest;
export const accessMatches = codeMatches;
