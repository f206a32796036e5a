/**
 * Identifiers that investigators put in cases and requests, and that victims put in reports from
 * the public: validated, normalised, and given a match key so the same account, address, number
 * or bank account is found again in other cases and reports (deconfliction, linked reports).
 *
 *   const checked = checkIdentifier({ kind: 'phone', value: '020 7946 0958', defaultRegion: 'GB' });
 *   if (checked.ok) save(checked.value, matchKey(checked.value));
 *   else reply(checked.reason.code); // a code: pages translate it
 *
 * `checkIdentifier` never throws, whatever it is given: it is meant for raw request bodies.
 * Platform module: it imports nothing from the capability folders.
 */
import {
  type Checked,
  type IdentifierKind,
  type IdentifierProblem,
  type IdentifierWarningCode,
  type WalletChain,
  ALL_IDENTIFIER_KINDS,
  accepted,
  cleanText,
  problem,
} from './codes.ts';
import { type Domain, type Email, type IpAddress, type Url, checkDomain, checkEmail, checkIp, checkUrl, emailMatchKey, localObservedAt, urlMatchKey } from './network.ts';
import { type Iban, checkIban } from './iban.ts';
import { type Phone, checkPhone } from './phone.ts';
import { type Wallet, checkWallet, checkWalletAddress as checkWalletAddressOnAnyChain, walletMatchKey } from './wallets.ts';

export {
  ALL_IDENTIFIER_KINDS,
  IDENTIFIER_FIELDS,
  IDENTIFIER_KINDS,
  IDENTIFIER_PROBLEM_CODES,
  IDENTIFIER_WARNING_CODES,
  WALLET_CHAINS,
  WALLET_FORMATS,
  type IdentifierField,
  type IdentifierKind,
  type IdentifierProblem,
  type IdentifierProblemCode,
  type IdentifierWarningCode,
  type WalletChain,
  type WalletFormat,
  asciiDigits,
} from './codes.ts';
export { type Domain, type Email, type IpAddress, type Url, refang } from './network.ts';
export type { Iban } from './iban.ts';
export { type Phone, isPhoneRegion } from './phone.ts';
export { type Wallet, toEip55 } from './wallets.ts';

/** An account on a platform: the service as a lower-case name, the handle as written. */
export interface Account {
  kind: 'account';
  /** "telegram", "instagram", "x.com": lower case, single spaces. */
  service: string;
  /** The handle as written (a leading "@" kept); the match key folds case and drops the "@". */
  value: string;
}

export type NormalisedIdentifier = Account | Email | Phone | IpAddress | Url | Domain | Wallet | Iban;

/** What a form or an API body gives. `value` is the identifier itself (the handle for an account). */
export type IdentifierInput =
  | { kind: 'account'; service: string; value: string }
  | { kind: 'email'; value: string }
  | { kind: 'phone'; value: string; /** ISO 3166-1 alpha-2, to read a national number. */ defaultRegion?: string }
  | { kind: 'ip'; value: string; /** RFC 3339 with an offset or Z: required. */ observedAt?: string; port?: number | string }
  | { kind: 'url'; value: string }
  | { kind: 'domain'; value: string }
  | { kind: 'wallet'; chain: WalletChain; value: string; /** For chain `other`: which network. */ network?: string }
  | { kind: 'iban'; value: string };

export type IdentifierCheck = { ok: true; value: NormalisedIdentifier; warnings: IdentifierWarningCode[] } | { ok: false; reason: IdentifierProblem };

function checkAccount(input: { service?: unknown; value?: unknown }): Checked<Account> {
  if (input.service === undefined || input.service === null || (typeof input.service === 'string' && input.service.trim() === '')) {
    return problem('account-service-missing', 'service');
  }
  const service = cleanText(input.service, 100, 'service');
  if (!service.ok) return problem('account-service-invalid', 'service');
  const handle = cleanText(input.value, 256);
  if (!handle.ok) return handle;
  if (/^@?$/.test(handle.value) || /[\n\r\t]/.test(handle.value)) return problem('account-handle-invalid');
  return accepted({ kind: 'account', service: service.value.toLowerCase().replace(/\s+/gu, ' '), value: handle.value });
}

const isKind = (value: unknown): value is IdentifierKind => typeof value === 'string' && (ALL_IDENTIFIER_KINDS as readonly string[]).includes(value);

/** Validates and normalises one identifier. Accepts anything at run time and never throws. */
export function checkIdentifier(input: IdentifierInput): IdentifierCheck {
  const raw: unknown = input;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return problem('input-invalid', 'kind');
  const fields = raw as Record<string, unknown>;
  const kind = fields.kind;
  if (!isKind(kind)) return problem('kind-unknown', 'kind', { kind: typeof kind === 'string' ? kind.slice(0, 40) : '' });
  try {
    switch (kind) {
      case 'account':
        return checkAccount(fields);
      case 'email':
        return checkEmail(fields);
      case 'phone':
        return checkPhone(fields);
      case 'ip':
        return checkIp(fields);
      case 'url':
        return checkUrl(fields);
      case 'domain':
        return checkDomain(fields);
      case 'wallet':
        return checkWallet(fields);
      case 'iban':
        return checkIban(fields);
    }
  } catch {
    // A library surprised us: refuse the input rather than fail the request.
    return problem('input-invalid', 'value');
  }
}

/**
 * A wallet address whose chain the person does not know (a victim who was told "send it here"):
 * checked on the chain its form and checksum prove, or kept as chain `other` when it claims none
 * of the chains checked here. Never throws.
 */
export function checkWalletAddress(value: unknown): IdentifierCheck {
  try {
    return checkWalletAddressOnAnyChain({ value });
  } catch {
    return problem('input-invalid', 'value');
  }
}

/**
 * The string that finds the same identifier in other cases: equal for every way of writing it
 * (case where it does not matter, spacing, punycode or Unicode, IPv6 compression, EIP-55 case).
 * An IP address matches on the address alone: the time and port say which user had it.
 */
export function matchKey(identifier: NormalisedIdentifier): string {
  switch (identifier.kind) {
    case 'account':
      return `account:${encodeURIComponent(identifier.service)}:${identifier.value.replace(/^@/, '').toLowerCase().replace(/\s+/gu, ' ')}`;
    case 'email':
      return emailMatchKey(identifier);
    case 'phone':
      return `phone:${identifier.value}`;
    case 'ip':
      return `ip:${identifier.value}`;
    case 'url':
      return urlMatchKey(identifier);
    case 'domain':
      return `domain:${identifier.value}`;
    case 'wallet':
      return walletMatchKey(identifier);
    case 'iban':
      return `iban:${identifier.value}`;
  }
}

/** Turns a normalised identifier back into an input that checks to the same thing (for storage round trips). */
export function identifierInput(identifier: NormalisedIdentifier): IdentifierInput {
  switch (identifier.kind) {
    case 'account':
      return { kind: 'account', service: identifier.service, value: identifier.value };
    case 'phone':
      return { kind: 'phone', value: identifier.extension ? `${identifier.value} ext. ${identifier.extension}` : identifier.value };
    case 'ip': {
      const input: IdentifierInput = { kind: 'ip', value: identifier.value, observedAt: localObservedAt(identifier) };
      if (identifier.port !== undefined) input.port = identifier.port;
      return input;
    }
    case 'wallet': {
      const input: IdentifierInput = { kind: 'wallet', chain: identifier.chain, value: identifier.value };
      if (identifier.network !== undefined) input.network = identifier.network;
      return input;
    }
    default:
      return { kind: identifier.kind, value: identifier.value };
  }
}
