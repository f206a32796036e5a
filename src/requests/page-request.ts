/**
 * One request as this node holds it: what it asks, on which legal basis, where it stands and by
 * when, the steps taken on this copy (who, when, from which node), the requests it was forwarded
 * as, and a form for each step the reader may take now, with the inputs that step's note takes.
 */
import type { TSchema } from 'typebox';
import type { Peer } from '../federation/trust.ts';
import { ENDONYMS, isLocale } from '../platform/i18n/locales.ts';
import { type SafeHtml, html } from '../platform/http/html.ts';
import type { FieldProblem } from './field-problems.ts';
import { kindOf } from './kinds.ts';
import type { MessageKey } from './locales/en.ts';
import { isOffenceId, offenceById } from './offences.ts';
import {
  LIST_PAGE, type PlacedProblem, type RequestsContext, actionLabel, chainLabel, code, csrf, day, described, dueLabel, due, errorSummary, eventLabel,
  fieldErrors, hasKey, kindLabel, nextBy, problemMessage, requestPath, requestsPage, shortId, sideLabel, stateLabel, stateName, when,
} from './page-common.ts';
import type { EventRow, RequestRow } from './store.ts';

export interface ChildRow {
  id: string;
  executor: string;
  state: string;
}

/** A step the reader tried that was refused: told at the top, or beside the fields of its form. */
export interface FailedStep {
  action: string;
  /** Refused as a whole (the state moved on, a role, an unknown peer, the recipient's requirements). */
  message?: string;
  /** With a message: what in the request caused it, field by field. */
  details?: PlacedProblem[];
  problems: PlacedProblem[];
  values: Record<string, string>;
}

/** A draft checked against what its recipient publishes it requires. */
export interface Findings {
  problems: PlacedProblem[];
  warnings: PlacedProblem[];
  /** The requirements could not be fetched, nor a copy found. */
  unavailable: boolean;
}

export interface RequestView {
  row: RequestRow;
  events: EventRow[];
  children: ChildRow[];
  actions: string[];
  /** Active peers, for the forward step. */
  peers: Peer[];
  /** Short titles of the treaties this node knows, by id. */
  treaties: Map<string, string>;
  done: string | undefined;
  failed: FailedStep | undefined;
  /** The reader may change this draft. */
  mayEdit: boolean;
  findings: Findings | undefined;
}

type NoteProperty = TSchema & { type?: string; format?: string; maxLength?: number; minimum?: number; maximum?: number };
interface NoteSchema {
  properties: Record<string, NoteProperty>;
  required?: string[];
}

const noteSchema = (kind: string, action: string): NoteSchema | undefined => kindOf(kind)?.notes[action] as unknown as NoteSchema | undefined;
/** What a step's note says that the node sets itself (the version of the requirements checked): no one types it. */
const SET_BY_NODE = new Set(['profileVersion']);
const typedProperties = (schema: NoteSchema | undefined) => Object.entries(schema?.properties ?? {}).filter(([name]) => !SET_BY_NODE.has(name));
const inputId = (action: string, name: string) => `${action}-${name}`;

/** The note a step's form posts, as its schema reads it: blanks left out, numbers as numbers, everything else ignored. */
export function noteFrom(kind: string, action: string, body: Record<string, unknown>): Record<string, unknown> {
  const schema = noteSchema(kind, action);
  const note: Record<string, unknown> = {};
  if (!schema) return note;
  for (const [name, property] of typedProperties(schema)) {
    const raw = body[name];
    const value = typeof raw === 'string' ? raw.trim() : '';
    if (value === '') continue;
    note[name] = property.type === 'integer' && /^-?\d{1,9}$/.test(value) ? Number(value) : value;
  }
  return note;
}

/** What the form posted, as text, to put back in the form when it is refused. */
export function typedValues(kind: string, action: string, body: Record<string, unknown>): Record<string, string> {
  const schema = noteSchema(kind, action);
  return Object.fromEntries(typedProperties(schema).map(([name]) => [name, typeof body[name] === 'string' ? (body[name] as string) : '']));
}

function noteLabel({ t }: RequestsContext, name: string): string {
  const key = `note.${name}`;
  return hasKey(key) ? t(key) : name;
}

/** A problem in a step's form, beside the input of its JSON pointer. */
export function placeNoteProblem(context: RequestsContext, kind: string, action: string, problem: FieldProblem): PlacedProblem {
  const name = problem.field.split('/')[1] ?? '';
  const schema = noteSchema(kind, action);
  const known = name !== '' && Boolean(schema?.properties[name]);
  return { id: known ? inputId(action, name) : undefined, label: known ? noteLabel(context, name) : actionLabel(context, action), message: problemMessage(context, problem) };
}

function actorName(context: RequestsContext, event: EventRow): string {
  // A remote step names its author as the other node sent it; a step the node took by itself says so.
  const name = event.actor_name.includes(':') ? event.actor_name.slice(event.actor_name.indexOf(':') + 1) : event.actor_name;
  return name === 'system' ? context.t('actor.system') : name;
}

function noteDetails(context: RequestsContext, note: Record<string, unknown>): SafeHtml | '' {
  const entries = Object.entries(note).filter(([, value]) => value !== undefined && value !== null && value !== '');
  if (entries.length === 0) return '';
  const shown = (name: string, value: unknown) => {
    if (name === 'preservedUntil' && typeof value === 'string') return day(context, value);
    if (name === 'to' && typeof value === 'string') return code(value);
    if (name === 'providerReference') return code(String(value));
    if (name === 'days') return context.t('days', { days: Number(value) });
    return html`<span class="body" dir="auto">${String(value)}</span>`;
  };
  return html`<dl class="note">${entries.map(([name, value]) => html`<div><dt>${noteLabel(context, name)}</dt><dd>${shown(name, value)}</dd></div>`)}</dl>`;
}

function timeline(context: RequestsContext, events: EventRow[]): SafeHtml {
  const { t } = context;
  if (events.length === 0) return html`<p>${t('history.none')}</p>`;
  return html`<ol class="timeline">${events.map((event) => html`
<li><p class="meta">${when(context, event.at)} · ${t('history.by', { name: actorName(context, event), node: event.actor_node })}</p>
<p><strong>${eventLabel(context, event.action)}</strong> · ${event.from_state === null
    ? t('history.now', { to: stateLabel(context, event.to_state) })
    : t('history.change', { from: stateLabel(context, event.from_state), to: stateLabel(context, event.to_state) })}</p>
${noteDetails(context, event.note)}</li>`)}</ol>`;
}

interface Identifier {
  kind?: string;
  value?: string;
  service?: string;
  chain?: string;
  network?: string;
  defaultRegion?: string;
  observedAt?: string;
  port?: number;
}

function identifierDetails(context: RequestsContext, identifier: Identifier): SafeHtml {
  const { t } = context;
  const parts: SafeHtml[] = [];
  if (identifier.service) parts.push(html`${t('ident.detail.service')} ${identifier.service}`);
  if (identifier.chain) parts.push(html`${t('ident.detail.chain')} ${chainLabel(context, identifier.chain)}${identifier.network ? ` (${identifier.network})` : ''}`);
  if (identifier.observedAt) parts.push(html`${t('ident.detail.observedAt')} ${code(identifier.observedAt)}`);
  if (identifier.port !== undefined) parts.push(html`${t('ident.detail.port')} ${code(String(identifier.port))}`);
  if (identifier.defaultRegion) parts.push(html`${t('ident.detail.defaultRegion')} ${code(identifier.defaultRegion)}`);
  return html`${parts.map((part, index) => html`${index > 0 ? html`<br>` : ''}${part}`)}`;
}

function identifiersTable(context: RequestsContext, identifiers: Identifier[]): SafeHtml {
  const { t } = context;
  return html`
<div class="wide" role="region" aria-labelledby="identifiers-caption" tabindex="0">
<table>
<caption id="identifiers-caption">${t('request.identifiers', { count: identifiers.length })}</caption>
<thead><tr><th scope="col">${t('ident.kind')}</th><th scope="col">${t('ident.value')}</th><th scope="col">${t('ident.details')}</th></tr></thead>
<tbody>${identifiers.map((identifier) => html`
<tr><td>${identifier.kind && hasKey(`identKind.${identifier.kind}`) ? t(`identKind.${identifier.kind}` as MessageKey) : identifier.kind ?? ''}</td>
<td><code dir="ltr" class="identifier">${identifier.value ?? ''}</code></td><td>${identifierDetails(context, identifier)}</td></tr>`)}</tbody>
</table>
</div>`;
}

function whatIsAsked(context: RequestsContext, row: RequestRow): SafeHtml {
  const { t, locale } = context;
  const fields = row.fields as Record<string, unknown>;
  const fact = (label: string, value: SafeHtml | string) => html`<div><dt>${label}</dt><dd>${value}</dd></div>`;
  const offenceId = typeof fields.offence === 'string' ? fields.offence : '';
  const offence = isOffenceId(offenceId) ? offenceById(offenceId) : undefined;
  const period = (fields.period ?? {}) as { from?: string; to?: string };
  const categories = Array.isArray(fields.dataCategories) ? (fields.dataCategories as string[]) : [];
  const identifiers = Array.isArray(fields.identifiers) ? (fields.identifiers as Identifier[]) : [];
  const language = typeof fields.language === 'string' && isLocale(fields.language) ? fields.language : undefined;
  const written = (text: unknown) => html`<p class="body" dir="auto" ${language ? html`lang="${language}"` : ''}>${String(text ?? '')}</p>`;
  return html`
<dl class="facts">
  ${fields.caseReference ? fact(t('fact.caseReference'), code(String(fields.caseReference))) : ''}
  ${fact(t('draft.offence'), offence ? html`${offence.label[locale]}<span class="hint">${offence.description[locale]}</span>` : offenceId)}
  ${fact(t('draft.data'), categories.map((category) => (hasKey(`data.${category}`) ? t(`data.${category}` as MessageKey) : category)).join(' · '))}
  ${fact(t('draft.period'), html`${period.from ? day(context, period.from) : ''} – ${period.to ? day(context, period.to) : ''}`)}
  ${fields.provider ? fact(t('draft.provider'), html`<span dir="auto">${String(fields.provider)}</span>`) : ''}
  ${fields.preserveDays !== undefined ? fact(t('fact.preserveDays'), t('days', { days: Number(fields.preserveDays) })) : ''}
  ${fact(t('draft.mlaToFollow'), t(fields.mlaToFollow === false ? 'answer.no' : 'answer.yes'))}
  ${language ? fact(t('draft.language'), html`<span lang="${language}">${ENDONYMS[language]}</span>`) : ''}
</dl>
<h3>${t('draft.summary')}</h3>
${written(fields.summary)}
${fields.link ? html`<h3>${t('draft.link')}</h3>${written(fields.link)}` : ''}
${fields.proportionality ? html`<h3>${t('draft.proportionality')}</h3>${written(fields.proportionality)}` : ''}
${identifiersTable(context, identifiers)}`;
}

function legalBasis(context: RequestsContext, row: RequestRow, treaties: Map<string, string>): SafeHtml {
  const { t } = context;
  const basis = row.legal_basis as { type?: string; treatyId?: string; shortTitle?: string; from?: string; to?: string; on?: string; sample?: boolean; treaties?: unknown; reciprocity?: unknown };
  const on = basis.on && /^\d{4}-\d{2}-\d{2}$/.test(basis.on)
    ? new Intl.DateTimeFormat(context.locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${basis.on}T00:00:00Z`)) : basis.on ?? '';
  const between = basis.from && basis.to ? html`<p>${t('basis.between', { from: stateName(context, basis.from), to: stateName(context, basis.to), on })}</p>` : '';
  if (basis.type === 'reciprocity' || basis.reciprocity === true) return html`<p>${t('basis.reciprocity')}</p>${between}`;
  if (basis.type === 'treaty' && basis.treatyId) {
    return html`<p>${t('basis.treaty')} ${code(basis.treatyId)} · ${basis.shortTitle ?? treaties.get(basis.treatyId) ?? ''}${basis.sample ? html` <span class="hint">${t('proposal.sample')}</span>` : ''}</p>${between}`;
  }
  const ids = Array.isArray(basis.treaties) ? basis.treaties.map(String) : [];
  if (ids.length === 0) return html`<p>${t('basis.none')}</p>`;
  return html`<p>${t('basis.treaties', { count: ids.length })}</p>
<ul>${ids.map((id) => html`<li>${code(id)}${treaties.has(id) ? html` · ${treaties.get(id)}` : html` · ${t('basis.unknownTreaty')}`}</li>`)}</ul>`;
}

function forwardedAs(context: RequestsContext, children: ChildRow[]): SafeHtml | '' {
  const { t } = context;
  if (children.length === 0) return '';
  return html`
<h2 id="forwarded-heading">${t('forwarded.heading')}</h2>
<div class="wide" role="region" aria-labelledby="forwarded-heading" tabindex="0">
<table>
<thead><tr><th scope="col">${t('list.request')}</th><th scope="col">${t('fact.executor')}</th><th scope="col">${t('fact.state')}</th></tr></thead>
<tbody>${children.map((child) => html`<tr><th scope="row"><a href="${requestPath(child.id)}">${code(shortId(child.id))}</a></th><td>${code(child.executor)}</td><td>${stateLabel(context, child.state)}</td></tr>`)}</tbody>
</table>
</div>`;
}

/** The inputs of one step's form, from its note's schema; `to` is chosen among the peers a request can be forwarded to. */
function noteInputs(context: RequestsContext, view: RequestView, action: string, failed: FailedStep | undefined): SafeHtml[] {
  const { t } = context;
  const schema = noteSchema(view.row.kind, action);
  if (!schema) return [];
  const problems = failed?.problems ?? [];
  const values = failed?.values ?? {};
  const required = new Set(schema.required ?? []);
  return typedProperties(schema).map(([name, property]) => {
    const id = inputId(action, name);
    const hintKey = `note.${name}.hint`;
    const hint = hasKey(hintKey) ? t(hintKey) : undefined;
    const aria = described(id, problems, hint ? `${id}-hint` : undefined);
    const value = values[name] ?? '';
    let control: SafeHtml;
    if (name === 'to') {
      const candidates = view.peers.filter((peer) => peer.nodeId !== view.row.requester && peer.nodeId !== view.row.executor);
      control = html`<select id="${id}" name="${name}" ${required.has(name) ? html`required` : ''} ${aria}>
  <option value="">${t('note.to.none')}</option>
  ${candidates.map((peer) => html`<option value="${peer.nodeId}" ${value === peer.nodeId ? html`selected` : ''}>${t('peer.option', { name: peer.displayName, node: peer.nodeId, state: stateName(context, peer.state) })}</option>`)}
</select>`;
    } else if (property.format === 'date') {
      control = html`<input type="date" id="${id}" name="${name}" value="${value}" ${required.has(name) ? html`required` : ''} ${aria}>`;
    } else if (property.type === 'integer') {
      control = html`<input type="number" inputmode="numeric" class="short" id="${id}" name="${name}" value="${value}" min="${property.minimum ?? ''}" max="${property.maximum ?? ''}" ${required.has(name) ? html`required` : ''} ${aria}>`;
    } else if ((property.maxLength ?? 0) > 200) {
      control = html`<textarea id="${id}" name="${name}" rows="3" maxlength="${property.maxLength ?? ''}" ${required.has(name) ? html`required` : ''} ${aria}>${value}</textarea>`;
    } else {
      control = html`<input id="${id}" name="${name}" value="${value}" maxlength="${property.maxLength ?? ''}" autocomplete="off" ${required.has(name) ? html`required` : ''} ${aria}>`;
    }
    return html`<div class="field"><label for="${id}">${noteLabel(context, name)}${required.has(name) ? html` <span class="required">${t('form.required')}</span>` : ''}</label>
${hint ? html`<span class="hint" id="${id}-hint">${hint}</span>` : ''}
${fieldErrors(id, problems)}
${control}</div>`;
  });
}

function actionForms(context: RequestsContext, view: RequestView): SafeHtml {
  const { t } = context;
  const { row, actions, failed } = view;
  if (actions.length === 0) return html`<p>${t('actions.none')}</p>`;
  return html`${actions.map((action) => {
    const mine = failed?.action === action ? failed : undefined;
    const introKey = `action.${action}.intro`;
    return html`
<section class="action" aria-labelledby="action-${action}-heading">
<h3 id="action-${action}-heading">${actionLabel(context, action)}</h3>
${hasKey(introKey) ? html`<p class="hint">${t(introKey, { node: row.side === 'requester' ? row.executor : row.requester })}</p>` : ''}
<form class="stack" method="post" action="${requestPath(row.id)}/actions/${action}" novalidate>
${csrf(context)}
${noteInputs(context, view, action, mine)}
<div><button type="submit" id="action-${action}">${actionLabel(context, action)}</button></div>
</form>
</section>`;
  })}`;
}

const problemList = (context: RequestsContext, problems: readonly PlacedProblem[]) =>
  html`<ul>${problems.map((problem) => html`<li>${context.t('errors.item', { field: problem.label, message: problem.message })}</li>`)}</ul>`;

/** Before a draft leaves: what its recipient would send it back for, and what to weigh. */
function findingsSection(context: RequestsContext, view: RequestView): SafeHtml | '' {
  const { t } = context;
  const { findings, row } = view;
  if (!findings) return '';
  const edit = view.mayEdit ? html`<p><a href="${requestPath(row.id)}/edit">${t('draft.edit')}</a></p>` : '';
  return html`
<h2 id="check-heading">${t('check.heading', { node: row.executor })}</h2>
${findings.unavailable ? html`<p>${t('check.unavailable', { node: row.executor })}</p>`
    : findings.problems.length === 0 ? html`<p>${t('check.ok', { node: row.executor })}</p>`
      : html`<div class="error" id="check-problems"><p>${t('check.problems', { node: row.executor, count: findings.problems.length })}</p>${problemList(context, findings.problems)}</div>${edit}`}
${findings.warnings.length ? html`<div class="notice"><p>${t('check.warnings', { count: findings.warnings.length })}</p>${problemList(context, findings.warnings)}</div>` : ''}`;
}

export function requestPage(context: RequestsContext, view: RequestView): string {
  const { t } = context;
  const { row, failed } = view;
  const reference = typeof row.fields.caseReference === 'string' && row.fields.caseReference ? row.fields.caseReference : shortId(row.id);
  const title = t('request.title', { kind: kindLabel(context, row.kind), reference });
  const fact = (label: string, value: SafeHtml | string) => html`<div><dt>${label}</dt><dd>${value}</dd></div>`;
  const last = view.events.at(-1);
  // The notice comes from a link anyone could forge: it is shown only if this copy bears it out.
  const isDraft = row.side === 'requester' && row.seq === 0;
  const done = view.done === 'draft' || view.done === 'revise'
    ? (isDraft ? t(view.done === 'draft' ? 'notice.drafted' : 'notice.revised') : undefined)
    : view.done && last?.action === view.done && last.actor_node === context.console.node.nodeId ? t('notice.done', { step: eventLabel(context, view.done) }) : undefined;
  return requestsPage(context, title, html`
<p><a href="${LIST_PAGE}">${t('back.list')}</a></p>
<h1>${title}</h1>
${done ? html`<p class="notice" role="status">${done}</p>` : ''}
${failed?.message ? html`<div class="error" role="alert" id="step-error"><p>${failed.message}</p>${failed.details?.length ? problemList(context, failed.details) : ''}</div>` : ''}
${failed && !failed.message ? errorSummary(context, failed.problems) : ''}
${view.actions.length > 0 ? html`<p><a href="#actions-heading">${t('actions.jump', { count: view.actions.length })}</a></p>` : ''}
<h2 id="status-heading">${t('status.heading')}</h2>
<dl class="facts" aria-labelledby="status-heading">
  ${fact(t('fact.state'), html`<strong id="request-state">${stateLabel(context, row.state)}</strong>`)}
  ${fact(t('fact.turn'), nextBy(context, row))}
  ${row.due_at ? fact(dueLabel(context, row.state), due(context, row)) : ''}
  ${fact(t('fact.side'), sideLabel(context, row.side))}
  ${fact(t('fact.requester'), code(row.requester))}
  ${fact(t('fact.executor'), code(row.executor))}
  ${row.parent_id ? fact(t('fact.parent'), html`<a href="${requestPath(row.parent_id)}">${code(shortId(row.parent_id))}</a>`) : ''}
  ${fact(t('fact.kind'), kindLabel(context, row.kind))}
  ${fact(t('fact.created'), html`${when(context, row.created_at)} · ${row.created_by}`)}
  ${fact(t('fact.id'), code(row.id))}
</dl>
<h2>${t('request.heading')}</h2>
${view.mayEdit ? html`<p><a href="${requestPath(row.id)}/edit">${t('draft.edit')}</a></p>` : ''}
${whatIsAsked(context, row)}
<h2>${t('basis.heading')}</h2>
${legalBasis(context, row, view.treaties)}
${forwardedAs(context, view.children)}
<h2>${t('history.heading')}</h2>
<p class="hint">${t('history.intro')}</p>
${timeline(context, view.events)}
${findingsSection(context, view)}
<h2 id="actions-heading">${t('actions.heading')}</h2>
${actionForms(context, view)}`, true);
}

