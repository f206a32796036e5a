/**
 * What the console's pages for requests share: their context (the console's frame, this module's
 * messages), dates absolute and relative, the names of states, steps and kinds in the reader's
 * language, and the messages for the problems a check finds in a field.
 */
import type { FastifyRequest } from 'fastify';
import { type NodeIdentity, type PageContext, isolated, page, pageContext } from '../console/layout.ts';
import { CSRF_FIELD } from '../identity/guard.ts';
import type { Role } from '../identity/roles.ts';
import { ENDONYMS, type Locale, isLocale, regionName } from '../platform/i18n/locales.ts';
import { type SafeHtml, html } from '../platform/http/html.ts';
import { IDENTIFIER_PROBLEM_CODES, WALLET_CHAINS } from '../platform/identifiers/index.ts';
import type { FieldProblem } from './field-problems.ts';
import { type Kind, isFinal, kindOf } from './kinds.ts';
import { type Side, actionsIn, draftingRoles as draftingRolesOf } from './machine.ts';
import type { MessageKey } from './locales/en.ts';
import { messages } from './messages.ts';
import type { RequestRow } from './store.ts';

export const LIST_PAGE = '/requests';
export const NEW_PAGE = '/requests/new';
export const STYLESHEET_PATH = '/assets/requests.css';
export const HTML = 'text/html; charset=utf-8';

export type Translate = (key: MessageKey, values?: Record<string, string | number | Date>) => string;

export interface RequestsContext {
  console: PageContext;
  locale: Locale;
  t: Translate;
  now: Date;
}

export function requestsContext(request: FastifyRequest, node: NodeIdentity): RequestsContext {
  const console = pageContext(request, node);
  const translate = messages.for(console.locale);
  return { console, locale: console.locale, t: (key, values) => translate(key, values && isolated(values)), now: new Date() };
}

export const hasKey = (key: string): key is MessageKey => (messages.keys as string[]).includes(key);

/** A page of this module in the console's frame, with the few styles its forms and timeline need. */
export function requestsPage(context: RequestsContext, title: string, body: SafeHtml, tables = false): string {
  return page(context.console, title, html`<link rel="stylesheet" href="${STYLESHEET_PATH}">
${body}`, { tables });
}

export const csrf = ({ console }: RequestsContext) => html`<input type="hidden" name="${CSRF_FIELD}" value="${console.request.principal!.csrfToken}">`;
/** A node id, a reference, an identifier: left to right in every language. */
export const code = (text: string) => html`<code dir="ltr">${text}</code>`;
export const shortId = (id: string) => id.slice(0, 8);
export const requestPath = (id: string) => `${LIST_PAGE}/${id}`;

export const draftingRoles = (kind: Kind): readonly Role[] => draftingRolesOf(kind.machine);


export function kindLabel({ t }: RequestsContext, kind: string): string {
  const key = `kind.${kind}`;
  return hasKey(key) ? t(key) : kind;
}

/** A state by name; a kind may name it its own way (a freeze "released" is not a preservation's). */
export function stateLabel({ t }: RequestsContext, state: string, kind?: string): string {
  const key = firstKey(...(kind ? [`state.${kind}.${state}`] : []), `state.${state}`);
  return key ? t(key) : state;
}

/** The step as a past event ("Acknowledged"), for the timeline and the notices. */
export function eventLabel({ t }: RequestsContext, action: string, kind?: string): string {
  const key = firstKey(...(kind ? [`event.${kind}.${action}`] : []), `event.${action}`);
  return key ? t(key) : action;
}

/** The first of these keys that the catalogs have: a kind's or a step's own words before the general ones. */
export const firstKey = (...keys: string[]): MessageKey | undefined => keys.find(hasKey);

/** The step as a command ("Acknowledge receipt"), for headings and buttons; a kind may name it its own way ("Forward to the provider"). */
export function actionLabel({ t }: RequestsContext, action: string, kind?: string): string {
  const key = firstKey(...(kind ? [`action.${kind}.${action}`] : []), `action.${action}`);
  return key ? t(key) : action;
}

/** Where a list's options find their words: `data.subscriber`, `measure.search-and-seizure`, `ground.human-rights`. */
const OPTION_PREFIX: Record<string, string> = { dataCategories: 'data', measures: 'measure', grounds: 'ground' };
export const optionKey = (name: string, value: string, suffix = '') => firstKey(`${OPTION_PREFIX[name] ?? name}.${value}${suffix}`);

/** One option of a list (a data category, a measure, a ground for refusal), in the reader's language. */
export function optionLabel({ t }: RequestsContext, name: string, value: string): string {
  const key = optionKey(name, value);
  return key ? t(key) : value;
}

/** A size in bytes, in the units and digits of the reader's language ("1.2 MB" in English). */
export function fileSize({ locale }: RequestsContext, bytes: number): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return new Intl.NumberFormat(locale, { style: 'unit', unit: units[unit], unitDisplay: 'short', maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value);
}

export const sideLabel = ({ t }: RequestsContext, side: Side) => t(side === 'requester' ? 'side.requester' : 'side.executor');

/** Who is to take the next step: this node, the other party, or no one any more (a step only the node itself takes is no one's to take). */
export function nextBy(context: RequestsContext, row: Pick<RequestRow, 'kind' | 'state' | 'side' | 'requester' | 'executor'>): string {
  const { t } = context;
  const kind = kindOf(row.kind);
  if (!kind || isFinal(row)) return t('turn.none');
  const people = (side: Side) => actionsIn(kind.machine, row.state, side).some((step) => step.roles !== 'system');
  if (people(row.side)) return t('turn.self', { node: context.console.node.nodeId });
  if (people(row.side === 'requester' ? 'executor' : 'requester')) return row.side === 'requester' ? row.executor : row.requester;
  return t('turn.none');
}

export function chainLabel({ t }: RequestsContext, chain: string): string {
  return (WALLET_CHAINS as readonly string[]).includes(chain) ? t(`chain.${chain as (typeof WALLET_CHAINS)[number]}`) : chain;
}

/** A State by its name in the reader's language, with its ISO code; a user-assigned code (XA) by its code alone. */
export function stateName({ t, locale }: RequestsContext, code: string): string {
  const name = regionName(code, locale);
  return name ? t('stateName', { name, code }) : code;
}

/** Date and time in UTC, said so: the two sides of a request are in different time zones. */
export function when({ locale }: RequestsContext, date: Date): SafeHtml {
  const [day, time] = dayAndTime(locale, date);
  return html`<time datetime="${date.toISOString()}"><span class="whole">${day}</span> <span class="whole">${time}</span></time>`;
}

/** The same, as plain text, to put in a sentence. */
export const whenText = ({ locale }: RequestsContext, date: Date): string => dayAndTime(locale, date).join(' ');

const dayAndTime = (locale: Locale, date: Date) => [
  new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(date),
  new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' }).format(date),
] as const;

/** A calendar day written YYYY-MM-DD, in words. */
export function day({ locale }: RequestsContext, text: string): SafeHtml | string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return text;
  const date = new Date(`${text}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return text;
  return html`<time datetime="${text}">${new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(date)}</time>`;
}

/** "in 23 hours", "3 days ago": the unit that a reader in a hurry grasps. */
export function relative({ locale, now }: RequestsContext, date: Date): string {
  const minutes = (date.getTime() - now.getTime()) / 60_000;
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  if (Math.abs(minutes) < 60) return format.format(Math.round(minutes), 'minute');
  if (Math.abs(minutes) < 48 * 60) return format.format(Math.round(minutes / 60), 'hour');
  return format.format(Math.round(minutes / 1440), 'day');
}

export const isOverdue = (context: RequestsContext, row: Pick<RequestRow, 'kind' | 'state' | 'due_at'>) =>
  row.due_at !== null && row.due_at.getTime() < context.now.getTime() && !isFinal(row);

/** A deadline, relative then absolute; an overdue one says so in words, not by its colour alone. */
export function due(context: RequestsContext, row: Pick<RequestRow, 'kind' | 'state' | 'due_at'>): SafeHtml | string {
  if (!row.due_at) return context.t('due.none');
  const { t } = context;
  const overdue = isOverdue(context, row);
  return html`${overdue ? html`<strong class="overdue">${t('due.overdue')}</strong> ` : ''}<span class="whole">${relative(context, row.due_at)}</span><br>${when(context, row.due_at)}`;
}

/** What the deadline of a state is: an answer awaited, or the end of the preservation. */
export const dueLabel = ({ t }: RequestsContext, state: string) => t(state === 'preserved' ? 'fact.preservedUntil' : 'fact.due');

// ---------------------------------------------------------------------------------------------
// Problems in fields: identifier codes and schema keywords, in the reader's language.

const IDENTIFIER_CODES = new Set<string>(IDENTIFIER_PROBLEM_CODES);

/** One message for a problem a check found, whatever its origin; never an English sentence from a library. */
export function problemMessage(context: RequestsContext, problem: Pick<FieldProblem, 'problem' | 'params'>): string {
  const { t } = context;
  const params = problem.params ?? {};
  const text = (name: string) => String(params[name] ?? '');
  const number = (name: string) => Number(params[name] ?? 0);
  try {
    if (IDENTIFIER_CODES.has(problem.problem)) {
      switch (problem.problem) {
        case 'value-too-long': return t('problem.value-too-long', { max: number('max') });
        case 'phone-region-unknown': return t('problem.phone-region-unknown', { region: text('region') });
        case 'ip-bad-port': return t('problem.ip-bad-port', { port: text('port') });
        case 'ip-port-conflict': return t('problem.ip-port-conflict', { inValue: text('inValue'), given: text('given') });
        case 'url-unsupported-scheme': return t('problem.url-unsupported-scheme', { scheme: text('scheme') });
        case 'domain-too-long': return t('problem.domain-too-long', { length: number('length'), max: number('max') });
        case 'domain-label-invalid': return t('problem.domain-label-invalid', { label: text('label') });
        case 'domain-label-too-long': return t('problem.domain-label-too-long', { label: text('label'), max: number('max') });
        case 'wallet-bad-format':
          return params.char !== undefined && params.position !== undefined
            ? t('problem.wallet-bad-format.at', { char: text('char'), position: number('position') })
            : t('problem.wallet-bad-format');
        case 'wallet-wrong-checksum-variant': return t('problem.wallet-wrong-checksum-variant', { expected: text('expected') });
        case 'wallet-bad-witness-version': return t('problem.wallet-bad-witness-version', { version: text('version') });
        case 'wallet-wrong-chain': return t('problem.wallet-wrong-chain', { chain: chainLabel(context, text('detected')) });
        case 'wallet-x-address':
          return params.tag === undefined ? t('problem.wallet-x-address', { classic: text('classic') }) : t('problem.wallet-x-address.tag', { classic: text('classic'), tag: text('tag') });
        default: return t(`problem.${problem.problem}` as MessageKey);
      }
    }
    switch (problem.problem) {
      // What a recipient's published requirements refuse (requirements.ts), and what the drafting service refuses.
      case 'language-not-accepted': return t('req.language-not-accepted', { accepted: languages(text('accepted')) });
      case 'fact-required': return t('req.fact-required', { node: text('node') });
      case 'no-dual-criminality': return t('req.no-dual-criminality', { state: stateName(context, text('state')) });
      case 'proportionality-missing': return t('req.proportionality-missing');
      case 'period-reversed': return t('req.period-reversed');
      case 'period-too-broad': return t('req.period-too-broad', { days: number('days'), max: number('max') });
      case 'older-than-retention': return t('req.older-than-retention', { category: categoryLabel(context, text('category')), days: number('days') });
      case 'partly-past-retention': return t('req.partly-past-retention', { category: categoryLabel(context, text('category')), days: number('days') });
      case 'coercive-measure': return t('req.coercive-measure', { category: categoryLabel(context, text('category')) });
      case 'not-direct': return t('req.not-direct', { category: categoryLabel(context, text('category')), state: stateName(context, text('state')) });
      case 'unknown-recipient': return t('draft.error.executor', { node: text('node') });
      case 'requested-state-missing': return t('draft.error.requestedState', { state: stateName(context, text('state')) });
      case 'requested-state-invalid': return t('draft.error.requestedStateInvalid');
      case 'treaty-not-in-force': return t('draft.error.treaty', { treaty: text('treaty') });
      // The code a provider was read out (confirmations.ts).
      case 'code-typo': return t('problem.code-typo');
      case 'code-malformed': return t('problem.code-malformed');
      case 'required': return t('schema.required');
      case 'minLength': return number('limit') <= 1 ? t('schema.required') : t('schema.minLength', { limit: number('limit') });
      case 'maxLength': return t('schema.maxLength', { limit: number('limit') });
      case 'minItems': return number('limit') <= 1 ? t('schema.minItems.one') : t('schema.minItems', { limit: number('limit') });
      case 'maxItems': return t('schema.maxItems', { limit: number('limit') });
      case 'minimum': return t('schema.minimum', { limit: number('limit') });
      case 'exclusiveMinimum': return t('schema.exclusiveMinimum', { limit: number('limit') });
      case 'maximum': return t('schema.maximum', { limit: number('limit') });
      case 'format': return t('schema.format', { format: text('format') === 'date' ? 'date' : text('format') === 'date-time' ? 'datetime' : 'other' });
      case 'pattern': return t('schema.pattern');
      case 'enum':
      case 'const':
      case 'anyOf':
      case 'oneOf':
        return t('schema.enum');
      case 'type': return t('schema.type', { type: text('type') === 'integer' || text('type') === 'number' ? 'number' : 'other' });
      case 'uniqueItems': return t('schema.uniqueItems');
      default: return t('schema.invalid');
    }
  } catch {
    // A code whose message needs a value the check did not give: the plain message is still true.
    return t('schema.invalid');
  }
}

/** Language codes as their readers name them: "English, Français". */
const languages = (codes: string) => codes.split(/[\s,]+/).filter(Boolean).map((code) => (isLocale(code) ? ENDONYMS[code] : code)).join(', ');

export function categoryLabel({ t }: RequestsContext, category: string): string {
  const key = `data.${category}`;
  return hasKey(key) ? t(key) : category;
}

/** A problem placed in a form: the id of the control it belongs to, what it is called, and its message. */
export interface PlacedProblem {
  id: string | undefined;
  label: string;
  message: string;
}

/** The list of problems at the top of a form, each a link to its field; it takes the focus when the page opens. */
export function errorSummary({ t }: RequestsContext, problems: readonly PlacedProblem[], id = 'error-summary'): SafeHtml | '' {
  if (problems.length === 0) return '';
  return html`<div class="error-summary" id="${id}" role="alert" tabindex="-1" autofocus aria-labelledby="${id}-title">
<h2 id="${id}-title">${t('errors.title', { count: problems.length })}</h2>
<ul>${problems.map((problem) => html`<li>${problem.id ? html`<a href="#${problem.id}">${t('errors.item', { field: problem.label, message: problem.message })}</a>` : t('errors.item', { field: problem.label, message: problem.message })}</li>`)}</ul>
</div>`;
}

/** The messages of the problems of one control, shown just above it and named by its aria-describedby. */
export function fieldErrors(id: string, problems: readonly PlacedProblem[]): SafeHtml | '' {
  const mine = problems.filter((problem) => problem.id === id);
  if (mine.length === 0) return '';
  return html`<p class="field-error" id="${id}-error">${mine.map((problem) => html`<span>${problem.message}</span>`)}</p>`;
}

/** The attributes of a control: its hint and error described, and marked invalid when it is. */
export function described(id: string, problems: readonly PlacedProblem[], hint?: string): SafeHtml {
  const invalid = problems.some((problem) => problem.id === id);
  const ids = [hint, invalid ? `${id}-error` : undefined].filter(Boolean).join(' ');
  return html`${ids ? html`aria-describedby="${ids}"` : ''} ${invalid ? html`aria-invalid="true"` : ''}`;
}
