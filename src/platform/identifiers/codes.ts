/**
 * The fixed vocabulary of the identifier checks: kinds, chains, problem codes and warning codes.
 *
 * Everything a check says is a machine code (plus small params), never an English sentence:
 * pages translate the codes into the six languages. The arrays are `as const` so that TypeBox
 * schemas elsewhere can be built from them (`StringEnum(IDENTIFIER_KINDS)`).
 */

/** The kinds of identifier an investigator can put in a case or a request. */
export const IDENTIFIER_KINDS = ['account', 'email', 'phone', 'ip', 'url', 'domain', 'wallet'] as const;
/**
 * Every kind the checks know: the case kinds and bank accounts (IBAN), which the public portal
 * takes. Cases and requests take IBANs once their forms name the kind in the six languages.
 */
export const ALL_IDENTIFIER_KINDS = [...IDENTIFIER_KINDS, 'iban'] as const;
export type IdentifierKind = (typeof ALL_IDENTIFIER_KINDS)[number];

/** Wallet chains whose addresses are checked (`other` is kept as written and flagged unverified). */
export const WALLET_CHAINS = ['bitcoin', 'ethereum', 'erc20', 'tron', 'litecoin', 'dogecoin', 'xrp', 'solana', 'monero', 'other'] as const;
export type WalletChain = (typeof WALLET_CHAINS)[number];

/** How an accepted wallet address is built. */
export const WALLET_FORMATS = [
  'p2pkh', // base58check, pay to public key hash (bitcoin 1…, litecoin L…, dogecoin D…)
  'p2sh', // base58check, pay to script hash (bitcoin 3…, litecoin M… or legacy 3…, dogecoin 9… or A…)
  'p2wpkh', // segwit v0, 20-byte program (bech32)
  'p2wsh', // segwit v0, 32-byte program (bech32)
  'p2tr', // segwit v1, 32-byte program: taproot (bech32m)
  'segwit-future', // segwit v1 with another length, or v2–v16 (bech32m): valid, not yet used
  'eip55', // ethereum / erc20 account address
  'tron-base58', // TRON base58check, version byte 0x41
  'xrp-classic', // XRP Ledger r…: base58check in Ripple's alphabet, version byte 0x00
  'solana-base58', // Solana: base58 of a 32-byte key, no checksum
  'monero-standard', // Monero 4…, network byte 18
  'monero-integrated', // Monero 4…, network byte 19: a standard address with an 8-byte payment id
  'monero-subaddress', // Monero 8…, network byte 42
  'unverified', // chain `other`: kept as written
] as const;
export type WalletFormat = (typeof WALLET_FORMATS)[number];

/** Why an identifier was refused. One code per distinct fix the person has to make. */
export const IDENTIFIER_PROBLEM_CODES = [
  // any kind
  'input-invalid', // not an object with a kind, or a value no check could read
  'kind-unknown', // params: kind
  'value-missing', // empty, or not a string
  'value-too-long', // params: max
  'value-bad-characters', // control characters or broken Unicode inside
  // account
  'account-service-missing',
  'account-service-invalid',
  'account-handle-invalid',
  // email
  'email-invalid', // no single local@domain shape, or too long
  'email-local-invalid',
  'email-domain-invalid', // params: problem (the domain-… code)
  // phone
  'phone-not-e164', // not in international (+…) form and no default region to read it with
  'phone-region-unknown', // params: region
  'phone-invalid', // params: e164 when the digits parsed but make no valid number
  // ip
  'ip-invalid',
  'ip-zone-id', // a link-local scope like fe80::1%eth0: meaningless outside the machine that logged it
  'ip-missing-timestamp', // no observedAt: a provider cannot attribute an address without a time
  'ip-missing-timezone', // observedAt has no offset nor Z
  'ip-bad-timestamp', // observedAt is not an ISO 8601 / RFC 3339 date-time
  'ip-bad-port', // params: port
  'ip-port-conflict', // params: inValue, given
  // url
  'url-invalid',
  'url-missing-scheme',
  'url-unsupported-scheme', // params: scheme
  'url-bad-host', // params: problem (the domain-… code)
  // domain
  'domain-invalid',
  'domain-too-long', // params: length, max
  'domain-label-invalid', // params: label
  'domain-label-too-long', // params: label, max
  'domain-single-label',
  'domain-is-ip',
  // wallet
  'wallet-chain-unknown', // params: chain
  'wallet-bad-format', // a character that the address alphabet does not have; params: char, position
  'wallet-bad-length',
  'wallet-bad-checksum',
  'wallet-wrong-checksum-variant', // bech32 where bech32m is required or the reverse; params: expected
  'wallet-bad-prefix', // unknown human-readable part or version byte; params: prefix | version
  'wallet-testnet', // a test-network address: worthless as evidence of value moved
  'wallet-bad-witness-version', // params: version
  'wallet-bad-witness-program', // bad padding in the 5-to-8-bit conversion
  'wallet-mixed-case', // bech32 must be all lower or all upper case
  'wallet-wrong-chain', // valid, but for another chain; params: detected
  'wallet-x-address', // an XRP X-address: the classic address is asked for; params: classic, tag (when it has one)
  // iban
  'iban-country-unknown', // the first two letters are no country that uses IBANs; params: country
  'iban-bad-length', // params: country, length, expected
  'iban-bad-format', // a character where the country's format has none, or no check digits
  'iban-bad-checksum', // the mod-97 check (or the country's own) fails: a character is wrong or two are swapped
] as const;
export type IdentifierProblemCode = (typeof IDENTIFIER_PROBLEM_CODES)[number];

/** Accepted, but a person should look: each is a code, translated like the problems. */
export const IDENTIFIER_WARNING_CODES = [
  'refanged', // defanged writing (hxxp, [.]) was turned back into the real thing
  'whitespace-removed', // spaces or invisible characters inside a wallet address were dropped
  'phone-national-format', // read with the default region: check the country is right
  'ip-not-public', // private, loopback, link-local, shared (CGNAT), documentation, multicast or reserved
  'url-has-credentials', // user:password@ in the URL
  'url-host-is-ip',
  'domain-idn', // an internationalised name: look out for look-alike characters
  'wallet-unchecksummed', // an all-lower or all-upper ethereum address: no EIP-55 check was possible
  'wallet-unverified', // chain `other`: nothing was checked
  'wallet-future-segwit-version', // valid per BIP-350 but no such outputs are in use
  'wallet-ambiguous-chain', // the same string is also a valid address on another chain
  'wallet-no-checksum', // the chain's addresses have no checksum (Solana): a typo cannot be told from another address
] as const;
export type IdentifierWarningCode = (typeof IDENTIFIER_WARNING_CODES)[number];

/** Which input field a problem is about, so a form can put the message beside it. */
export const IDENTIFIER_FIELDS = ['kind', 'value', 'service', 'chain', 'defaultRegion', 'observedAt', 'port', 'network'] as const;
export type IdentifierField = (typeof IDENTIFIER_FIELDS)[number];

export interface IdentifierProblem {
  code: IdentifierProblemCode;
  field: IdentifierField;
  params?: Record<string, string | number>;
}

/** The result of one small check inside a module. */
export type Checked<T> = { ok: true; value: T; warnings: IdentifierWarningCode[] } | { ok: false; reason: IdentifierProblem };

export const problem = (code: IdentifierProblemCode, field: IdentifierField = 'value', params?: Record<string, string | number>): { ok: false; reason: IdentifierProblem } => ({
  ok: false,
  reason: params ? { code, field, params } : { code, field },
});

export const accepted = <T>(value: T, warnings: IdentifierWarningCode[] = []): { ok: true; value: T; warnings: IdentifierWarningCode[] } => ({
  ok: true,
  value,
  warnings: [...new Set(warnings)],
});

// Zero-width and byte-order characters that copy and paste from PDFs and chats leave behind.
const INVISIBLE = '\\u200B-\\u200D\\u2060\\uFEFF';
const EDGES = new RegExp(`^[\\s${INVISIBLE}]+|[\\s${INVISIBLE}]+$`, 'gu');
const INSIDE = new RegExp(`[\\s${INVISIBLE}]+`, 'gu');
// Controls (C0, DEL, C1) and lone surrogates; the `u` flag makes a lone surrogate one code point.
const BAD_CHARACTERS = /[\p{Cc}\p{Cs}]/u;

/** Trims, NFC-normalises and bounds a value; refuses non-strings, empties, controls. */
export function cleanText(raw: unknown, max: number, field: IdentifierField = 'value'): Checked<string> {
  if (typeof raw !== 'string') return problem('value-missing', field);
  // Bound before any work on it: a huge string must not cost much.
  if (raw.length > max * 4 + 64) return problem('value-too-long', field, { max });
  if (BAD_CHARACTERS.test(raw.replace(EDGES, ''))) return problem('value-bad-characters', field);
  const text = raw.replace(EDGES, '').normalize('NFC');
  if (text === '') return problem('value-missing', field);
  if (text.length > max) return problem('value-too-long', field, { max });
  return accepted(text);
}

/** Arabic-Indic, Persian and full-width digits as ASCII digits: people type the digits of their keyboard. */
export function asciiDigits(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0));
}

/** Drops whitespace and invisible characters at both ends. */
export const trimEdges = (text: string): string => text.replace(EDGES, '');

/** Removes every whitespace or invisible character, for values that never contain any. */
export function squeeze(text: string): { text: string; changed: boolean } {
  const squeezed = text.replace(INSIDE, '');
  return { text: squeezed, changed: squeezed !== text };
}
