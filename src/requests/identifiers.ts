import { Type } from 'typebox';
import { IDENTIFIER_KINDS, type IdentifierInput, WALLET_CHAINS, checkIdentifier, identifierInput, matchKey } from '../platform/identifiers/index.ts';
import { StringEnum } from '../platform/schema.ts';
import type { FieldProblem } from './field-problems.ts';

/** An identifier as a request names it: what it is, as written, with what a provider needs to find it. */
export const IdentifierSchema = Type.Object({
  kind: StringEnum(IDENTIFIER_KINDS),
  value: Type.String({ minLength: 1, maxLength: 500 }),
  service: Type.Optional(Type.String({ maxLength: 100, description: 'for an account: the platform' })),
  chain: Type.Optional(StringEnum(WALLET_CHAINS, { description: 'for a wallet' })),
  network: Type.Optional(Type.String({ maxLength: 60, description: 'for a wallet on another chain' })),
  defaultRegion: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$', description: 'for a national phone number' })),
  observedAt: Type.Optional(Type.String({ maxLength: 40, description: 'for an IP address: when it was seen, with its time zone' })),
  port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
}, { additionalProperties: false });

export interface CheckedIdentifiers {
  /** Each identifier in its normal form, still as a request writes it. */
  identifiers: IdentifierInput[];
  /** The same identifiers as deconfliction finds them, however they were written. */
  keys: string[];
  problems: FieldProblem[];
}

/** Checks each identifier for its format (checksums, E.164, time zones) and writes it in its normal form. */
export function checkIdentifiers(list: readonly IdentifierInput[], at = '/identifiers'): CheckedIdentifiers {
  const checked: CheckedIdentifiers = { identifiers: [], keys: [], problems: [] };
  list.forEach((input, index) => {
    const result = checkIdentifier(input);
    if (!result.ok) {
      checked.problems.push({ field: `${at}/${index}/${result.reason.field}`, problem: result.reason.code, params: result.reason.params ?? {} });
      return;
    }
    checked.identifiers.push(identifierInput(result.value));
    checked.keys.push(matchKey(result.value));
  });
  return checked;
}
