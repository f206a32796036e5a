/**
 * One request as this node holds it: what it asks, on which legal basis, who approved it and the
 * digest it left with, where it stands and by when, the steps taken on this copy (who, when, from
 * which node), its files (those sent and received, and those added but not sent yet, with a form
 * to add one), the requests it was forwarded as, and a form for each step the reader may take now,
 * with the inputs that step's note takes: text, a date, a number, options to tick (grounds for a
 * refusal), or the files waiting to be sent.
 */
import type { TSchema } from 'typebox';
import type { Peer } from '../federation/trust.ts';
import { ENDONYMS, isLocale } from '../platform/i18n/locales.ts';
import { type SafeHtml, html } from '../platform/http/html.ts';
import type { FieldProblem } from './field-problems.ts';
import type { FileView } from './files.ts';
import { kindOf } from './kinds.ts';
import type { MessageKey } from './locales/en.ts';
import { isOffenceId, offenceById } from './offences.ts';
import {
  LIST_PAGE, type PlacedProblem, type RequestsContext, actionLabel, chainLabel, code, csrf, day, described, dueLabel, due, errorSummary, eventLabel,
  fieldErrors, fileSize, firstKey, hasKey, kindLabel, nextBy, optionLabel, problemMessage, requestPath, requestsPage, shortId, sideLabel, stateLabel, stateName, when,
} from './page-common.ts';
import { asNumber, draftLayout, fieldLabel } from './page-draft.ts';
import { confirmationSection } from './desk-pages.ts';
import type { EventRow, RequestRow } from './store.ts';

export interface ChildRow {
  id: string;
  executor: string;
  state: string;
}

/** A step the reader tried that was refused: told at the top, or beside the fields of its form. */
export interface FailedStep {
  /** The step, or `upload` for the form that adds a file. */
  action: string;
  /** Refused as a whole (the state moved on, a role, an unknown peer, the recipient's requirements). */
  message?: string;
  /** With a message: what in the request caused it, field by field. */
  details?: PlacedProblem[];
  problems: PlacedProblem[];
  values: Record<string, string | string[]>;
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
  /** Files sent and received with its steps, and those added but not sent yet. */
  files: FileView[];
  /** The reader may add a file: the request is open and a step they may take sends files. */
  mayUpload: boolean;
  /** The largest file this node takes, in bytes. */
  uploadLimit: number;
  done: string | undefined;
  /** A file just added (its SHA-256), to say so if this copy bears it out. */
  added: string | undefined;
  failed: FailedStep | undefined;
  /** The reader may change this draft. */
  mayEdit: boolean;
  /** The reader is of the desk that reads out this emergency request's code to the provider that calls. */
  mayReadCode: boolean;
  findings: Findings | undefined;
}

/** Where the files of a request are downloaded: the API's route, which the console's session opens as well as a token. */
export const filePath = (id: string, sha256: string) => `/api/v1/requests/${id}/files/${sha256}`;
/** Where the form that adds a file posts (multipart/form-data). */
export const uploadPath = (id: string) => `${requestPath(id)}/files`;
/** The id of the file input of the form that adds a file. */
export const FILE_INPUT = 'file-input';

type NoteProperty = TSchema & {
  type?: string; format?: string; maxLength?: number; minimum?: number; maximum?: number;
  items?: { type?: string; enum?: string[]; pattern?: string; properties?: Record<string, { type?: string; maxLength?: number }> };
};
interface NoteSchema {
  properties: Record<string, NoteProperty>;
  required?: string[];
}

const noteSchema = (kind: string, action: string): NoteSchema | undefined => kindOf(kind)?.notes[action] as unknown as NoteSchema | undefined;
/** What a step's note says that the node sets itself (the version of the requirements checked): no one types it. */
const SET_BY_NODE = new Set(['profileVersion']);
const typedProperties = (schema: NoteSchema | undefined) => Object.entries(schema?.properties ?? {}).filter(([name]) => !SET_BY_NODE.has(name));
const inputId = (action: string, name: string) => `${action}-${name}`;
const isList = (property: NoteProperty) => property.type === 'array';
/** Rows a step's form offers for a list of items of several parts (the assets frozen, each an account, an amount and a currency). */
const NOTE_ROWS = 5;
/** The parts of the items of such a list; none for a list of options. */
const rowParts = (property: NoteProperty): string[] => (property.type === 'array' && property.items?.type === 'object' ? Object.keys(property.items.properties ?? {}) : []);
const rowName = (name: string, row: number, part: string) => `${name}-${row}-${part}`;
const text = (raw: unknown) => (typeof raw === 'string' ? raw.trim() : '');

/** The rows of such a list as typed, those left empty dropped, so that the n-th item is the n-th row shown again. */
function typedRows(name: string, parts: readonly string[], body: Record<string, unknown>): Record<string, string>[] {
  return Array.from({ length: NOTE_ROWS }, (_, row) => Object.fromEntries(parts.map((part) => [part, text(body[rowName(name, row, part)])])))
    .filter((row) => Object.values(row).some((value) => value !== ''));
}
const listOf = (raw: unknown): string[] => (typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw.filter((item): item is string => typeof item === 'string') : []);

/** Whether a step sends files: its note names them. */
export const sendsFiles = (kind: string, action: string) => Boolean(noteSchema(kind, action)?.properties.files);

/** The note a step's form posts, as its schema reads it: blanks left out, numbers as numbers, options ticked as lists, everything else ignored. */
export function noteFrom(kind: string, action: string, body: Record<string, unknown>): Record<string, unknown> {
  const schema = noteSchema(kind, action);
  const note: Record<string, unknown> = {};
  if (!schema) return note;
  const required = new Set(schema.required ?? []);
  for (const [name, property] of typedProperties(schema)) {
    const parts = rowParts(property);
    if (parts.length > 0) {
      const items = typedRows(name, parts, body).map((row) => Object.fromEntries(Object.entries(row).filter(([, value]) => value !== '')
        .map(([part, value]) => [part, asNumber(property.items?.properties?.[part], value)])));
      if (items.length > 0 || required.has(name)) note[name] = items;
      continue;
    }
    if (isList(property)) {
      const list = listOf(body[name]).map((item) => item.trim()).filter(Boolean);
      // None ticked: an empty list where one is required, so that the check says to tick one.
      if (list.length > 0 || required.has(name)) note[name] = list;
      continue;
    }
    const raw = body[name];
    const value = typeof raw === 'string' ? raw.trim() : '';
    if (value === '') continue;
    note[name] = property.type === 'integer' && /^-?\d{1,9}$/.test(value) ? Number(value) : value;
  }
  return note;
}

/** What the form posted, to put back in the form when it is refused. */
export function typedValues(kind: string, action: string, body: Record<string, unknown>): Record<string, string | string[]> {
  const schema = noteSchema(kind, action);
  return Object.fromEntries(typedProperties(schema).flatMap(([name, property]): [string, string | string[]][] => {
    const parts = rowParts(property);
    if (parts.length > 0) return typedRows(name, parts, body).flatMap((row, index) => parts.map((part): [string, string] => [rowName(name, index, part), row[part]!]));
    return [[name, isList(property) ? listOf(body[name]) : typeof body[name] === 'string' ? (body[name] as string) : '']];
  }));
}

/** The words of a note's field: the kind's and the step's own before the general ones. */
function noteKey(kind: string, action: string, name: string, suffix = ''): MessageKey | undefined {
  return firstKey(`note.${kind}.${action}.${name}${suffix}`, `note.${action}.${name}${suffix}`, `note.${name}${suffix}`);
}

function noteLabel(context: RequestsContext, kind: string, action: string, name: string): string {
  const key = noteKey(kind, action, name);
  return key ? context.t(key) : name;
}

/** The options of a list in a step's form: the grounds of the treaty list, or the files waiting to be sent. */
function noteOptions(property: NoteProperty, name: string, staged: readonly FileView[]): string[] {
  if (name === 'files') return staged.map((file) => file.sha256);
  return property.items?.enum ?? [];
}

/** The control a problem of a list points to: its first box, or the group when it has none. */
const listId = (action: string, name: string, options: readonly string[]) => (options[0] ? `${inputId(action, name)}-${options[0]}` : inputId(action, name));

/** A problem in a step's form, beside the input of its JSON pointer. */
export function placeNoteProblem(context: RequestsContext, kind: string, action: string, problem: FieldProblem, staged: readonly FileView[] = []): PlacedProblem {
  const name = problem.field.split('/')[1] ?? '';
  const property = noteSchema(kind, action)?.properties[name];
  const message = problemMessage(context, problem);
  if (!property || SET_BY_NODE.has(name)) return { id: undefined, label: actionLabel(context, action, kind), message };
  const parts = rowParts(property);
  if (parts.length > 0) {
    const [, , index = '0', pointed = ''] = problem.field.split('/');
    const row = Math.min(Number(index) || 0, NOTE_ROWS - 1);
    const part = parts.includes(pointed) ? pointed : parts[0]!;
    return { id: inputId(action, rowName(name, row, part)), label: `${noteLabel(context, kind, action, name)} ${row + 1}: ${noteLabel(context, kind, action, `${name}.${part}`)}`, message };
  }
  const id = isList(property) ? listId(action, name, noteOptions(property, name, staged)) : inputId(action, name);
  return { id, label: noteLabel(context, kind, action, name), message };
}

function actorName(context: RequestsContext, event: EventRow): string {
  // A remote step names its author as the other node sent it; a step the node took by itself says so.
  const name = event.actor_name.includes(':') ? event.actor_name.slice(event.actor_name.indexOf(':') + 1) : event.actor_name;
  return name === 'system' ? context.t('actor.system') : name;
}

const isStaged = (file: FileView) => file.seq === null;

/** A link that downloads a file of the request, named by the file's own name. */
const fileLink = (row: RequestRow, file: Pick<FileView, 'sha256' | 'name'>) => html`<a href="${filePath(row.id, file.sha256)}" download><bdi>${file.name}</bdi></a>`;

/** A value of several parts (an amount and its currency; an account, an amount and a currency) on one line: numbers in the reader's digits. */
function partsOf({ locale }: RequestsContext, value: unknown, order: readonly string[]): SafeHtml {
  const given = (value ?? {}) as Record<string, unknown>;
  const parts = order.filter((name) => given[name] !== undefined && given[name] !== '')
    .map((name) => given[name]).map((part) => (typeof part === 'number' ? new Intl.NumberFormat(locale, { maximumFractionDigits: 18 }).format(part) : String(part)));
  return html`<bdi>${parts.join(' ')}</bdi>`;
}

function noteDetails(context: RequestsContext, view: RequestView, event: EventRow): SafeHtml | '' {
  const { row } = view;
  const note = event.note;
  const entries = Object.entries(note).filter(([, value]) => value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0));
  if (entries.length === 0) return '';
  const shown = (name: string, value: unknown) => {
    if (name === 'files' && Array.isArray(value)) {
      const byHash = new Map(view.files.map((file) => [file.sha256, file]));
      return html`<ul class="files">${value.map(String).map((sha) => html`<li>${byHash.has(sha) ? fileLink(row, byHash.get(sha)!) : code(sha)}</li>`)}</ul>`;
    }
    const property = noteSchema(row.kind, event.action)?.properties[name];
    const parts = property ? rowParts(property) : [];
    if (Array.isArray(value) && parts.length > 0) return html`<ul>${value.map((item) => html`<li>${partsOf(context, item, parts)}</li>`)}</ul>`;
    if (Array.isArray(value)) return value.map((item) => optionLabel(context, name, String(item))).join(' · ');
    if (property?.format === 'date' && typeof value === 'string') return day(context, value);
    if (name === 'to' && typeof value === 'string') return code(value);
    if (name === 'providerReference' || name === 'reference') return code(String(value));
    if (name === 'days') return context.t('days', { days: Number(value) });
    return html`<span class="body" dir="auto">${String(value)}</span>`;
  };
  // The files a step carried are past, not "to send".
  const label = (name: string) => (name === 'files' ? context.t('history.files') : noteLabel(context, row.kind, event.action, name));
  return html`<dl class="note">${entries.map(([name, value]) => html`<div><dt>${label(name)}</dt><dd>${shown(name, value)}</dd></div>`)}</dl>`;
}

function timeline(context: RequestsContext, view: RequestView): SafeHtml {
  const { t } = context;
  const { events, row } = view;
  if (events.length === 0) return html`<p>${t('history.none')}</p>`;
  return html`<ol class="timeline">${events.map((event) => html`
<li><p class="meta">${when(context, event.at)} · ${t('history.by', { name: actorName(context, event), node: event.actor_node })}</p>
<p><strong>${eventLabel(context, event.action, row.kind)}</strong> · ${event.from_state === null
    ? t('history.now', { to: stateLabel(context, event.to_state, row.kind) })
    : t('history.change', { from: stateLabel(context, event.from_state, row.kind), to: stateLabel(context, event.to_state, row.kind) })}</p>
${noteDetails(context, view, event)}</li>`)}</ol>`;
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

/** The words of a fact of the request: the kind's own, the page's (`fact.caseReference`), else the draft form's. */
function factLabel(context: RequestsContext, kind: string, name: string): string {
  const key = firstKey(`fact.${kind}.${name}`, `fact.${name}`);
  return key ? context.t(key) : fieldLabel(context, kind, name);
}

function whatIsAsked(context: RequestsContext, row: RequestRow): SafeHtml {
  const { t, locale } = context;
  const fields = row.fields as Record<string, unknown>;
  const fact = (label: string, value: SafeHtml | string) => html`<div><dt>${label}</dt><dd>${value}</dd></div>`;
  const language = typeof fields.language === 'string' && isLocale(fields.language) ? fields.language : undefined;
  const written = (text: unknown) => html`<p class="body" dir="auto" ${language ? html`lang="${language}"` : ''}>${String(text ?? '')}</p>`;
  const layout = draftLayout(row.kind) ?? [];
  const facts: SafeHtml[] = [];
  const texts: SafeHtml[] = [];
  let identifiers: Identifier[] = [];
  for (const spec of layout) {
    const value = fields[spec.name];
    if (value === undefined || value === null || value === '') continue;
    const label = factLabel(context, row.kind, spec.name);
    switch (spec.control) {
      case 'identifiers': identifiers = Array.isArray(value) ? (value as Identifier[]) : []; break;
      case 'textarea': texts.push(html`<h3>${label}</h3>${written(value)}`); break;
      case 'offence': {
        const offence = typeof value === 'string' && isOffenceId(value) ? offenceById(value) : undefined;
        facts.push(fact(label, offence ? html`${offence.label[locale]}<span class="hint">${offence.description[locale]}</span>` : String(value)));
        break;
      }
      case 'language':
        if (language) facts.push(fact(label, html`<span lang="${language}">${ENDONYMS[language]}</span>`));
        break;
      case 'checks': {
        const list = Array.isArray(value) ? value.map(String) : [];
        if (list.length > 0) facts.push(fact(label, list.length === 1 ? optionLabel(context, spec.name, list[0]!) : html`<ul class="inline">${list.map((item) => html`<li>${optionLabel(context, spec.name, item)}</li>`)}</ul>`));
        break;
      }
      case 'period': {
        const period = value as { from?: string; to?: string };
        facts.push(fact(label, html`${period.from ? day(context, period.from) : ''} – ${period.to ? day(context, period.to) : ''}`));
        break;
      }
      case 'checkbox': facts.push(fact(label, t(value === false ? 'answer.no' : 'answer.yes'))); break;
      case 'number': {
        const number = Number(value);
        const shown = spec.name === 'preserveDays' ? t('days', { days: number }) : spec.name === 'maxPenaltyYears' ? t('years', { years: number }) : new Intl.NumberFormat(locale).format(number);
        facts.push(fact(label, shown));
        break;
      }
      // Another request of the requesting node: a link there, its id here (to quote to the node that holds it).
      case 'request': facts.push(fact(label, row.side === 'requester' ? html`<a href="${requestPath(String(value))}">${code(shortId(String(value)))}</a>` : code(String(value)))); break;
      case 'select': facts.push(fact(label, optionLabel(context, spec.name, String(value)))); break;
      case 'parts': facts.push(fact(label, partsOf(context, value, spec.options))); break;
      default: facts.push(fact(label, spec.name === 'caseReference' ? code(String(value)) : html`<span dir="auto">${String(value)}</span>`));
    }
  }
  return html`
<dl class="facts">${facts}</dl>
${texts}
${identifiers.length > 0 ? identifiersTable(context, identifiers) : ''}`;
}

/**
 * Who approved the request and the digest it left with. On the executor's copy the approval was
 * verified as the request arrived (an approval that does not hold is refused with the request).
 */
function approvalSection(context: RequestsContext, row: RequestRow): SafeHtml | '' {
  const { t } = context;
  const fourEyes = kindOf(row.kind)?.fourEyes === true;
  if (!fourEyes && !row.digest) return '';
  const fact = (label: string, value: SafeHtml | string) => html`<div><dt>${label}</dt><dd>${value}</dd></div>`;
  const approval = row.approval;
  return html`
<h2 id="approval-heading">${t(fourEyes ? 'approval.heading' : 'digest.heading')}</h2>
${fourEyes && !approval ? html`<p>${t('approval.needed')}</p>` : ''}
${approval ? html`<p id="approval-check">${row.side === 'executor' ? t('approval.verified', { node: row.requester, official: approval.official }) : t('approval.signed', { official: approval.official })}</p>` : ''}
<dl class="facts" aria-labelledby="approval-heading">
  ${approval ? fact(t('approval.official'), html`<bdi id="approval-official">${approval.official}</bdi>`) : ''}
  ${approval ? fact(t('approval.at'), when(context, new Date(approval.approvedAt))) : ''}
  ${approval ? fact(t('approval.key'), html`<code dir="ltr" class="digest">${approval.kid}</code>`) : ''}
  ${row.digest ? fact(t('approval.digest'), html`<code dir="ltr" class="digest" id="request-digest">${row.digest}</code><span class="hint">${t('approval.digest.hint')}</span>`) : ''}
</dl>`;
}

/** The files of the request, each with the step that sent it (or not yet), and the form that adds one. */
function filesSection(context: RequestsContext, view: RequestView): SafeHtml | '' {
  const { t } = context;
  const { row, files } = view;
  if (files.length === 0 && !view.mayUpload) return '';
  const stepOf = new Map(view.events.map((event) => [event.seq, event]));
  const failed = view.failed?.action === 'upload' ? view.failed : undefined;
  const problems = failed?.problems ?? [];
  const sentWith = (file: FileView) => {
    if (isStaged(file)) return html`<strong>${t('files.staged')}</strong>`;
    const event = stepOf.get(file.seq!);
    return event ? html`${eventLabel(context, event.action, row.kind)}<br>${when(context, event.at)}` : String(file.seq);
  };
  return html`
<h2 id="files-heading">${t('files.heading')}</h2>
${files.length === 0 ? html`<p>${t('files.none')}</p>` : html`
<div class="wide" role="region" aria-labelledby="files-caption" tabindex="0">
<table class="files">
<caption id="files-caption">${t('files.caption', { count: files.length })}</caption>
<thead><tr><th scope="col">${t('files.name')}</th><th scope="col">${t('files.size')}</th><th scope="col">${t('files.step')}</th><th scope="col">${t('files.addedBy')}</th><th scope="col">${t('files.sha256')}</th></tr></thead>
<tbody>${files.map((file) => html`
<tr id="file-${file.sha256}"><th scope="row">${fileLink(row, file)}</th><td>${fileSize(context, file.size)}</td><td>${sentWith(file)}</td>
<td><bdi>${file.addedBy}</bdi></td><td><code dir="ltr" class="digest">${file.sha256}</code></td></tr>`)}</tbody>
</table>
</div>
<p class="hint">${t('files.download.hint')}</p>`}
${view.mayUpload ? html`
<section class="upload" aria-labelledby="upload-heading">
<h3 id="upload-heading">${t('files.upload.heading')}</h3>
<p class="hint" id="${FILE_INPUT}-hint">${t('files.upload.intro', { size: fileSize(context, view.uploadLimit) })}</p>
<form class="stack" method="post" action="${uploadPath(row.id)}" enctype="multipart/form-data" novalidate>
${csrf(context)}
<div class="field"><label for="${FILE_INPUT}">${t('files.upload.file')} <span class="required">${t('form.required')}</span></label>
${fieldErrors(FILE_INPUT, problems)}
<input type="file" id="${FILE_INPUT}" name="file" required ${described(FILE_INPUT, problems, `${FILE_INPUT}-hint`)}></div>
<div><button type="submit" id="upload-file">${t('files.upload.submit')}</button></div>
</form>
</section>` : ''}`;
}

/** The inputs of one step's form, from its note's schema; `to` is chosen among the peers a request can be forwarded to. */
function noteInputs(context: RequestsContext, view: RequestView, action: string, failed: FailedStep | undefined): SafeHtml[] {
  const { t } = context;
  const { row } = view;
  const schema = noteSchema(row.kind, action);
  if (!schema) return [];
  const problems = failed?.problems ?? [];
  const values = failed?.values ?? {};
  const required = new Set(schema.required ?? []);
  const staged = view.files.filter(isStaged);
  const requiredMark = (name: string) => (required.has(name) ? html` <span class="required">${t('form.required')}</span>` : '');
  // What the step says first, then the files it sends.
  const properties = typedProperties(schema).sort(([a], [b]) => Number(a === 'files') - Number(b === 'files'));
  return properties.map(([name, property]) => {
    const id = inputId(action, name);
    const hintKey = noteKey(row.kind, action, name, '.hint');
    const hint = hintKey ? t(hintKey) : undefined;
    const parts = rowParts(property);
    if (parts.length > 0) {
      const cell = (index: number, part: string) => {
        const cellId = inputId(action, rowName(name, index, part));
        const numeric = ['number', 'integer'].includes(property.items?.properties?.[part]?.type ?? '');
        return html`<div class="field"><label for="${cellId}">${noteLabel(context, row.kind, action, `${name}.${part}`)}</label>
${fieldErrors(cellId, problems)}
<input id="${cellId}" name="${rowName(name, index, part)}" value="${text(values[rowName(name, index, part)])}" dir="ltr" autocomplete="off" spellcheck="false"
  ${numeric ? html`inputmode="decimal" class="short"` : html`maxlength="${property.items?.properties?.[part]?.maxLength ?? 500}"`} ${described(cellId, problems)}></div>`;
      };
      return html`<fieldset class="rows" ${hint ? html`aria-describedby="${id}-hint"` : ''}>
<legend>${noteLabel(context, row.kind, action, name)}${requiredMark(name)}</legend>
${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : ''}
${Array.from({ length: NOTE_ROWS }, (_, index) => html`<fieldset class="row"><legend>${t('note.row', { n: index + 1 })}</legend>${parts.map((part) => cell(index, part))}</fieldset>`)}
</fieldset>`;
    }
    if (isList(property)) {
      const options = noteOptions(property, name, staged);
      const errorId = listId(action, name, options);
      const ticked = listOf(values[name]);
      const invalid = problems.some((problem) => problem.id === errorId);
      const describedBy = [hint ? `${id}-hint` : '', invalid ? `${errorId}-error` : ''].filter(Boolean).join(' ');
      const box = (option: string, label: SafeHtml | string) => html`<div class="choice"><input type="checkbox" id="${id}-${option}" name="${name}" value="${option}" ${ticked.includes(option) ? html`checked` : ''}>
<label for="${id}-${option}">${label}</label></div>`;
      return html`<fieldset class="checks" ${options.length === 0 ? html`id="${id}" tabindex="-1"` : ''} ${describedBy ? html`aria-describedby="${describedBy}"` : ''}>
<legend>${noteLabel(context, row.kind, action, name)}${requiredMark(name)}</legend>
${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : ''}
${fieldErrors(errorId, problems)}
${name === 'files'
    ? (staged.length === 0 ? html`<p>${t('note.files.none')} <a href="#upload-heading">${t('files.upload.heading')}</a></p>`
      : staged.map((file) => box(file.sha256, html`<bdi>${file.name}</bdi> <span class="hint">${fileSize(context, file.size)}</span>`)))
    : options.map((option) => box(option, optionLabel(context, name, option)))}
</fieldset>`;
    }
    const aria = described(id, problems, hint ? `${id}-hint` : undefined);
    const value = typeof values[name] === 'string' ? (values[name] as string) : '';
    let control: SafeHtml;
    if (name === 'to') {
      const candidates = view.peers.filter((peer) => peer.nodeId !== row.requester && peer.nodeId !== row.executor);
      control = html`<select id="${id}" name="${name}" ${required.has(name) ? html`required` : ''} ${aria}>
  <option value="">${t('note.to.none')}</option>
  ${candidates.map((peer) => html`<option value="${peer.nodeId}" ${value === peer.nodeId ? html`selected` : ''}>${t('peer.option', { name: peer.displayName, node: peer.nodeId, state: stateName(context, peer.state) })}</option>`)}
</select>`;
    } else if (Array.isArray((property as { enum?: unknown }).enum)) {
      const options = (property as { enum: string[] }).enum;
      control = html`<select id="${id}" name="${name}" ${required.has(name) ? html`required` : ''} ${aria}>
  <option value="">${t('draft.choose')}</option>
  ${options.map((option) => html`<option value="${option}" ${value === option ? html`selected` : ''}>${optionLabel(context, name, option)}</option>`)}
</select>`;
    } else if (property.format === 'date') {
      control = html`<input type="date" id="${id}" name="${name}" value="${value}" ${required.has(name) ? html`required` : ''} ${aria}>`;
    } else if (property.type === 'integer') {
      control = html`<input type="number" inputmode="numeric" class="short" id="${id}" name="${name}" value="${value}" min="${property.minimum ?? ''}" max="${property.maximum ?? ''}" ${required.has(name) ? html`required` : ''} ${aria}>`;
    } else if ((property.maxLength ?? 0) > 200) {
      control = html`<textarea id="${id}" name="${name}" rows="${(property.maxLength ?? 0) >= 4000 ? 5 : 3}" maxlength="${property.maxLength ?? ''}" ${required.has(name) ? html`required` : ''} ${aria}>${value}</textarea>`;
    } else {
      control = html`<input id="${id}" name="${name}" value="${value}" maxlength="${property.maxLength ?? ''}" autocomplete="off" ${required.has(name) ? html`required` : ''} ${aria}>`;
    }
    return html`<div class="field"><label for="${id}">${noteLabel(context, row.kind, action, name)}${requiredMark(name)}</label>
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
    const introKey = firstKey(`action.${row.kind}.${action}.intro`, `action.${action}.intro`);
    const label = actionLabel(context, action, row.kind);
    return html`
<section class="action" aria-labelledby="action-${action}-heading">
<h3 id="action-${action}-heading">${label}</h3>
${introKey ? html`<p class="hint">${t(introKey, { node: row.side === 'requester' ? row.executor : row.requester })}</p>` : ''}
<form class="stack" method="post" action="${requestPath(row.id)}/actions/${action}" novalidate>
${csrf(context)}
${noteInputs(context, view, action, mine)}
<div><button type="submit" id="action-${action}">${label}</button></div>
</form>
</section>`;
  })}`;
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

function forwardedAs(context: RequestsContext, kind: string, children: ChildRow[]): SafeHtml | '' {
  const { t } = context;
  if (children.length === 0) return '';
  return html`
<h2 id="forwarded-heading">${t('forwarded.heading')}</h2>
<div class="wide" role="region" aria-labelledby="forwarded-heading" tabindex="0">
<table>
<thead><tr><th scope="col">${t('list.request')}</th><th scope="col">${t('fact.executor')}</th><th scope="col">${t('fact.state')}</th></tr></thead>
<tbody>${children.map((child) => html`<tr><th scope="row"><a href="${requestPath(child.id)}">${code(shortId(child.id))}</a></th><td>${code(child.executor)}</td><td>${stateLabel(context, child.state, kind)}</td></tr>`)}</tbody>
</table>
</div>`;
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
  const fourEyes = kindOf(row.kind)?.fourEyes === true;
  const reference = typeof row.fields.caseReference === 'string' && row.fields.caseReference ? row.fields.caseReference : shortId(row.id);
  const title = t('request.title', { kind: kindLabel(context, row.kind), reference });
  const fact = (label: string, value: SafeHtml | string) => html`<div><dt>${label}</dt><dd>${value}</dd></div>`;
  const last = view.events.at(-1);
  // The notice comes from a link anyone could forge: it is shown only if this copy bears it out.
  const isDraft = row.side === 'requester' && row.seq === 0;
  const added = view.added ? view.files.find((file) => file.sha256 === view.added && isStaged(file)) : undefined;
  const done = added ? t('files.added', { name: added.name })
    : view.done === 'draft' || view.done === 'revise'
      ? (isDraft ? t(`${view.done === 'draft' ? 'notice.drafted' : 'notice.revised'}${fourEyes ? '.fourEyes' : ''}` as MessageKey) : undefined)
      : view.done && last?.action === view.done && last.actor_node === context.console.node.nodeId ? t('notice.done', { step: eventLabel(context, view.done, row.kind) }) : undefined;
  return requestsPage(context, title, html`
<p><a href="${LIST_PAGE}">${t('back.list')}</a></p>
<h1>${title}</h1>
${done ? html`<p class="notice" role="status">${done}</p>` : ''}
${failed?.message ? html`<div class="error" role="alert" id="step-error"><p>${failed.message}</p>${failed.details?.length ? problemList(context, failed.details) : ''}</div>` : ''}
${failed && !failed.message ? errorSummary(context, failed.problems) : ''}
${view.actions.length > 0 ? html`<p><a href="#actions-heading">${t('actions.jump', { count: view.actions.length })}</a></p>` : ''}
<h2 id="status-heading">${t('status.heading')}</h2>
<dl class="facts" aria-labelledby="status-heading">
  ${fact(t('fact.state'), html`<strong id="request-state">${stateLabel(context, row.state, row.kind)}</strong>`)}
  ${fact(t('fact.turn'), nextBy(context, row))}
  ${row.due_at ? fact(dueLabel(context, row.state), due(context, row)) : ''}
  ${fact(t('fact.side'), sideLabel(context, row.side))}
  ${fact(t('fact.requester'), code(row.requester))}
  ${fact(t('fact.executor'), code(row.executor))}
  ${row.parent_id ? fact(t('fact.parent'), html`<a href="${requestPath(row.parent_id)}">${code(shortId(row.parent_id))}</a>`) : ''}
  ${fact(t('fact.kind'), kindLabel(context, row.kind))}
  ${fact(t('fact.created'), html`${when(context, row.created_at)} · <bdi>${row.created_by}</bdi>`)}
  ${fact(t('fact.id'), code(row.id))}
</dl>
<h2>${t('request.heading')}</h2>
${view.mayEdit ? html`<p><a href="${requestPath(row.id)}/edit">${t('draft.edit')}</a></p>` : ''}
${whatIsAsked(context, row)}
<h2>${t('basis.heading')}</h2>
${legalBasis(context, row, view.treaties)}
${approvalSection(context, row)}
${view.mayReadCode ? confirmationSection(context, row.id, row.executor) : ''}
${forwardedAs(context, row.kind, view.children)}
${filesSection(context, view)}
<h2>${t('history.heading')}</h2>
<p class="hint">${t('history.intro')}</p>
${timeline(context, view)}
${findingsSection(context, view)}
<h2 id="actions-heading">${t('actions.heading')}</h2>
${actionForms(context, view)}`, true);
}
