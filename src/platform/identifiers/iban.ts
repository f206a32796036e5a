/**
 * International bank account numbers (ISO 13616), checked by ibantools: the country's length and
 * BBAN format from the IBAN registry, and the mod-97 check digits that catch a mistyped IBAN.
 */
import { ValidationErrorsIBAN, electronicFormatIBAN, getCountrySpecifications, validateIBAN } from 'ibantools';
import { type Checked, asciiDigits, accepted, cleanText, problem, squeeze } from './codes.ts';

export interface Iban {
  kind: 'iban';
  /** The electronic format: upper case, no spaces ("GB33BUKB20201555555555"); the match key too. */
  value: string;
  /** ISO 3166-1 alpha-2 code of the country of the account, the first two letters. */
  country: string;
}

/** The longest IBAN is 34 characters; printed in groups of four, with a label, it stays well under this. */
const MAX_TYPED = 64;

export function checkIban(input: { value?: unknown }): Checked<Iban> {
  const cleaned = cleanText(input.value, MAX_TYPED);
  if (!cleaned.ok) return cleaned;
  // Copied from a statement: "IBAN: FR76 …", digits of any script, spaces (even invisible ones) and hyphens.
  const text = squeeze(asciiDigits(cleaned.value).replace(/^IBAN\s*:?\s*/i, '')).text;
  const iban = electronicFormatIBAN(text) ?? '';
  if (!/^[A-Z]{2}/.test(iban)) return problem('iban-country-unknown', 'value', { country: iban.slice(0, 2) });
  // Two check digits, then letters and digits only.
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]+$/.test(iban)) return problem('iban-bad-format');
  const country = iban.slice(0, 2);
  const { valid, errorCodes } = validateIBAN(iban);
  if (valid) return accepted({ kind: 'iban', value: iban, country });
  if (errorCodes.includes(ValidationErrorsIBAN.NoIBANCountry)) return problem('iban-country-unknown', 'value', { country });
  if (errorCodes.includes(ValidationErrorsIBAN.WrongBBANLength)) {
    const expected = getCountrySpecifications()[country]?.chars ?? 0;
    return problem('iban-bad-length', 'value', { country, length: iban.length, expected });
  }
  if (errorCodes.includes(ValidationErrorsIBAN.WrongBBANFormat) || errorCodes.includes(ValidationErrorsIBAN.ChecksumNotNumber)) return problem('iban-bad-format');
  return problem('iban-bad-checksum');
}
