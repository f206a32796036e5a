/**
 * The parts of the staff's forms for advisories and good practices: labelled controls, the
 * session's token, and a refusal told beside the form in the reader's language.
 */
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { CSRF_FIELD } from '../identity/guard.ts';
import { ENDONYMS, LOCALES, type Locale } from '../platform/i18n/locales.ts';
import { type SafeHtml, html } from '../platform/http/html.ts';
import { HttpProblem } from '../platform/http/problem.ts';
import type { MessageKey } from './locales/en.ts';
import { InvalidInput } from './reports.ts';
import type { StaffContext } from './staff-pages.ts';

const HTML = 'text/html; charset=utf-8';

export const sendStaffPage = (reply: FastifyReply, status: number, page: string) => reply.code(status).type(HTML).send(page);

/** Every staff form carries the session's token. */
export const TokenField = { [CSRF_FIELD]: Type.String({ maxLength: 100 }) };
export const token = ({ console }: StaffContext) => html`<input type="hidden" name="${CSRF_FIELD}" value="${console.request.principal!.csrfToken}">`;

export type Options = readonly (readonly [value: string, label: string])[];
/** The six languages, each named in itself. */
export const LANGUAGE_OPTIONS: Options = LOCALES.map((locale) => [locale, ENDONYMS[locale]]);

export function select(id: string, name: string, label: string, options: Options, selected?: string): SafeHtml {
  return html`<div><label for="${id}">${label}</label>
<select id="${id}" name="${name}" required>${options.map(([value, text]) => html`<option value="${value}" ${value === selected ? html`selected` : ''}>${text}</option>`)}</select></div>`;
}

interface TextSpec {
  id: string;
  name: string;
  label: string;
  maxLength: number;
  value?: string | undefined;
  /** A textarea of that many rows; an input when absent. */
  rows?: number;
  required?: boolean;
  hint?: string;
  /** For codes and addresses typed left to right, and dates. */
  extra?: SafeHtml;
}

export function textField(spec: TextSpec): SafeHtml {
  const { id, name, label, maxLength, value = '', rows, required = true, hint, extra = '' } = spec;
  const common = html`id="${id}" name="${name}" maxlength="${maxLength}" ${required ? html`required` : ''} ${hint ? html`aria-describedby="${id}-hint"` : ''} ${extra}`;
  return html`<div><label for="${id}">${label}</label>
${hint ? html`<span class="hint" id="${id}-hint">${hint}</span>` : ''}
${rows ? html`<textarea ${common} rows="${rows}" dir="auto">${value}</textarea>` : html`<input ${common} value="${value}">`}</div>`;
}

/** A refusal the page can tell: bad input (400) or a change the item's state does not allow (409). */
export function refusalOf(error: unknown): { status: number; message: MessageKey } | undefined {
  if (error instanceof InvalidInput) return { status: 400, message: error.issues[0]!.message };
  if (error instanceof HttpProblem && error.status === 409) return { status: 409, message: 'staffPublished.error.state' };
  return undefined;
}

export const refusalNote = ({ t }: StaffContext, refusal: MessageKey | undefined) =>
  refusal ? html`<p class="error" role="alert" tabindex="-1" autofocus>${t(refusal)}</p>` : '';

export const savedNote = ({ t }: StaffContext, saved: boolean | undefined) => (saved ? html`<p class="notice" role="status">${t('staffPublished.saved')}</p>` : '');

/**
 * The forms that write an item's text in one language, under a heading `text-heading`: a GET to
 * choose the language, and the text of that language, posted to `<item>/texts/<locale>`.
 */
export function textInLanguageForms(context: StaffContext, item: string, locale: Locale, written: boolean, fields: SafeHtml): SafeHtml {
  const { t } = context;
  return html`<form class="stack" method="get" action="${item}" aria-label="${t('staffPublished.field.language')}">
${select('text-language', 'locale', t('staffPublished.field.language'), LANGUAGE_OPTIONS, locale)}
<div><button type="submit">${t('staffPublished.open')}</button></div>
</form>
<form class="stack wide-form" method="post" action="${item}/texts/${locale}" aria-labelledby="text-heading">
${token(context)}
<p><strong lang="${locale}">${ENDONYMS[locale]}</strong>${written ? '' : html` · ${t('staffPublished.newLanguage')}`}</p>
${fields}
<div><button type="submit">${t('staffPublished.save')}</button></div>
</form>`;
}
