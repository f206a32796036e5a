/**
 * Checks a report as the reporter gave it, through the form or the API, and turns it into what is
 * stored. Each refusal names the field and a message of the catalog, so the API and the page tell
 * the same thing, each in its own way.
 */
import type { Locale } from '../platform/i18n/locales.ts';
import { type IdentifierProblem, asciiDigits } from '../platform/identifiers/index.ts';
import { IDENTIFIER_KINDS, type Identifier, type IdentifierKind, type IdentifierOptions, checkReportIdentifier } from './identifiers.ts';
import { type ContactChannel, type IncidentType, asksMoney } from './incidents.ts';
import type { MessageKey } from './locales/en.ts';

export const TEXT_MAX_LENGTH = 5000;
export const NAME_MAX_LENGTH = 200;
export const IDENTIFIERS_PER_KIND = 20;

export interface ReportInput {
  type: IncidentType;
  whatHappened: string;
  occurredOn?: string | undefined;
  /** Digits as typed (`1 200,50`) from the form, a number from the API. */
  amountLost?: string | number | undefined;
  currency?: string | undefined;
  contactChannel?: ContactChannel | undefined;
  identifiers: readonly { kind: IdentifierKind; value: string }[];
  contact?: { name?: string | undefined; email?: string | undefined; phone?: string | undefined } | undefined;
  locale: Locale;
}

export interface NewReport {
  type: IncidentType;
  whatHappened: string;
  occurredOn: string | null;
  /** A decimal string, exact, as PostgreSQL's numeric takes it. */
  amountLost: string | null;
  currency: string | null;
  contactChannel: ContactChannel | null;
  identifiers: Identifier[];
  contact: { name: string | null; email: string | null; phone: string | null };
  locale: Locale;
}

/** The form's fields; the API names them by JSON pointer. */
export type Field = 'what' | 'when' | 'amount' | 'currency' | IdentifierKind | 'contactName' | 'contactEmail' | 'contactPhone';

export interface Issue<F extends string = Field> {
  field: F;
  pointer: string;
  message: MessageKey;
  values?: Record<string, string | number>;
}

const IDENTIFIER_ERRORS: Record<IdentifierKind, MessageKey> = {
  phone: 'error.phone', email: 'error.email', url: 'error.url', iban: 'error.iban', wallet: 'error.wallet', account: 'error.account',
};

/** The platform's reason as the portal tells it: the fix the reporter has to make, with what they typed. */
function identifierIssue(kind: IdentifierKind, problem: IdentifierProblem, typed: string): { message: MessageKey; values: Record<string, string | number> } {
  const value = typed.trim().slice(0, 60);
  const params = problem.params ?? {};
  switch (problem.code) {
    case 'value-too-long':
      return { message: 'error.tooLong', values: { max: Number(params.max ?? 0) } };
    case 'phone-not-e164':
      return { message: 'error.phone.international', values: { value } };
    case 'iban-country-unknown':
      return { message: 'error.iban.country', values: { value } };
    case 'wallet-x-address':
      return { message: 'error.wallet.xAddress', values: { value, classic: String(params.classic ?? '') } };
    case 'iban-bad-length':
      return { message: 'error.iban.length', values: { value, country: String(params.country ?? ''), expected: Number(params.expected ?? 0) } };
    default:
      return { message: IDENTIFIER_ERRORS[kind], values: { value } };
  }
}

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const EARLIEST = '1970-01-01';

/**
 * `1 200,50`, `1.200,50`, `1,200.50` and `١٢٠٠٫٥٠` are all 1200.50: the last separator is the decimal
 * one when one or two digits follow it; every other separator groups thousands.
 */
export function parseAmount(typed: string | number): string | undefined {
  if (typeof typed === 'number') return Number.isFinite(typed) && typed >= 0 && typed < 1e15 && Number(typed.toFixed(3)) === typed ? String(typed) : undefined;
  const compact = asciiDigits(typed).replace(/[\s'\u00a0\u202f\u066c]/g, '').replace(/\u066b/g, '.');
  if (!/^[0-9]+([.,][0-9]+)*$/.test(compact)) return undefined;
  const decimal = /[.,]([0-9]{1,2})$/.exec(compact);
  const whole = (decimal ? compact.slice(0, decimal.index) : compact).replace(/[.,]/g, '');
  return whole.length <= 15 ? String(Number(decimal ? `${whole}.${decimal[1]}` : whole)) : undefined;
}

function validDate(text: string): boolean {
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text) && text >= EARLIEST;
}

/** Tomorrow in UTC: somewhere on Earth it is already the next day. */
const latestDate = () => new Date(Date.now() + 24 * 3600 * 1000).toISOString().slice(0, 10);

const blank = (text: string | undefined) => (text ?? '').trim();

export function checkReport(input: ReportInput, options: IdentifierOptions = {}): { report: NewReport; issues: [] } | { report?: undefined; issues: Issue[] } {
  const issues: Issue[] = [];
  const refuse = (field: Field, pointer: string, message: MessageKey, values?: Issue['values']) => {
    issues.push(values ? { field, pointer, message, values } : { field, pointer, message });
  };
  const text = (field: Field, pointer: string, typed: string | undefined, max: number) => {
    const value = blank(typed);
    if (value.length > max) refuse(field, pointer, 'error.tooLong', { max });
    return value;
  };

  const whatHappened = text('what', '/whatHappened', input.whatHappened, TEXT_MAX_LENGTH);
  if (whatHappened === '') refuse('what', '/whatHappened', 'error.what.missing');

  const occurredOn = asciiDigits(blank(input.occurredOn)) || null;
  if (occurredOn !== null && !validDate(occurredOn)) refuse('when', '/occurredOn', 'error.when.invalid');
  else if (occurredOn !== null && occurredOn > latestDate()) refuse('when', '/occurredOn', 'error.when.future');

  let amountLost: string | null = null;
  let currency: string | null = null;
  const typedAmount = typeof input.amountLost === 'number' ? input.amountLost : blank(input.amountLost);
  if (asksMoney(input.type) && typedAmount !== '') {
    amountLost = parseAmount(typedAmount) ?? null;
    if (amountLost === null) refuse('amount', '/amountLost', 'error.amount.invalid');
    currency = blank(input.currency).toUpperCase();
    if (currency === '') refuse('currency', '/currency', 'error.currency.missing');
    else if (!CURRENCIES.has(currency)) refuse('currency', '/currency', 'error.currency.invalid', { value: blank(input.currency) });
  }

  const identifiers: Identifier[] = [];
  const seen = new Set<string>();
  const counts = new Map<IdentifierKind, number>();
  input.identifiers.forEach(({ kind, value }, index) => {
    const count = (counts.get(kind) ?? 0) + 1;
    counts.set(kind, count);
    if (count === IDENTIFIERS_PER_KIND + 1) refuse(kind, `/identifiers/${index}`, 'error.tooMany', { max: IDENTIFIERS_PER_KIND });
    const checked = checkReportIdentifier(kind, value, options);
    if (!checked.ok) {
      const { message, values } = identifierIssue(kind, checked.problem, value);
      return refuse(kind, `/identifiers/${index}/value`, message, values);
    }
    // The same identifier written twice is one.
    if (!seen.has(checked.identifier.matchKey)) identifiers.push(checked.identifier);
    seen.add(checked.identifier.matchKey);
  });

  const name = text('contactName', '/contact/name', input.contact?.name, NAME_MAX_LENGTH) || null;
  // The reporter's own e-mail and phone are checked as the criminal's are, and kept as they wrote them.
  const contact = (kind: 'email' | 'phone', field: Field, pointer: string, typed: string | undefined) => {
    const value = blank(typed) || null;
    const checked = value === null ? undefined : checkReportIdentifier(kind, value, options);
    if (checked && !checked.ok) {
      const { message, values } = identifierIssue(kind, checked.problem, value ?? '');
      refuse(field, pointer, message, values);
    }
    return value;
  };
  const email = contact('email', 'contactEmail', '/contact/email', input.contact?.email);
  const phone = contact('phone', 'contactPhone', '/contact/phone', input.contact?.phone);

  if (issues.length > 0) return { issues };
  return {
    issues: [],
    report: {
      type: input.type, whatHappened, occurredOn, amountLost, currency, contactChannel: input.contactChannel ?? null, identifiers,
      contact: { name, email, phone }, locale: input.locale,
    },
  };
}

/** The form's boxes, one identifier a line, in the order of the kinds: the order issues are told in. */
export function identifiersFromLines(lines: Partial<Record<IdentifierKind, string>>): { kind: IdentifierKind; value: string }[] {
  return IDENTIFIER_KINDS.flatMap((kind) => (lines[kind] ?? '').split(/\r?\n/).filter((line) => line.trim() !== '').map((value) => ({ kind, value })));
}
