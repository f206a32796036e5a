/**
 * The draft form of a request, of any kind, without script, built from the kind's schema: each field
 * a control of its type (a text, a choice, options to tick, a number, a box for yes or no, a period,
 * the identifiers as a fixed number of rows, of which the empty ones are ignored, with every extra
 * input of every kind of identifier shown and labelled for its kind), named by the kind's own words
 * where it has them (`draft.mla.data`), else by the general ones (`draft.data`). A new kind needs
 * only its labels. The legal basis is proposed from the table of treaties for the State asked for
 * help. What the checks refuse is told beside each field, in the reader's language, with a summary
 * at the top that links to the fields; what was typed is kept. The same form changes a draft.
 */
import { Type } from 'typebox';
import type { Peer } from '../federation/trust.ts';
import { ENDONYMS, LOCALES, type Locale } from '../platform/i18n/locales.ts';
import { type SafeHtml, html } from '../platform/http/html.ts';
import { IDENTIFIER_KINDS, WALLET_CHAINS } from '../platform/identifiers/index.ts';
import { OFFENCES, OFFENCE_GROUPS, offenceLabel } from './offences.ts';
import type { FieldProblem } from './field-problems.ts';
import { kindOf } from './kinds.ts';
import type { Proposal } from './legal-basis.ts';
import type { MessageKey } from './locales/en.ts';
import {
  LIST_PAGE, NEW_PAGE, type PlacedProblem, type RequestsContext, code, csrf, described, errorSummary, fieldErrors, firstKey, kindLabel, optionKey,
  optionLabel, problemMessage, requestPath, requestsPage, stateName,
} from './page-common.ts';
import type { RequestRow } from './store.ts';

/** Rows for identifiers: enough for most requests; a draft naming more (through the API) is changed with one row each. */
export const IDENTIFIER_ROWS = 5;
const MAX_ROWS = 100;
const EXTRAS = ['service', 'chain', 'observedAt', 'defaultRegion'] as const;
type Extra = (typeof EXTRAS)[number];
/** Which extra input each kind of identifier reads; the others are ignored for it. */
const EXTRA_OF: Partial<Record<(typeof IDENTIFIER_KINDS)[number], Extra>> = { account: 'service', wallet: 'chain', ip: 'observedAt', phone: 'defaultRegion' };
const TREATY_ID_MAX = 80;

/** Longer than any field may be: the checks tell the reader what is too long, in their language. No keyboard types U+0000. */
const Text = Type.String({ maxLength: 20_000, pattern: '^[^\\u0000]*$' });
/** A list of options ticked may hold every option of the longest list (the measures of an MLA request), and a few more. */
export const DraftBody = Type.Record(Type.String(), Type.Union([Text, Type.Array(Type.String({ maxLength: 100, pattern: '^[^\\u0000]*$' }), { maxItems: 40 })]), { maxProperties: 800 });
export type DraftBodyValue = Record<string, string | string[]>;

interface IdentifierRow {
  kind: string;
  value: string;
  service: string;
  chain: string;
  observedAt: string;
  defaultRegion: string;
}

/** How the legal basis is chosen: the treaty this node proposes, a treaty named, or reciprocity. */
export type BasisChoice = 'proposed' | 'treaty' | 'reciprocity';

/** The form as the reader filled it in, as text. */
export interface DraftValues {
  executor: string;
  requestedState: string;
  rows: IdentifierRow[];
  /**
   * Every other field of the kind by its form name: its text, the options ticked, "true" for a box
   * ticked; a period as `<name>From` and `<name>To`.
   */
  fields: Record<string, string | string[]>;
  basis: BasisChoice;
  treaty: string;
}

// ---------------------------------------------------------------------------------------------
// The form of a kind, read from its schema.

interface Property {
  type?: string;
  format?: string;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  enum?: readonly string[];
  items?: Property;
  properties?: Record<string, Property>;
  required?: readonly string[];
  default?: unknown;
}

/** The controls the form has; a field of any other shape leaves its kind without a form (drafted through the API). */
type Control = 'text' | 'textarea' | 'select' | 'offence' | 'language' | 'checks' | 'checkbox' | 'number' | 'identifiers' | 'period' | 'parts' | 'request';

export interface FieldSpec {
  /** Its name in the request (and in the form, but for a period and the identifiers). */
  name: string;
  /** The id of its control: of its first box for options, of its start for a period, of the first row's kind for identifiers. */
  id: string;
  /** What ids of the control's parts begin with: `data` for `data-subscriber`, `period` for `period-from`, `estimated-value` for `estimated-value-amount`. */
  base: string;
  control: Control;
  /** The reader must fill it in: the schema requires it and gives no default. */
  required: boolean;
  property: Property;
  /** The options of a list or a choice; the names of the parts of a value of several parts. */
  options: readonly string[];
}

/** The order the form asks in: the facts, what is asked and why, then the rest; a field not named here comes after the others, in its schema's order. */
const ORDER = [
  'caseReference', 'offence', 'language', 'summary', 'link', 'measures', 'assistance', 'identifiers', 'dataCategories', 'period', 'provider', 'proportionality',
  'provisions', 'maxPenaltyYears', 'urgency', 'preserveDays', 'mlaToFollow', 'confidential', 'preservation',
];
/** Ids that the form had before it was read from the schemas, kept for those who link to them. */
const BASE_OF: Record<string, string> = { dataCategories: 'data' };
/** Fields whose words are another's: the data categories are "the data" (`draft.data`). */
const WORDS_OF: Record<string, string> = { dataCategories: 'data' };
const kebab = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
const layouts = new Map<string, FieldSpec[] | undefined>();
/** A number, or a text that is not a choice nor a date. */
const isPlain = (property: Property) => property.type === 'number' || property.type === 'integer' || (property.type === 'string' && !property.enum && !property.format);

function specOf(name: string, property: Property, required: boolean): FieldSpec | undefined {
  const base = BASE_OF[name] ?? kebab(name);
  const spec = (control: Control, id = base, options: readonly string[] = []): FieldSpec => ({
    name, id, base, control, options, property, required: required && property.default === undefined,
  });
  const isDay = (part: Property | undefined) => part?.type === 'string' && part.format === 'date';
  if (name === 'identifiers' && property.type === 'array') return spec('identifiers', 'identifier-0-kind');
  if (name === 'offence' && property.enum) return spec('offence');
  if (name === 'language' && property.enum) return spec('language');
  switch (property.type) {
    case 'object': {
      const parts = Object.keys(property.properties ?? {});
      if (parts.length === 2 && isDay(property.properties?.from) && isDay(property.properties?.to)) return spec('period', `${base}-from`);
      // A value of a few plain parts (an amount and its currency): one input each.
      return parts.length > 0 && parts.every((part) => isPlain(property.properties![part]!)) ? spec('parts', `${base}-${kebab(parts[0]!)}`, parts) : undefined;
    }
    case 'array':
      return property.items?.type === 'string' && property.items.enum ? spec('checks', `${base}-${property.items.enum[0]}`, property.items.enum) : undefined;
    case 'boolean': return spec('checkbox');
    case 'integer': return spec('number');
    case 'string':
      if (property.enum) return spec('select', base, property.enum);
      // Another request of this node, named by its id: chosen among this node's requests of that kind.
      if (property.format === 'uuid') return kindOf(name) ? spec('request') : spec('text');
      return spec((property.maxLength ?? 0) > 200 ? 'textarea' : 'text');
    default: return undefined;
  }
}

/** The fields of a kind's form, in the order it asks for them; none if a field has a shape the form cannot ask for. */
export function draftLayout(kindName: string): FieldSpec[] | undefined {
  if (layouts.has(kindName)) return layouts.get(kindName);
  const kind = kindOf(kindName);
  const schema = kind?.fields as unknown as { properties?: Record<string, Property>; required?: readonly string[] } | undefined;
  let layout: FieldSpec[] | undefined;
  if (kind && schema?.properties) {
    const names = Object.keys(schema.properties).sort((a, b) => rank(a) - rank(b));
    const specs = names.map((name) => specOf(name, schema.properties![name]!, (schema.required ?? []).includes(name)));
    layout = specs.every((spec) => spec !== undefined) ? (specs as FieldSpec[]) : undefined;
  }
  layouts.set(kindName, layout);
  return layout;
}
const rank = (name: string) => (ORDER.includes(name) ? ORDER.indexOf(name) : ORDER.length);

/** Whether a kind can be drafted with a form of this node. */
export const hasDraftForm = (kind: string) => draftLayout(kind) !== undefined;

/** The form names of a field (a period has two). */
const periodNames = (spec: FieldSpec) => [`${spec.name}From`, `${spec.name}To`] as const;
/** The form name of one part of a value of several parts: `estimatedValue.amount`. */
const partName = (spec: FieldSpec, part: string) => `${spec.name}.${part}`;

/** The words of a field for a kind: its own (`draft.mla.data`) before the general ones (`draft.data`). */
function wordsKey(kind: string, name: string, suffix = ''): MessageKey | undefined {
  const words = WORDS_OF[name] ?? name;
  return firstKey(`draft.${kind}.${words}${suffix}`, `draft.${words}${suffix}`);
}

function words(context: RequestsContext, kind: string, name: string, suffix = '', values: Record<string, string | number> = {}): string | undefined {
  const key = wordsKey(kind, name, suffix);
  return key ? context.t(key, values) : undefined;
}

/** The words that name a field of a kind. */
export const fieldLabel = (context: RequestsContext, kind: string, name: string): string => words(context, kind, name) ?? name;

// ---------------------------------------------------------------------------------------------
// The form's values: blank, from a stored draft, from what was posted, and as the API takes them.

const emptyRow = (): IdentifierRow => ({ kind: '', value: '', service: '', chain: '', observedAt: '', defaultRegion: '' });
const text = (value: unknown) => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');
const layoutOrEmpty = (kind: string) => draftLayout(kind) ?? [];

export function blankDraft(kind: string, locale: Locale): DraftValues {
  const fields: Record<string, string | string[]> = {};
  for (const spec of layoutOrEmpty(kind)) {
    const fallback = spec.property.default;
    switch (spec.control) {
      case 'identifiers': break;
      case 'period': for (const name of periodNames(spec)) fields[name] = ''; break;
      case 'parts': for (const part of spec.options) fields[partName(spec, part)] = ''; break;
      case 'checks': fields[spec.name] = Array.isArray(fallback) ? fallback.map(text) : []; break;
      case 'checkbox': fields[spec.name] = fallback === true ? 'true' : ''; break;
      case 'language': fields[spec.name] = locale; break;
      default: fields[spec.name] = text(fallback);
    }
  }
  return { executor: '', requestedState: '', rows: Array.from({ length: IDENTIFIER_ROWS }, emptyRow), fields, basis: 'proposed', treaty: '' };
}

/** A draft as it is stored, back in the form to be changed. */
export function valuesOf(row: RequestRow, locale: Locale): DraftValues {
  const stored = row.fields as Record<string, unknown>;
  const basis = row.legal_basis as { type?: string; treatyId?: string; to?: string; reciprocity?: boolean; treaties?: string[] };
  const identifiers = Array.isArray(stored.identifiers) ? (stored.identifiers as Record<string, unknown>[]) : [];
  const rows = identifiers.slice(0, MAX_ROWS).map((identifier) => ({
    kind: text(identifier.kind), value: text(identifier.value), service: text(identifier.service), chain: text(identifier.chain),
    observedAt: text(identifier.observedAt), defaultRegion: text(identifier.defaultRegion),
  }));
  while (rows.length < IDENTIFIER_ROWS) rows.push(emptyRow());
  const fields: Record<string, string | string[]> = {};
  for (const spec of layoutOrEmpty(row.kind)) {
    const value = stored[spec.name];
    switch (spec.control) {
      case 'identifiers': break;
      case 'period': {
        const period = (value ?? {}) as Record<string, unknown>;
        const [from, to] = periodNames(spec);
        fields[from] = text(period.from);
        fields[to] = text(period.to);
        break;
      }
      case 'parts': {
        const parts = (value ?? {}) as Record<string, unknown>;
        for (const part of spec.options) fields[partName(spec, part)] = text(parts[part]);
        break;
      }
      case 'checks': fields[spec.name] = Array.isArray(value) ? value.map(text) : []; break;
      case 'checkbox': fields[spec.name] = value === true ? 'true' : ''; break;
      case 'language': fields[spec.name] = text(value) || locale; break;
      default: fields[spec.name] = text(value);
    }
  }
  const treaty = basis.type === 'treaty' ? text(basis.treatyId) : Array.isArray(basis.treaties) ? text(basis.treaties[0]) : '';
  return {
    executor: row.executor, requestedState: text(basis.to), rows, fields,
    basis: basis.type === 'reciprocity' || basis.reciprocity === true ? 'reciprocity' : treaty ? 'treaty' : 'proposed', treaty,
  };
}

const one = (body: DraftBodyValue, name: string): string => {
  const value = body[name];
  return typeof value === 'string' ? value : Array.isArray(value) ? (value[0] ?? '') : '';
};
const many = (body: DraftBodyValue, name: string): string[] => {
  const value = body[name];
  return typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
};

/** What a form of this kind posted. */
export function draftValues(kind: string, body: DraftBodyValue): DraftValues {
  const basis = one(body, 'basis');
  const count = Math.min(MAX_ROWS, Math.max(IDENTIFIER_ROWS, Number.parseInt(one(body, 'rows'), 10) || IDENTIFIER_ROWS));
  const fields: Record<string, string | string[]> = {};
  for (const spec of layoutOrEmpty(kind)) {
    switch (spec.control) {
      case 'identifiers': break;
      case 'period': for (const name of periodNames(spec)) fields[name] = one(body, name); break;
      case 'parts': for (const part of spec.options) fields[partName(spec, part)] = one(body, partName(spec, part)); break;
      case 'checks': fields[spec.name] = many(body, spec.name); break;
      case 'checkbox': fields[spec.name] = one(body, spec.name) === 'true' ? 'true' : ''; break;
      default: fields[spec.name] = one(body, spec.name);
    }
  }
  return {
    executor: one(body, 'executor'),
    requestedState: one(body, 'requestedState'),
    rows: Array.from({ length: count }, (_, row) => ({
      kind: one(body, `identifier-${row}-kind`), value: one(body, `identifier-${row}-value`), service: one(body, `identifier-${row}-service`),
      chain: one(body, `identifier-${row}-chain`), observedAt: one(body, `identifier-${row}-observedAt`), defaultRegion: one(body, `identifier-${row}-defaultRegion`),
    })),
    fields,
    basis: basis === 'treaty' || basis === 'reciprocity' ? basis : 'proposed',
    treaty: one(body, 'treaty'),
  };
}

export interface BuiltDraft {
  fields: Record<string, unknown>;
  requestedState: string | undefined;
  /** A treaty id, "reciprocity", or nothing for the treaty this node proposes. */
  basis: string | undefined;
  /** The row of the form each identifier of `fields` came from. */
  rowOf: number[];
  /** What the form itself finds wrong before the service is asked. */
  local: FieldProblem[];
}

/** The fields and legal basis the API would be sent, from what was typed: blanks left out, so that a check names them missing. */
export function buildDraft(kind: string, values: DraftValues): BuiltDraft {
  const local: FieldProblem[] = [];
  const given = (value: string | string[] | undefined) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
  const rowOf: number[] = [];
  const fields: Record<string, unknown> = {};
  for (const spec of layoutOrEmpty(kind)) {
    const value = values.fields[spec.name];
    switch (spec.control) {
      case 'identifiers':
        fields[spec.name] = values.rows.flatMap((row, index) => {
          const typed = [row.value, ...EXTRAS.map((extra) => row[extra])].some((part) => part.trim() !== '');
          if (!typed && row.kind === '') return [];
          rowOf.push(index);
          const identifier: Record<string, unknown> = {};
          if (row.kind) identifier.kind = row.kind;
          if (given(row.value)) identifier.value = row.value.trim();
          const extra = EXTRA_OF[row.kind as keyof typeof EXTRA_OF];
          if (extra && given(row[extra])) identifier[extra] = extra === 'defaultRegion' ? row[extra].trim().toUpperCase() : row[extra].trim();
          return [identifier];
        });
        break;
      case 'period': {
        const [fromName, toName] = periodNames(spec);
        const period: Record<string, unknown> = {};
        const from = given(values.fields[fromName]);
        const to = given(values.fields[toName]);
        if (from) period.from = from;
        if (to) period.to = to;
        // A period that may be left out and is: none; one begun: checked whole.
        if (from || to || spec.required || !isOptional(kind, spec.name)) fields[spec.name] = period;
        break;
      }
      case 'parts': {
        const parts: Record<string, unknown> = {};
        for (const part of spec.options) {
          const typed = given(values.fields[partName(spec, part)]);
          if (typed !== undefined) parts[part] = asNumber(spec.property.properties?.[part], typed);
        }
        // None typed and none needed: left out; one typed: checked whole, so that the check names the part missing.
        if (Object.keys(parts).length > 0 || spec.required || !isOptional(kind, spec.name)) fields[spec.name] = parts;
        break;
      }
      case 'checks': fields[spec.name] = Array.isArray(value) ? value : []; break;
      case 'checkbox': fields[spec.name] = value === 'true'; break;
      case 'number': {
        const typed = given(value);
        if (typed !== undefined) fields[spec.name] = asNumber(spec.property, typed);
        break;
      }
      default: {
        const typed = given(value);
        if (typed !== undefined) fields[spec.name] = typed;
      }
    }
  }
  if (!values.executor) local.push({ field: '/executor', problem: 'required', params: {} });
  const requestedState = given(values.requestedState);
  if (requestedState !== undefined && !/^[A-Z]{2}$/.test(requestedState)) local.push({ field: '/requestedState', problem: 'requested-state-invalid', params: {} });
  let basis: string | undefined;
  if (values.basis === 'reciprocity') basis = 'reciprocity';
  else if (values.basis === 'treaty') {
    const id = values.treaty.trim();
    if (id === '') local.push({ field: '/basis', problem: 'required', params: {} });
    else if (id.length > TREATY_ID_MAX) local.push({ field: '/basis', problem: 'maxLength', params: { limit: TREATY_ID_MAX } });
    else basis = id;
  }
  return { fields, requestedState: local.some((problem) => problem.field === '/requestedState') ? undefined : requestedState, basis, rowOf, local };
}

/**
 * A number typed, as the schema's number when it is one (a decimal point or comma, for an amount);
 * else as typed, so that the check says it is not a number.
 */
export function asNumber(property: Pick<Property, 'type'> | undefined, typed: string): unknown {
  if (property?.type === 'integer') return /^\d{1,9}$/.test(typed) ? Number(typed) : typed;
  if (property?.type === 'number') return /^\d{1,15}([.,]\d{1,18})?$/.test(typed) ? Number(typed.replace(',', '.')) : typed;
  return typed;
}

/** Whether the kind's schema lets a field be left out. */
const isOptional = (kind: string, name: string) => !((kindOf(kind)?.fields as unknown as { required?: string[] } | undefined)?.required ?? []).includes(name);

/** Where a problem goes in the form: the control of its JSON pointer, and the words that name it. */
export function placeDraftProblem(context: RequestsContext, kind: string, problem: FieldProblem, rowOf: readonly number[]): PlacedProblem {
  const { t } = context;
  const [, head = '', second, third] = problem.field.split('/');
  const message = problemMessage(context, problem);
  switch (head) {
    case 'executor': return { id: 'executor', label: t('draft.executor'), message };
    case 'requestedState': return { id: 'requested-state', label: t('draft.requestedState'), message };
    case 'basis': return { id: 'treaty', label: t('draft.treaty'), message };
  }
  const spec = draftLayout(kind)?.find((candidate) => candidate.name === head);
  if (!spec) return { id: undefined, label: t('draft.heading'), message };
  switch (spec.control) {
    case 'identifiers': {
      if (second === undefined) return { id: spec.id, label: fieldLabel(context, kind, spec.name), message };
      const row = rowOf[Number(second)] ?? Number(second);
      const part = third === 'kind' || third === 'value' || (EXTRAS as readonly string[]).includes(third ?? '') ? third! : 'value';
      return { id: `identifier-${row}-${part}`, label: t('draft.identifier.field', { n: row + 1, field: identifierPartLabel(context, part) }), message };
    }
    case 'period': {
      const end = second === 'to' ? 'to' : second === 'from' ? 'from' : undefined;
      return { id: `${spec.base}-${end ?? 'from'}`, label: (end && words(context, kind, spec.name, `.${end}`)) || fieldLabel(context, kind, spec.name), message };
    }
    case 'parts': {
      const part = spec.options.find((candidate) => candidate === second) ?? spec.options[0]!;
      return { id: `${spec.base}-${kebab(part)}`, label: `${fieldLabel(context, kind, spec.name)}: ${partLabel(context, kind, spec, part)}`, message };
    }
    default: return { id: spec.id, label: fieldLabel(context, kind, spec.name), message };
  }
}

const partLabel = (context: RequestsContext, kind: string, spec: FieldSpec, part: string) => words(context, kind, spec.name, `.${part}`) ?? part;

function identifierPartLabel({ t }: RequestsContext, part: string): string {
  switch (part) {
    case 'kind': return t('ident.kind');
    case 'service': return t('ident.service');
    case 'chain': return t('ident.chain');
    case 'observedAt': return t('ident.observedAt');
    case 'defaultRegion': return t('ident.defaultRegion');
    default: return t('ident.value');
  }
}

/** Another request of this node that a field may name (the preservation that kept the data). */
export interface RequestOption {
  id: string;
  label: string;
}

export interface DraftView {
  kind: string;
  /** The draft being changed; a new one otherwise. */
  editing: RequestRow | undefined;
  values: DraftValues;
  problems: PlacedProblem[];
  /** Active peers, to choose the executor among. */
  peers: Peer[];
  /** The States a basis can be proposed for, and the one the proposal is for. */
  proposalStates: string[];
  proposalState: string | undefined;
  proposal: Proposal | undefined;
  /** For each field that names another request, the requests of this node it may name. */
  related: Record<string, RequestOption[]>;
}

const selected = (yes: boolean) => (yes ? html`selected` : '');
const checked = (yes: boolean) => (yes ? html`checked` : '');

/** The proposal of a legal basis: a GET form of its own, before the draft, whose answer fills the draft's State and basis. */
function proposalSection(context: RequestsContext, view: DraftView): SafeHtml {
  const { t } = context;
  const { proposal } = view;
  const told = proposal && (proposal.reciprocity
    ? t('proposal.reciprocity', { from: stateName(context, proposal.from), to: stateName(context, proposal.to) })
    : t('proposal.treaties', { from: stateName(context, proposal.from), to: stateName(context, proposal.to), count: proposal.treaties.length }));
  return html`
<section class="proposal" aria-labelledby="proposal-heading">
<h2 id="proposal-heading">${t('proposal.heading')}</h2>
<p>${t('proposal.intro', { state: stateName(context, context.console.node.state) })}</p>
<form class="filters" method="get" action="${view.editing ? `${requestPath(view.editing.id)}/edit` : NEW_PAGE}" aria-labelledby="proposal-heading">
  ${view.editing ? '' : html`<input type="hidden" name="kind" value="${view.kind}">`}
  <div><label for="proposal-state">${t('draft.requestedState')}</label>
  <select id="proposal-state" name="state">
    <option value="">${t('draft.requestedState.none')}</option>
    ${view.proposalStates.map((state) => html`<option value="${state}" ${selected(view.proposalState === state)}>${stateName(context, state)}</option>`)}
  </select></div>
  <div><button type="submit">${t('proposal.submit')}</button></div>
</form>
${proposal ? html`<div class="notice" role="status" id="proposal-result"><p>${told}</p>
${proposal.treaties.length ? html`<ol>${proposal.treaties.map((treaty) => html`<li>${code(treaty.id)} · ${treaty.shortTitle}${treaty.sample ? html` <span class="hint">${t('proposal.sample')}</span>` : ''}</li>`)}</ol>` : ''}
<p>${t('proposal.check')}</p></div>` : ''}
</section>`;
}

export function draftPage(context: RequestsContext, view: DraftView): string {
  const { t, locale } = context;
  const { values, problems, editing, kind } = view;
  const fourEyes = kindOf(kind)?.fourEyes === true;
  const title = editing ? t('draft.editTitle', { kind: kindLabel(context, kind) }) : t('draft.title', { kind: kindLabel(context, kind) });
  const required = html` <span class="required">${t('form.required')}</span>`;
  const action = editing
    ? `${requestPath(editing.id)}/edit${view.proposalState ? `?state=${encodeURIComponent(view.proposalState)}` : ''}`
    : `${NEW_PAGE}?kind=${encodeURIComponent(kind)}${view.proposalState ? `&state=${encodeURIComponent(view.proposalState)}` : ''}`;
  const ownState = context.console.node.state;

  /** A labelled control with its hint and its errors above it. */
  const field = (id: string, label: string, control: (attributes: SafeHtml) => SafeHtml, options: { hint?: string | undefined; required?: boolean; className?: string } = {}) => html`
<div class="field${options.className ? ` ${options.className}` : ''}"><label for="${id}">${label}${options.required ? required : ''}</label>
${options.hint ? html`<span class="hint" id="${id}-hint">${options.hint}</span>` : ''}
${fieldErrors(id, problems)}
${control(described(id, problems, options.hint ? `${id}-hint` : undefined))}</div>`;

  const input = (id: string, name: string, value: string, attributes: SafeHtml | string = '') => (aria: SafeHtml) =>
    html`<input id="${id}" name="${name}" value="${value}" ${attributes} ${aria}>`;
  const textarea = (id: string, name: string, value: string, maxLength: number, rows: number, attributes: SafeHtml | string = '') => (aria: SafeHtml) =>
    html`<textarea id="${id}" name="${name}" rows="${rows}" maxlength="${maxLength}" ${attributes} ${aria}>${value}</textarea>`;

  const peerOption = (peer: Peer) => html`<option value="${peer.nodeId}" ${selected(values.executor === peer.nodeId)}>${t('peer.option', { name: peer.displayName, node: peer.nodeId, state: stateName(context, peer.state) })}</option>`;
  const states = [...new Set([...view.proposalStates, ...(values.requestedState ? [values.requestedState] : [])])];

  const identifierRow = (row: IdentifierRow, index: number) => {
    const id = (part: string) => `identifier-${index}-${part}`;
    return html`
<fieldset class="identifier">
<legend>${t('draft.identifier', { n: index + 1 })}</legend>
${field(id('kind'), t('ident.kind'), (aria) => html`<select id="${id('kind')}" name="${id('kind')}" ${aria}>
  <option value="">${t('ident.kind.none')}</option>
  ${IDENTIFIER_KINDS.map((kind) => html`<option value="${kind}" ${selected(row.kind === kind)}>${t(`identKind.${kind}`)}</option>`)}
</select>`, { className: 'kind' })}
${field(id('value'), t('ident.value'), input(id('value'), id('value'), row.value, html`dir="ltr" maxlength="500" autocomplete="off" autocapitalize="none" spellcheck="false"`), { className: 'value' })}
${field(id('service'), t('ident.service'), input(id('service'), id('service'), row.service, html`maxlength="100" autocomplete="off"`))}
${field(id('chain'), t('ident.chain'), (aria) => html`<select id="${id('chain')}" name="${id('chain')}" ${aria}>
  <option value="">${t('ident.chain.none')}</option>
  ${WALLET_CHAINS.map((chain) => html`<option value="${chain}" ${selected(row.chain === chain)}>${t(`chain.${chain}`)}</option>`)}
</select>`)}
${field(id('observedAt'), t('ident.observedAt'), input(id('observedAt'), id('observedAt'), row.observedAt, html`dir="ltr" maxlength="40" autocomplete="off" spellcheck="false"`))}
${field(id('defaultRegion'), t('ident.defaultRegion'), input(id('defaultRegion'), id('defaultRegion'), row.defaultRegion, html`dir="ltr" maxlength="2" autocomplete="off" autocapitalize="characters" spellcheck="false" class="short"`))}
</fieldset>`;
  };

  /** One field of the kind, as its control. */
  const control = (spec: FieldSpec): SafeHtml => {
    const label = fieldLabel(context, kind, spec.name);
    const hint = words(context, kind, spec.name, '.hint', { rows: values.rows.length, max: spec.property.maximum ?? 0, min: spec.property.minimum ?? 0 });
    const value = values.fields[spec.name];
    const typed = typeof value === 'string' ? value : '';
    const isRequired = spec.required ? html`required` : '';
    const options = { hint, required: spec.required };
    switch (spec.control) {
      case 'offence':
        return field(spec.id, label, (aria) => html`<select id="${spec.id}" name="${spec.name}" ${isRequired} ${aria}>
  <option value="">${t('draft.offence.none')}</option>
  ${OFFENCE_GROUPS.map((group) => html`<optgroup label="${t(`offenceGroup.${group}`)}">${OFFENCES.filter((offence) => offence.group === group).map((offence) =>
    html`<option value="${offence.id}" ${selected(typed === offence.id)}>${offenceLabel(offence.id, locale)}</option>`)}</optgroup>`)}
</select>`, options);
      case 'language':
        return field(spec.id, label, (aria) => html`<select id="${spec.id}" name="${spec.name}" ${aria}>
  ${LOCALES.map((code) => html`<option value="${code}" lang="${code}" ${selected(typed === code)}>${ENDONYMS[code]}</option>`)}
</select>`, options);
      case 'select':
        return field(spec.id, label, (aria) => html`<select id="${spec.id}" name="${spec.name}" ${isRequired} ${aria}>
  <option value="">${t('draft.choose')}</option>
  ${spec.options.map((option) => html`<option value="${option}" ${selected(typed === option)}>${optionLabel(context, spec.name, option)}</option>`)}
</select>`, options);
      case 'request': {
        const candidates = view.related[spec.name] ?? [];
        const known = typed === '' || candidates.some((candidate) => candidate.id === typed);
        return field(spec.id, label, (aria) => html`<select id="${spec.id}" name="${spec.name}" ${isRequired} ${aria}>
  <option value="">${words(context, kind, spec.name, '.none') ?? t('draft.choose')}</option>
  ${candidates.map((candidate) => html`<option value="${candidate.id}" ${selected(typed === candidate.id)}>${candidate.label}</option>`)}
  ${known ? '' : html`<option value="${typed}" selected>${typed}</option>`}
</select>`, options);
      }
      case 'textarea': {
        const max = spec.property.maxLength ?? 4000;
        return field(spec.id, label, textarea(spec.id, spec.name, typed, max, max >= 4000 ? 6 : 3, isRequired), options);
      }
      case 'text':
        return field(spec.id, label, input(spec.id, spec.name, typed, html`maxlength="${spec.property.maxLength ?? 2000}" autocomplete="off" ${isRequired}`), options);
      case 'number':
        return field(spec.id, label, input(spec.id, spec.name, typed,
          html`type="number" inputmode="numeric" min="${spec.property.minimum ?? ''}" max="${spec.property.maximum ?? ''}" class="short" ${isRequired}`), options);
      case 'checkbox':
        return html`<div class="choice"><input type="checkbox" id="${spec.id}" name="${spec.name}" value="true" ${checked(typed === 'true')} ${hint ? html`aria-describedby="${spec.id}-hint"` : ''}>
<label for="${spec.id}">${label}${hint ? html` <span class="hint" id="${spec.id}-hint">${hint}</span>` : ''}</label></div>
${fieldErrors(spec.id, problems)}`;
      case 'checks': {
        const ticked = Array.isArray(value) ? value : [];
        const invalid = problems.some((problem) => problem.id === spec.id);
        return html`
<fieldset ${hint || invalid ? html`aria-describedby="${[hint ? `${spec.base}-hint` : '', invalid ? `${spec.id}-error` : ''].filter(Boolean).join(' ')}"` : ''}>
<legend>${label}${spec.required ? required : ''}</legend>
${hint ? html`<p class="hint" id="${spec.base}-hint">${hint}</p>` : ''}
${fieldErrors(spec.id, problems)}
${spec.options.map((option) => {
  const id = `${spec.base}-${option}`;
  const optionHint = optionKey(spec.name, option, '.hint');
  return html`<div class="choice"><input type="checkbox" id="${id}" name="${spec.name}" value="${option}" ${checked(ticked.includes(option))} ${optionHint ? html`aria-describedby="${id}-hint"` : ''}>
<label for="${id}">${optionLabel(context, spec.name, option)}${optionHint ? html` <span class="hint" id="${id}-hint">${t(optionHint)}</span>` : ''}</label></div>`;
})}
</fieldset>`;
      }
      case 'period': {
        const [fromName, toName] = periodNames(spec);
        const day = (end: 'from' | 'to', name: string) =>
          field(`${spec.base}-${end}`, words(context, kind, spec.name, `.${end}`) ?? end, input(`${spec.base}-${end}`, name, text(values.fields[name]), html`type="date" ${isRequired}`));
        return html`
<fieldset class="period" ${hint ? html`aria-describedby="${spec.base}-hint"` : ''}>
<legend>${label}${spec.required ? required : ''}</legend>
${hint ? html`<p class="hint" id="${spec.base}-hint">${hint}</p>` : ''}
${day('from', fromName)}
${day('to', toName)}
</fieldset>`;
      }
      case 'parts':
        return html`
<fieldset class="parts" ${hint ? html`aria-describedby="${spec.base}-hint"` : ''}>
<legend>${label}${spec.required ? required : ''}</legend>
${hint ? html`<p class="hint" id="${spec.base}-hint">${hint}</p>` : ''}
${spec.options.map((part) => {
  const id = `${spec.base}-${kebab(part)}`;
  const property = spec.property.properties?.[part];
  const numeric = property?.type === 'number' || property?.type === 'integer';
  return field(id, partLabel(context, kind, spec, part), input(id, partName(spec, part), text(values.fields[partName(spec, part)]),
    numeric ? html`inputmode="decimal" dir="ltr" class="short" autocomplete="off"` : html`dir="ltr" maxlength="${property?.maxLength ?? 100}" class="short" autocomplete="off" spellcheck="false"`));
})}
</fieldset>`;
      case 'identifiers':
        return html`
<fieldset class="identifiers" aria-describedby="identifiers-hint">
<legend>${label}${spec.required ? required : ''}</legend>
<p class="hint" id="identifiers-hint">${hint ?? ''} ${t('draft.identifiers.example', { example: '2026-03-02T14:05:00+01:00' })}</p>
${values.rows.map(identifierRow)}
</fieldset>`;
    }
  };

  return requestsPage(context, title, html`
<p><a href="${editing ? requestPath(editing.id) : LIST_PAGE}">${editing ? t('back.request') : t('back.list')}</a></p>
<h1>${title}</h1>
<p>${t(fourEyes ? 'draft.intro.fourEyes' : 'draft.intro')}</p>
${errorSummary(context, problems)}
${proposalSection(context, view)}

<h2 id="draft-heading">${t('draft.heading')}</h2>
<form class="draft" method="post" action="${action}" aria-labelledby="draft-heading" novalidate>
${csrf(context)}
<input type="hidden" name="rows" value="${values.rows.length}">
${editing ? html`<p>${t('draft.executor')}: ${code(editing.executor)}</p>` : field('executor', t('draft.executor'), (aria) => html`<select id="executor" name="executor" required ${aria}>
  <option value="">${t('draft.executor.none')}</option>
  ${view.peers.map(peerOption)}
</select>`, { hint: view.peers.length ? words(context, kind, 'executor', '.hint') : t('draft.executor.noPeers'), required: true })}
${field('requested-state', t('draft.requestedState'), (aria) => html`<select id="requested-state" name="requestedState" ${aria}>
  <option value="">${t('draft.requestedState.executor')}</option>
  ${states.map((state) => html`<option value="${state}" ${selected(values.requestedState === state)}>${stateName(context, state)}</option>`)}
</select>`, { hint: t('draft.requestedState.hint', { state: stateName(context, ownState) }) })}
${(draftLayout(kind) ?? []).map(control)}

<fieldset class="basis">
<legend>${t('draft.basis')}</legend>
<div class="choice"><input type="radio" id="basis-proposed" name="basis" value="proposed" ${checked(values.basis === 'proposed')} aria-describedby="basis-proposed-hint">
<label for="basis-proposed">${t('draft.basis.proposed')} <span class="hint" id="basis-proposed-hint">${t('draft.basis.proposed.hint')}</span></label></div>
<div class="choice"><input type="radio" id="basis-treaty" name="basis" value="treaty" ${checked(values.basis === 'treaty')}>
<label for="basis-treaty">${t('draft.basis.treaty')}</label></div>
${field('treaty', t('draft.treaty'), input('treaty', 'treaty', values.treaty, html`dir="ltr" maxlength="${TREATY_ID_MAX}" autocomplete="off" spellcheck="false"`), { hint: t('draft.treaty.hint'), className: 'nested' })}
<div class="choice"><input type="radio" id="basis-reciprocity" name="basis" value="reciprocity" ${checked(values.basis === 'reciprocity')} aria-describedby="basis-reciprocity-hint">
<label for="basis-reciprocity">${t('draft.basis.reciprocity')} <span class="hint" id="basis-reciprocity-hint">${t('draft.basis.reciprocity.hint')}</span></label></div>
</fieldset>

<p class="hint" id="save-hint">${t(fourEyes ? 'draft.save.hint.fourEyes' : 'draft.save.hint')}</p>
<div><button type="submit" aria-describedby="save-hint">${t('draft.save')}</button></div>
</form>`);
}
