/**
 * The parts of the portal's forms for the public (the report, its follow-up, the business survey):
 * labelled fields and groups of choices with their hints and errors, the summary of errors, the
 * hidden box for scripts, and the checks every posted form goes through before its own.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { CSRF_FIELD } from '../identity/guard.ts';
import { type SafeHtml, html } from '../platform/http/html.ts';
import { HttpProblem } from '../platform/http/problem.ts';
import type { Issue } from './intake.ts';
import type { PublicContext } from './layout.ts';
import type { MessageKey } from './locales/en.ts';
import type { SubmissionLimiter } from './submissions.ts';

/** Longer than any field may be: each form's checks tell the reader what is too long, in their language. */
export const FORM_LIMIT = 20_000;
/** No keyboard types U+0000, and PostgreSQL's text cannot hold it: a form carrying one is refused as not understood. */
export const FormText = Type.String({ maxLength: FORM_LIMIT, pattern: '^[^\\u0000]*$' });

/**
 * A box of the public's forms that people neither see nor reach, and that scripts filling every box
 * fill: hidden by the stylesheet, from screen readers (aria-hidden) and from the keyboard
 * (tabindex -1), never filled by the browser (autocomplete off), and labelled, for a reader without
 * the stylesheet, to be left empty. A form that fills it is answered as any other (a report with a
 * reference and a code that open nothing) and is not stored: the script learns nothing to adapt
 * to, and a person who filled it anyway can send it again. Named as a box a form might have.
 */
export const HONEYPOT_FIELD = 'homepage';

/** A form's body: the fields named, each optional and as text, and the session's token when a member of staff posts it. */
export const formSchema = (fields: readonly string[]) =>
  Type.Object(Object.fromEntries([...fields, CSRF_FIELD].map((name) => [name, Type.Optional(FormText)])), { additionalProperties: false });

export interface FormState<Values> {
  values: Values;
  issues: readonly Issue<string>[];
  /** A refusal that concerns no one field. */
  error?: string | undefined;
}

/** What a form posted: text, or the values of several checkboxes of one name. */
type FormValues = Record<string, string | readonly string[] | undefined>;

export const fieldId = (field: string) => `f-${field}`;

export function errorSummary({ t }: PublicContext, issues: readonly Issue<string>[]): SafeHtml | '' {
  if (issues.length === 0) return '';
  return html`<div class="error-summary" role="alert" tabindex="-1" autofocus aria-labelledby="error-summary-title">
<h2 id="error-summary-title">${t('error.summary', { count: issues.length })}</h2>
<ul>${issues.map((issue) => html`<li><a href="#${fieldId(issue.field)}">${t(issue.message, issue.values)}</a></li>`)}</ul>
</div>`;
}

/** A refusal that concerns no one field, announced at the top of the form. */
export const formError = (error: string | undefined) => (error ? html`<p class="error" role="alert">${error}</p>` : '');

function fieldErrors({ t }: PublicContext, form: FormState<unknown>, name: string): { issues: readonly Issue<string>[]; shown: SafeHtml | '' } {
  const issues = form.issues.filter((issue) => issue.field === name);
  const shown = issues.length ? html`<p class="field-error" id="${fieldId(name)}-error">${issues.map((issue) => html`<span>${t(issue.message, issue.values)}</span>`)}</p>` : '';
  return { issues, shown };
}

export interface FieldSpec {
  name: string;
  label: MessageKey;
  hint?: MessageKey | undefined;
  /** The values the hint's message names (limits, for instance). */
  hintValues?: Record<string, string | number> | undefined;
  required?: boolean;
  /** The control, given its id, name, value and the attributes that tie it to its hint and errors. */
  control: (common: SafeHtml, value: string) => SafeHtml;
}

/** A labelled field with its hint and, after a refusal, its errors just above it. */
export function field(context: PublicContext, form: FormState<FormValues>, spec: FieldSpec): SafeHtml {
  const { t } = context;
  const id = fieldId(spec.name);
  const { issues, shown } = fieldErrors(context, form, spec.name);
  const value = form.values[spec.name];
  const describedBy = [spec.hint ? `${id}-hint` : '', issues.length ? `${id}-error` : ''].filter(Boolean).join(' ');
  const common = html`id="${id}" name="${spec.name}" ${describedBy ? html`aria-describedby="${describedBy}"` : ''} ${issues.length ? html`aria-invalid="true"` : ''} ${spec.required ? html`required` : ''}`;
  return html`<div class="field">
<label for="${id}">${t(spec.label)}${spec.required ? html` <span class="required">(${t('form.required')})</span>` : ''}</label>
${spec.hint ? html`<span class="hint" id="${id}-hint">${t(spec.hint, spec.hintValues)}</span>` : ''}
${shown}
${spec.control(common, typeof value === 'string' ? value : '')}
</div>`;
}

/** Codes, numbers and addresses: typed left to right, without the phone's corrections. */
export const verbatim = html`dir="ltr" autocomplete="off" autocapitalize="none" spellcheck="false"`;

export const textarea = (rows: number, extra: SafeHtml | '' = '') => (common: SafeHtml, value: string) => html`<textarea ${common} rows="${rows}" ${extra}>${value}</textarea>`;
export const input = (extra: SafeHtml) => (common: SafeHtml, value: string) => html`<input ${common} value="${value}" ${extra}>`;

export interface ChoiceSpec {
  name: string;
  legend: MessageKey;
  hint?: MessageKey | undefined;
  /** Value and label of each choice, in order. */
  options: readonly (readonly [value: string, label: MessageKey])[];
  /** Checkboxes (any number of choices) rather than radio buttons (one). */
  several?: boolean;
  required?: boolean;
}

/**
 * A group of radio buttons or checkboxes under its legend, with its hint and errors. The first
 * choice carries the group's field id, where the summary of errors sends the reader.
 */
export function choiceGroup(context: PublicContext, form: FormState<FormValues>, spec: ChoiceSpec): SafeHtml {
  const { t } = context;
  const { issues, shown } = fieldErrors(context, form, spec.name);
  const given = form.values[spec.name];
  const chosen = new Set(typeof given === 'string' ? [given] : given ?? []);
  const hintId = `${fieldId(spec.name)}-hint`;
  const describedBy = [spec.hint ? hintId : '', issues.length ? `${fieldId(spec.name)}-error` : ''].filter(Boolean).join(' ');
  return html`<fieldset ${describedBy ? html`aria-describedby="${describedBy}"` : ''}>
<legend>${t(spec.legend)}${spec.required ? html` <span class="required">(${t('form.required')})</span>` : ''}</legend>
${spec.hint ? html`<p class="hint" id="${hintId}">${t(spec.hint)}</p>` : ''}
${shown}
${spec.options.map(([value, label], index) => {
    const id = index === 0 ? fieldId(spec.name) : `${fieldId(spec.name)}-${value}`;
    return html`<div class="choice"><input type="${spec.several ? 'checkbox' : 'radio'}" id="${id}" name="${spec.name}" value="${value}" ${chosen.has(value) ? html`checked` : ''} ${issues.length ? html`aria-invalid="true"` : ''}><label for="${id}">${t(label)}</label></div>`;
  })}
</fieldset>`;
}

/** The hidden box for scripts (HONEYPOT_FIELD), labelled for a reader without the stylesheet. */
export const honeypot = ({ t }: PublicContext) => html`<div class="extra-field" aria-hidden="true"><label for="${fieldId(HONEYPOT_FIELD)}">${t('form.extra')}</label>
<input id="${fieldId(HONEYPOT_FIELD)}" name="${HONEYPOT_FIELD}" type="text" value="" tabindex="-1" autocomplete="off"></div>`;

/** Whether a script filled the hidden box: then the form is answered as received and nothing is stored. Logged without what was sent. */
export function filledHoneypot(request: FastifyRequest, value: string | undefined, what: string): boolean {
  const decoy = (value ?? '').trim() !== '';
  if (decoy) request.log.info({ honeypot: HONEYPOT_FIELD }, `${what} filled the hidden box: answered as received, not stored`);
  return decoy;
}

export const isProblem = (error: unknown, status: number) => error instanceof HttpProblem && error.status === status;

/** A form posted from another site is a script using visitors' browsers to fill the queue. */
export async function refuseCrossSite(request: FastifyRequest): Promise<void> {
  if (request.headers['sec-fetch-site'] === 'cross-site') throw new HttpProblem(403, 'cross-site', 'this form can only be sent from this site');
}

/**
 * Whether the reader's address may submit now. When it may not, the answer carries when to try
 * again, and the caller shows its form again with `error.busy`: what was typed is not lost.
 */
export function maySubmit(limiter: SubmissionLimiter, request: FastifyRequest, reply: FastifyReply): boolean {
  try {
    limiter.check(request.ip);
    return true;
  } catch (error) {
    if (!isProblem(error, 429)) throw error;
    reply.header('retry-after', (error as HttpProblem).headers['retry-after']);
    return false;
  }
}
