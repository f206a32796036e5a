/**
 * The draft form of a preservation request, without script: a fixed number of identifier rows
 * (empty ones are ignored), every extra input of every kind of identifier shown and labelled for
 * its kind, and the legal basis proposed from the table of treaties for the State asked for help.
 * What the checks refuse is told beside each field, in the reader's language, with a summary at
 * the top that links to the fields; what was typed is kept. The same form changes a draft.
 */
import { Type } from 'typebox';
import { Value } from 'typebox/value';
import type { Peer } from '../federation/trust.ts';
import { ENDONYMS, LOCALES, type Locale } from '../platform/i18n/locales.ts';
import { type SafeHtml, html } from '../platform/http/html.ts';
import { IDENTIFIER_KINDS, WALLET_CHAINS } from '../platform/identifiers/index.ts';
import { OFFENCES, OFFENCE_GROUPS, offenceLabel } from './offences.ts';
import { type FieldProblem, fieldProblems } from './field-problems.ts';
import { checkIdentifiers } from './identifiers.ts';
import type { Kind } from './kinds.ts';
import { DEFAULT_PRESERVATION_DAYS } from './kinds/preservation.ts';
import type { Proposal } from './legal-basis.ts';
import {
  LIST_PAGE, NEW_PAGE, type PlacedProblem, type RequestsContext, code, csrf, described, errorSummary, fieldErrors, kindLabel, problemMessage, requestPath,
  requestsPage, stateName,
} from './page-common.ts';
import type { RequestRow } from './store.ts';

/** Rows for identifiers: enough for most requests; a draft naming more (through the API) is changed with one row each. */
export const IDENTIFIER_ROWS = 5;
const MAX_ROWS = 100;
const DATA_CATEGORIES = ['subscriber', 'traffic', 'content'] as const;
const EXTRAS = ['service', 'chain', 'observedAt', 'defaultRegion'] as const;
type Extra = (typeof EXTRAS)[number];
/** Which extra input each kind of identifier reads; the others are ignored for it. */
const EXTRA_OF: Partial<Record<(typeof IDENTIFIER_KINDS)[number], Extra>> = { account: 'service', wallet: 'chain', ip: 'observedAt', phone: 'defaultRegion' };
const TREATY_ID_MAX = 80;

/** Longer than any field may be: the checks tell the reader what is too long, in their language. No keyboard types U+0000. */
const Text = Type.String({ maxLength: 20_000, pattern: '^[^\\u0000]*$' });
export const DraftBody = Type.Record(Type.String(), Type.Union([Text, Type.Array(Type.String({ maxLength: 100, pattern: '^[^\\u0000]*$' }), { maxItems: 10 })]), { maxProperties: 800 });
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
  caseReference: string;
  offence: string;
  language: string;
  summary: string;
  link: string;
  rows: IdentifierRow[];
  dataCategories: string[];
  periodFrom: string;
  periodTo: string;
  provider: string;
  proportionality: string;
  preserveDays: string;
  mlaToFollow: boolean;
  basis: BasisChoice;
  treaty: string;
}

const emptyRow = (): IdentifierRow => ({ kind: '', value: '', service: '', chain: '', observedAt: '', defaultRegion: '' });

export const blankDraft = (locale: Locale): DraftValues => ({
  executor: '', requestedState: '', caseReference: '', offence: '', language: locale, summary: '', link: '',
  rows: Array.from({ length: IDENTIFIER_ROWS }, emptyRow), dataCategories: [], periodFrom: '', periodTo: '', provider: '', proportionality: '',
  preserveDays: String(DEFAULT_PRESERVATION_DAYS), mlaToFollow: true, basis: 'proposed', treaty: '',
});

const text = (value: unknown) => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');

/** A draft as it is stored, back in the form to be changed. */
export function valuesOf(row: RequestRow, locale: Locale): DraftValues {
  const fields = row.fields as Record<string, unknown>;
  const basis = row.legal_basis as { type?: string; treatyId?: string; to?: string; reciprocity?: boolean; treaties?: string[] };
  const identifiers = Array.isArray(fields.identifiers) ? (fields.identifiers as Record<string, unknown>[]) : [];
  const rows = identifiers.slice(0, MAX_ROWS).map((identifier) => ({
    kind: text(identifier.kind), value: text(identifier.value), service: text(identifier.service), chain: text(identifier.chain),
    observedAt: text(identifier.observedAt), defaultRegion: text(identifier.defaultRegion),
  }));
  while (rows.length < IDENTIFIER_ROWS) rows.push(emptyRow());
  const period = (fields.period ?? {}) as Record<string, unknown>;
  const treaty = basis.type === 'treaty' ? text(basis.treatyId) : Array.isArray(basis.treaties) ? text(basis.treaties[0]) : '';
  return {
    executor: row.executor, requestedState: text(basis.to), caseReference: text(fields.caseReference), offence: text(fields.offence),
    language: text(fields.language) || locale, summary: text(fields.summary), link: text(fields.link), rows,
    dataCategories: Array.isArray(fields.dataCategories) ? fields.dataCategories.map(text) : [], periodFrom: text(period.from), periodTo: text(period.to),
    provider: text(fields.provider), proportionality: text(fields.proportionality), preserveDays: text(fields.preserveDays), mlaToFollow: fields.mlaToFollow !== false,
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

export function draftValues(body: DraftBodyValue): DraftValues {
  const basis = one(body, 'basis');
  const count = Math.min(MAX_ROWS, Math.max(IDENTIFIER_ROWS, Number.parseInt(one(body, 'rows'), 10) || IDENTIFIER_ROWS));
  return {
    executor: one(body, 'executor'),
    requestedState: one(body, 'requestedState'),
    caseReference: one(body, 'caseReference'),
    offence: one(body, 'offence'),
    language: one(body, 'language'),
    summary: one(body, 'summary'),
    link: one(body, 'link'),
    rows: Array.from({ length: count }, (_, row) => ({
      kind: one(body, `identifier-${row}-kind`), value: one(body, `identifier-${row}-value`), service: one(body, `identifier-${row}-service`),
      chain: one(body, `identifier-${row}-chain`), observedAt: one(body, `identifier-${row}-observedAt`), defaultRegion: one(body, `identifier-${row}-defaultRegion`),
    })),
    dataCategories: many(body, 'dataCategories'),
    periodFrom: one(body, 'periodFrom'),
    periodTo: one(body, 'periodTo'),
    provider: one(body, 'provider'),
    proportionality: one(body, 'proportionality'),
    preserveDays: one(body, 'preserveDays'),
    mlaToFollow: one(body, 'mlaToFollow') === 'true',
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
export function buildDraft(values: DraftValues): BuiltDraft {
  const local: FieldProblem[] = [];
  const given = (value: string) => value.trim() || undefined;
  const rowOf: number[] = [];
  const identifiers = values.rows.flatMap((row, index) => {
    const typed = [row.value, ...EXTRAS.map((extra) => row[extra])].some((value) => value.trim() !== '');
    if (!typed && row.kind === '') return [];
    rowOf.push(index);
    const identifier: Record<string, unknown> = {};
    if (row.kind) identifier.kind = row.kind;
    if (given(row.value)) identifier.value = row.value.trim();
    const extra = EXTRA_OF[row.kind as keyof typeof EXTRA_OF];
    if (extra && given(row[extra])) identifier[extra] = extra === 'defaultRegion' ? row[extra].trim().toUpperCase() : row[extra].trim();
    return [identifier];
  });
  const period: Record<string, unknown> = {};
  if (given(values.periodFrom)) period.from = values.periodFrom.trim();
  if (given(values.periodTo)) period.to = values.periodTo.trim();
  const days = values.preserveDays.trim();
  const optional = (name: string, value: string) => (given(value) ? { [name]: value.trim() } : {});
  const fields: Record<string, unknown> = {
    ...optional('caseReference', values.caseReference),
    ...(values.offence ? { offence: values.offence } : {}),
    ...(values.language ? { language: values.language } : {}),
    ...optional('summary', values.summary),
    ...optional('link', values.link),
    identifiers,
    dataCategories: values.dataCategories,
    period,
    ...optional('provider', values.provider),
    ...optional('proportionality', values.proportionality),
    // A number when it is one; else as typed, so that the check says it is not a whole number.
    ...(days === '' ? {} : { preserveDays: /^\d{1,6}$/.test(days) ? Number(days) : days }),
    mlaToFollow: values.mlaToFollow,
  };
  if (!values.executor) local.push({ field: '/executor', problem: 'required', params: {} });
  let basis: string | undefined;
  if (values.basis === 'reciprocity') basis = 'reciprocity';
  else if (values.basis === 'treaty') {
    const id = values.treaty.trim();
    if (id === '') local.push({ field: '/basis', problem: 'required', params: {} });
    else if (id.length > TREATY_ID_MAX) local.push({ field: '/basis', problem: 'maxLength', params: { limit: TREATY_ID_MAX } });
    else basis = id;
  }
  return { fields, requestedState: given(values.requestedState), basis, rowOf, local };
}

/** The checks `Requests.draft` makes on the fields, for a form refused before it reaches the service, so that every problem is told at once. */
export function fieldsProblems(kind: Kind, fields: Record<string, unknown>): FieldProblem[] {
  const value = Value.Default(kind.fields, structuredClone(fields));
  const problems = fieldProblems(kind.fields, value);
  if (problems.length > 0 || !Array.isArray((value as Record<string, unknown>).identifiers)) return problems;
  return checkIdentifiers((value as { identifiers: Parameters<typeof checkIdentifiers>[0] }).identifiers).problems;
}

/** The control of each top-level field, by the name the API gives it. */
const SIMPLE_FIELDS: Record<string, string> = {
  executor: 'executor', requestedState: 'requested-state', caseReference: 'case-reference', offence: 'offence', language: 'language', summary: 'summary',
  link: 'link', provider: 'provider', proportionality: 'proportionality', preserveDays: 'preserve-days', mlaToFollow: 'mla-to-follow', basis: 'treaty',
};

/** The words that name each top-level field. */
function fieldLabel({ t }: RequestsContext, name: string): string | undefined {
  switch (name) {
    case 'executor': return t('draft.executor');
    case 'requestedState': return t('draft.requestedState');
    case 'caseReference': return t('draft.caseReference');
    case 'offence': return t('draft.offence');
    case 'language': return t('draft.language');
    case 'summary': return t('draft.summary');
    case 'link': return t('draft.link');
    case 'provider': return t('draft.provider');
    case 'proportionality': return t('draft.proportionality');
    case 'preserveDays': return t('draft.preserveDays');
    case 'mlaToFollow': return t('draft.mlaToFollow');
    case 'basis': return t('draft.treaty');
    default: return undefined;
  }
}

/** Where a problem goes in the form: the control of its JSON pointer, and the words that name it. */
export function placeDraftProblem(context: RequestsContext, problem: FieldProblem, rowOf: readonly number[]): PlacedProblem {
  const { t } = context;
  const [, head = '', second, third] = problem.field.split('/');
  const message = problemMessage(context, problem);
  if (SIMPLE_FIELDS[head]) return { id: SIMPLE_FIELDS[head], label: fieldLabel(context, head)!, message };
  switch (head) {
    case 'identifiers': {
      if (second === undefined) return { id: 'identifier-0-kind', label: t('draft.identifiers'), message };
      const row = rowOf[Number(second)] ?? Number(second);
      const part = third === 'kind' || third === 'value' || (EXTRAS as readonly string[]).includes(third ?? '') ? third! : 'value';
      return { id: `identifier-${row}-${part}`, label: t('draft.identifier.field', { n: row + 1, field: identifierPartLabel(context, part) }), message };
    }
    case 'dataCategories': return { id: 'data-subscriber', label: t('draft.data'), message };
    case 'period': return { id: second === 'to' ? 'period-to' : 'period-from', label: second === 'to' ? t('draft.period.to') : second === 'from' ? t('draft.period.from') : t('draft.period'), message };
    default: return { id: undefined, label: t('draft.heading'), message };
  }
}

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
  const { values, problems, editing } = view;
  const title = editing ? t('draft.editTitle', { kind: kindLabel(context, view.kind) }) : t('draft.title', { kind: kindLabel(context, view.kind) });
  const required = html` <span class="required">${t('form.required')}</span>`;
  const action = editing
    ? `${requestPath(editing.id)}/edit${view.proposalState ? `?state=${encodeURIComponent(view.proposalState)}` : ''}`
    : `${NEW_PAGE}?kind=${encodeURIComponent(view.kind)}${view.proposalState ? `&state=${encodeURIComponent(view.proposalState)}` : ''}`;
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

  return requestsPage(context, title, html`
<p><a href="${editing ? requestPath(editing.id) : LIST_PAGE}">${editing ? t('back.request') : t('back.list')}</a></p>
<h1>${title}</h1>
<p>${t('draft.intro')}</p>
${errorSummary(context, problems)}
${proposalSection(context, view)}

<h2 id="draft-heading">${t('draft.heading')}</h2>
<form class="draft" method="post" action="${action}" aria-labelledby="draft-heading" novalidate>
${csrf(context)}
<input type="hidden" name="rows" value="${values.rows.length}">
${editing ? html`<p>${t('draft.executor')}: ${code(editing.executor)}</p>` : field('executor', t('draft.executor'), (aria) => html`<select id="executor" name="executor" required ${aria}>
  <option value="">${t('draft.executor.none')}</option>
  ${view.peers.map(peerOption)}
</select>`, { hint: view.peers.length ? t('draft.executor.hint') : t('draft.executor.noPeers'), required: true })}
${field('requested-state', t('draft.requestedState'), (aria) => html`<select id="requested-state" name="requestedState" ${aria}>
  <option value="">${t('draft.requestedState.executor')}</option>
  ${states.map((state) => html`<option value="${state}" ${selected(values.requestedState === state)}>${stateName(context, state)}</option>`)}
</select>`, { hint: t('draft.requestedState.hint', { state: stateName(context, ownState) }) })}
${field('case-reference', t('draft.caseReference'), input('case-reference', 'caseReference', values.caseReference, html`maxlength="100" autocomplete="off"`), { hint: t('draft.caseReference.hint') })}
${field('offence', t('draft.offence'), (aria) => html`<select id="offence" name="offence" required ${aria}>
  <option value="">${t('draft.offence.none')}</option>
  ${OFFENCE_GROUPS.map((group) => html`<optgroup label="${t(`offenceGroup.${group}`)}">${OFFENCES.filter((offence) => offence.group === group).map((offence) =>
    html`<option value="${offence.id}" ${selected(values.offence === offence.id)}>${offenceLabel(offence.id, locale)}</option>`)}</optgroup>`)}
</select>`, { hint: t('draft.offence.hint'), required: true })}
${field('language', t('draft.language'), (aria) => html`<select id="language" name="language" ${aria}>
  ${LOCALES.map((code) => html`<option value="${code}" lang="${code}" ${selected(values.language === code)}>${ENDONYMS[code]}</option>`)}
</select>`, { hint: t('draft.language.hint') })}
${field('summary', t('draft.summary'), textarea('summary', 'summary', values.summary, 4000, 6, html`required`), { hint: t('draft.summary.hint'), required: true })}
${field('link', t('draft.link'), textarea('link', 'link', values.link, 2000, 3), { hint: t('draft.link.hint') })}

<fieldset class="identifiers" aria-describedby="identifiers-hint">
<legend>${t('draft.identifiers')}${required}</legend>
<p class="hint" id="identifiers-hint">${t('draft.identifiers.hint', { rows: values.rows.length })} ${t('draft.identifiers.example', { example: '2026-03-02T14:05:00+01:00' })}</p>
${values.rows.map(identifierRow)}
</fieldset>

<fieldset aria-describedby="data-hint${problems.some((problem) => problem.id === 'data-subscriber') ? ' data-subscriber-error' : ''}">
<legend>${t('draft.data')}${required}</legend>
<p class="hint" id="data-hint">${t('draft.data.hint')}</p>
${fieldErrors('data-subscriber', problems)}
${DATA_CATEGORIES.map((category) => html`<div class="choice"><input type="checkbox" id="data-${category}" name="dataCategories" value="${category}" ${checked(values.dataCategories.includes(category))} aria-describedby="data-${category}-hint">
<label for="data-${category}">${t(`data.${category}`)} <span class="hint" id="data-${category}-hint">${t(`data.${category}.hint`)}</span></label></div>`)}
</fieldset>

<fieldset class="period">
<legend>${t('draft.period')}${required}</legend>
${field('period-from', t('draft.period.from'), input('period-from', 'periodFrom', values.periodFrom, html`type="date" required`))}
${field('period-to', t('draft.period.to'), input('period-to', 'periodTo', values.periodTo, html`type="date" required`))}
</fieldset>

${field('provider', t('draft.provider'), input('provider', 'provider', values.provider, html`maxlength="200" autocomplete="off"`), { hint: t('draft.provider.hint') })}
${field('proportionality', t('draft.proportionality'), textarea('proportionality', 'proportionality', values.proportionality, 2000, 3), { hint: t('draft.proportionality.hint') })}
${field('preserve-days', t('draft.preserveDays'), input('preserve-days', 'preserveDays', values.preserveDays, html`type="number" inputmode="numeric" min="1" max="${DEFAULT_PRESERVATION_DAYS}" class="short"`), { hint: t('draft.preserveDays.hint', { max: DEFAULT_PRESERVATION_DAYS }) })}
<div class="choice"><input type="checkbox" id="mla-to-follow" name="mlaToFollow" value="true" ${checked(values.mlaToFollow)} aria-describedby="mla-to-follow-hint">
<label for="mla-to-follow">${t('draft.mlaToFollow')} <span class="hint" id="mla-to-follow-hint">${t('draft.mlaToFollow.hint')}</span></label></div>

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

<p class="hint" id="save-hint">${t('draft.save.hint')}</p>
<div><button type="submit" aria-describedby="save-hint">${t('draft.save')}</button></div>
</form>`);
}
