/**
 * What a reporter knows of the criminal: phone numbers, addresses, accounts. Each is checked for
 * its form and reduced to one normal form, so that two reports naming the same number or site
 * written differently are seen to belong together.
 */
import { electronicFormatIBAN, isValidIBAN } from 'ibantools';

export const IDENTIFIER_KINDS = ['phone', 'email', 'url', 'iban', 'wallet', 'account'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

export interface Identifier {
  kind: IdentifierKind;
  /** As the reporter wrote it, trimmed. */
  value: string;
  normalised: string;
}

export const IDENTIFIER_MAX_LENGTH = 200;

/** Arabic-Indic, Persian and full-width digits as ASCII digits: people type the digits of their keyboard. */
export function asciiDigits(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0));
}

/** E.164-like: `+` and the digits when the number is international (`+` or `00`), else the digits alone. */
function phone(value: string): string | undefined {
  const compact = asciiDigits(value).replace(/[\s().\-/\u00a0]/g, '');
  const match = /^(\+|00)?([0-9]{4,15})$/.exec(compact);
  if (!match) return undefined;
  return match[1] ? `+${match[2]}` : match[2];
}

function email(value: string): string | undefined {
  return /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;.]{2,}$/.test(value) ? value.toLowerCase() : undefined;
}

/** Host without `www.`, and path without its trailing slash: the query and fragment change from one victim to the next. */
function url(value: string): string | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
  if (!URL.canParse(withScheme) || /\s/.test(value)) return undefined;
  const parsed = new URL(withScheme);
  if (!['http:', 'https:'].includes(parsed.protocol) || !parsed.hostname.includes('.')) return undefined;
  const host = parsed.hostname.toLowerCase().replace(/^www\./, '');
  const path = parsed.pathname.replace(/\/+$/, '');
  return host + path;
}

/** ISO 13616: the country's length and format, and the mod-97 check that catches a mistyped IBAN. */
function iban(value: string): string | undefined {
  const compact = electronicFormatIBAN(asciiDigits(value)) ?? '';
  return isValidIBAN(compact) ? compact : undefined;
}

/** As written: some currencies' addresses are case-sensitive. Only the form of an address is checked. */
function wallet(value: string): string | undefined {
  return /^[A-Za-z0-9:_.-]{20,120}$/.test(value) ? value : undefined;
}

/** Usernames are compared without case and without a leading `@`. */
function account(value: string): string | undefined {
  const name = value.replace(/^@/, '').toLowerCase();
  return name.length > 0 && !/[\p{Cc}]/u.test(name) ? name : undefined;
}

const NORMALISERS: Record<IdentifierKind, (value: string) => string | undefined> = { phone, email, url, iban, wallet, account };

/** The identifier in its normal form, or undefined if it is not of its kind. */
export function normaliseIdentifier(kind: IdentifierKind, typed: string): Identifier | undefined {
  const value = typed.trim();
  if (value.length === 0 || value.length > IDENTIFIER_MAX_LENGTH) return undefined;
  const normalised = NORMALISERS[kind](value);
  return normalised === undefined ? undefined : { kind, value, normalised };
}
