/**
 * What a reporter knows of the criminal: phone numbers, addresses, accounts. Each is checked by the
 * platform's identifier checks, the same that investigators' cases use, and stored with the
 * platform's match key: two reports naming the same number or account written differently are
 * linked, and a report and a case naming the same one share a key. This file only says how a
 * victim's line of text becomes the platform's input.
 */
import {
  type IdentifierCheck,
  type IdentifierProblem,
  asciiDigits,
  checkIdentifier,
  checkWalletAddress,
  isPhoneRegion,
  matchKey,
} from '../platform/identifiers/index.ts';

/** The boxes of the form, in order. */
export const IDENTIFIER_KINDS = ['phone', 'email', 'url', 'iban', 'wallet', 'account'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

export interface Identifier {
  kind: IdentifierKind;
  /** As the reporter wrote it, trimmed. */
  value: string;
  /** The platform's normal form: E.164, the IBAN's electronic format, the URL as a browser writes it… */
  normalised: string;
  /** The platform's match key: equal for every writing of the same identifier, in reports and cases alike. */
  matchKey: string;
}

/** A line longer than this is no identifier (long phishing links with their tokens fit). */
export const IDENTIFIER_MAX_LENGTH = 2048;

/**
 * Victims seldom know, or say, on which platform an account is: their accounts are all on this
 * one. They link with each other, not with cases, whose accounts always name their platform.
 */
export const ACCOUNT_SERVICE = 'unspecified';

export interface IdentifierOptions {
  /** ISO 3166-1 alpha-2 region whose national numbers ("020 7946 0958") are read; none reads only international ones. */
  phoneRegion?: string | undefined;
}

export type ReportIdentifierCheck = { ok: true; identifier: Identifier } | { ok: false; problem: IdentifierProblem };

/** The region, if the platform can read its national numbers. */
export const phoneRegionOf = (state: string | undefined): string | undefined => (state !== undefined && isPhoneRegion(state) ? state : undefined);

function check(kind: IdentifierKind, value: string, options: IdentifierOptions): IdentifierCheck {
  switch (kind) {
    case 'phone': {
      const region = phoneRegionOf(options.phoneRegion);
      if (region) return checkIdentifier({ kind: 'phone', value, defaultRegion: region });
      // With no region to read national numbers with, "00" is the international prefix, as ITU-T recommends and most countries dial it.
      return checkIdentifier({ kind: 'phone', value: asciiDigits(value).replace(/^00(?=[\s().-]*[1-9])/, '+') });
    }
    case 'url': {
      // One link a line: a space inside is two things run together, though a browser would encode it.
      if (/\s/u.test(value)) return { ok: false, reason: { code: 'url-invalid', field: 'value' } };
      const checked = checkIdentifier({ kind: 'url', value });
      // "shop-example.com/offer", as people write links: the web's scheme is understood.
      return !checked.ok && checked.reason.code === 'url-missing-scheme' ? checkIdentifier({ kind: 'url', value: `https://${value}` }) : checked;
    }
    case 'wallet':
      return checkWalletAddress(value);
    case 'account':
      return checkIdentifier({ kind: 'account', service: ACCOUNT_SERVICE, value });
    case 'email':
    case 'iban':
      return checkIdentifier({ kind, value });
  }
}

/** The identifier in its normal form with its match key, or why it is not one of its kind. */
export function checkReportIdentifier(kind: IdentifierKind, typed: string, options: IdentifierOptions = {}): ReportIdentifierCheck {
  const value = typed.trim();
  if (value.length > IDENTIFIER_MAX_LENGTH) return { ok: false, problem: { code: 'value-too-long', field: 'value', params: { max: IDENTIFIER_MAX_LENGTH } } };
  const checked = check(kind, value, options);
  if (!checked.ok) return { ok: false, problem: checked.reason };
  return { ok: true, identifier: { kind, value, normalised: checked.value.value, matchKey: matchKey(checked.value) } };
}
