/**
 * Telephone numbers, normalised to E.164 with libphonenumber-js (Google's libphonenumber
 * metadata). The "max" metadata is used so that validity follows each country's real number
 * plan, not just the length.
 */
import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { type Checked, type IdentifierWarningCode, accepted, cleanText, problem } from './codes.ts';

export interface Phone {
  kind: 'phone';
  /** E.164: "+" and at most 15 digits, no spaces. */
  value: string;
  /** ISO 3166-1 alpha-2 region the number belongs to, when the number plan tells (none for +800…). */
  region?: string;
  extension?: string;
}

/** Whether national numbers of this region (ISO 3166-1 alpha-2) can be read: it has a number plan in the metadata. */
export const isPhoneRegion = (region: string): boolean => /^[A-Z]{2}$/.test(region) && isSupportedCountry(region);

export function checkPhone(input: { value?: unknown; defaultRegion?: unknown }): Checked<Phone> {
  const cleaned = cleanText(input.value, 64);
  if (!cleaned.ok) return cleaned;
  const text = cleaned.value;

  let region: CountryCode | undefined;
  if (input.defaultRegion !== undefined && input.defaultRegion !== null && input.defaultRegion !== '') {
    const given = typeof input.defaultRegion === 'string' ? input.defaultRegion.trim().toUpperCase() : '';
    if (!/^[A-Z]{2}$/.test(given) || !isSupportedCountry(given)) {
      return problem('phone-region-unknown', 'defaultRegion', { region: String(input.defaultRegion).slice(0, 10) });
    }
    region = given;
  }

  // International form: "+", a full-width plus, or a tel: URI (RFC 3966) that carries one.
  const international = /^(?:tel:)?[+\uFF0B]/i.test(text);
  if (!international && !region) return problem('phone-not-e164');

  const parsed = region ? parsePhoneNumberFromString(text, region) : parsePhoneNumberFromString(text);
  if (!parsed) return problem('phone-invalid');
  if (!parsed.isValid()) return problem('phone-invalid', 'value', { e164: parsed.number });

  const phone: Phone = { kind: 'phone', value: parsed.number };
  if (parsed.country) phone.region = parsed.country;
  if (parsed.ext) phone.extension = parsed.ext;
  const warnings: IdentifierWarningCode[] = international ? [] : ['phone-national-format'];
  return accepted(phone, warnings);
}
