/**
 * The console's pages for cross-border requests: the list of this node's copies, the most urgent
 * first; the draft form of each kind; one request with its files, the form that adds one, and a
 * form for each step the reader may take. Plain forms posted to the server, no script; they call
 * the same service as the API, with the same checks, and every request shown is an audited reading.
 */
import { readFileSync } from 'node:fs';
import multipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { NodeIdentity, PageContext } from '../console/layout.ts';
import type { Federation } from '../federation/service.ts';
import { type Peer, listPeers } from '../federation/trust.ts';
import type { Role } from '../identity/roles.ts';
import { CSRF_FIELD } from '../identity/guard.ts';
import type { Database } from '../platform/db/database.ts';
import { PUBLIC } from '../platform/http/access.ts';
import { type SafeHtml, html } from '../platform/http/html.ts';
import { HttpProblem, notFound } from '../platform/http/problem.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { StringEnum } from '../platform/schema.ts';
import type { FieldProblem } from './field-problems.ts';
import { KINDS, KIND_NAMES, isFinal, kindOf } from './kinds.ts';
import { MAX_STAGED_FILES, filesOf, sealUpload } from './files.ts';
import type { Attachment } from '../federation/attachments.ts';
import { readiesToLeave, transitionOf } from './machine.ts';
import { type Proposal, type Treaty, isRequestKind, listTreaties, proposeBasis, today } from './legal-basis.ts';
import { type MessageKey, messages } from './messages.ts';
import {
  HTML, LIST_PAGE, NEW_PAGE, type RequestsContext, STYLESHEET_PATH, actionLabel, code, draftingRoles, due, fileSize, hasKey,
  kindLabel, nextBy, requestPath, requestsContext, requestsPage, shortId, sideLabel, stateLabel, when,
} from './page-common.ts';
import {
  DraftBody, type DraftBodyValue, type DraftView, type RequestOption, blankDraft, buildDraft, draftLayout, draftPage, draftValues, hasDraftForm,
  placeDraftProblem, valuesOf,
} from './page-draft.ts';
import {
  FILE_INPUT, type FailedStep, type Findings, type RequestView, noteFrom, placeNoteProblem, requestPage, sendsFiles, typedValues,
} from './page-request.ts';
import { REQUEST_ROLES, actorOf } from './routes.ts';
import { ALERTS_PAGE, isDesk, mayReadCode } from './desk-pages.ts';
import { REQUESTS_PURPOSE, type Requests } from './service.ts';
import { type RequestRow, childrenOf, eventsOf, findRequest, listRequests } from './store.ts';

const STYLESHEET = readFileSync(new URL('./requests.css', import.meta.url), 'utf8');
const LIST_LIMIT = 200;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ALL_STATES = [...new Set(Object.values(KINDS).flatMap((kind) => kind.machine.states as readonly string[]))];
const SIDES = ['requester', 'executor'] as const;
/**
 * The kinds this node has a form for: read from their schemas, once the kind has its words (`kind.<name>` in the
 * catalogs, and those of its fields); a kind without one is drafted through the API.
 */
const DRAFT_FORMS = KIND_NAMES.filter((kind) => hasDraftForm(kind) && hasKey(`kind.${kind}`));

const config = { access: { roles: REQUEST_ROLES, purpose: REQUESTS_PURPOSE }, page: true };
/** Who may open the draft forms: those who draft a kind this node has a form for. */
const FORM_ROLES: readonly Role[] = [...new Set(DRAFT_FORMS.flatMap((kind) => draftingRoles(kindOf(kind)!)))];
const draftConfig = { access: { roles: FORM_ROLES, purpose: REQUESTS_PURPOSE }, page: true };

/** The filters as a GET form sends them: an empty value is "all". */
const ListFilter = Type.Object({
  side: Type.Optional(StringEnum(['', ...SIDES] as const)),
  state: Type.Optional(StringEnum(['', ...ALL_STATES])),
  kind: Type.Optional(StringEnum(['', ...KIND_NAMES])),
}, { additionalProperties: false });
type ListQuery = { side?: string; state?: string; kind?: string };

const DraftQuery = Type.Object({
  kind: Type.Optional(StringEnum(KIND_NAMES)),
  state: Type.Optional(Type.String({ pattern: '^([A-Z]{2})?$' })),
}, { additionalProperties: false });

const RequestParams = Type.Object({ id: Type.String({ maxLength: 100 }) });
const StepParams = Type.Object({ id: Type.String({ maxLength: 100 }), action: Type.String({ pattern: '^[a-z][a-z-]{1,39}$' }) });
/** A step's form: texts, and lists of options ticked (grounds, files: at most the 100 files a step may send). */
const StepBody = Type.Record(
  Type.String(),
  Type.Union([Type.String({ maxLength: 20_000, pattern: '^[^\\u0000]*$' }), Type.Array(Type.String({ maxLength: 100, pattern: '^[^\\u0000]*$' }), { maxItems: 120 })]),
  { maxProperties: 20 },
);
const RequestQuery = Type.Object({
  done: Type.Optional(Type.String({ pattern: '^[a-z][a-z-]{1,39}$' })),
  added: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
}, { additionalProperties: false });

const rolesOf = (request: FastifyRequest): readonly Role[] => request.principal?.roles ?? [];
const activePeers = async (db: Database): Promise<Peer[]> => (await listPeers(db)).filter((peer) => peer.status === 'active');
const hasForm = (kind: string) => (DRAFT_FORMS as readonly string[]).includes(kind);
/** The kinds the reader may draft with a form here. */
const draftable = (roles: readonly Role[]) => DRAFT_FORMS.filter((kind) => draftingRoles(kindOf(kind)!).some((role) => roles.includes(role)));

/** The link on the console's home page, for those who handle requests. */
export function requestsLink(context: PageContext): SafeHtml | '' {
  const roles = context.request.principal?.roles ?? [];
  if (!roles.some((role) => REQUEST_ROLES.includes(role))) return '';
  return html`<p><a href="${LIST_PAGE}">${messages.t(context.locale, 'home.link')}</a></p>`;
}

function listPage(context: RequestsContext, filter: ListQuery, rows: RequestRow[], drafts: readonly string[]): string {
  const { t } = context;
  const desk = isDesk(context.console.request.principal?.roles ?? []);
  const choice = (name: keyof ListQuery, label: string, options: readonly (readonly [string, string])[]) => html`
  <div><label for="filter-${name}">${label}</label>
  <select id="filter-${name}" name="${name}">
    <option value="">${t('filter.all')}</option>
    ${options.map(([value, text]) => html`<option value="${value}" ${filter[name] === value ? html`selected` : ''}>${text}</option>`)}
  </select></div>`;
  const reference = (row: RequestRow) => (typeof row.fields.caseReference === 'string' && row.fields.caseReference ? row.fields.caseReference : shortId(row.id));
  return requestsPage(context, t('list.title'), html`
<h1>${t('list.title')}</h1>
<p>${t('list.intro')}</p>
${desk ? html`<p><a href="${ALERTS_PAGE}">${t('alerts.link')}</a></p>` : ''}
${drafts.length > 0 ? html`<h2 id="new-heading">${t('list.newHeading')}</h2>
<ul class="start" aria-labelledby="new-heading">${drafts.map((kind) => html`<li><a class="start" href="${NEW_PAGE}?kind=${kind}">${t('list.new', { kind: kindLabel(context, kind) })}</a>${hasKey(`list.new.${kind}.hint`) ? html` <span class="hint">${t(`list.new.${kind}.hint` as MessageKey)}</span>` : ''}</li>`)}</ul>` : ''}
<h2 id="filter-heading">${t('filter.heading')}</h2>
<form class="filters" method="get" action="${LIST_PAGE}" aria-labelledby="filter-heading">
  ${choice('side', t('fact.side'), SIDES.map((side) => [side, sideLabel(context, side)] as const))}
  ${choice('state', t('fact.state'), ALL_STATES.map((state) => [state, stateLabel(context, state)] as const))}
  ${choice('kind', t('fact.kind'), KIND_NAMES.map((kind) => [kind, kindLabel(context, kind)] as const))}
  <div><button type="submit">${t('filter.submit')}</button></div>
</form>
<h2>${t('list.heading')}</h2>
${rows.length === 0 ? html`<p>${t('list.none')}</p>` : html`
<div class="wide" role="region" aria-labelledby="requests-caption" tabindex="0">
<table class="requests">
<caption id="requests-caption">${t('list.caption', { count: rows.length, limit: LIST_LIMIT })}</caption>
<thead><tr>
  <th scope="col">${t('list.request')}</th><th scope="col">${t('fact.kind')}</th><th scope="col">${t('fact.side')}</th><th scope="col">${t('list.party')}</th>
  <th scope="col">${t('fact.state')}</th><th scope="col">${t('fact.turn')}</th><th scope="col">${t('fact.due')}</th><th scope="col">${t('list.updated')}</th>
</tr></thead>
<tbody>${rows.map((row) => html`
<tr id="row-${row.id}">
  <th scope="row"><a href="${requestPath(row.id)}"><span dir="ltr">${reference(row)}</span></a></th>
  <td>${kindLabel(context, row.kind)}</td><td>${sideLabel(context, row.side)}</td><td>${code(row.side === 'requester' ? row.executor : row.requester)}</td>
  <td>${stateLabel(context, row.state, row.kind)}</td><td>${nextBy(context, row)}</td>
  <td>${row.due_at && row.state === 'preserved' ? html`<span class="hint">${t('fact.preservedUntil')}</span>` : ''}${due(context, row)}</td>
  <td>${when(context, row.updated_at)}</td>
</tr>`)}</tbody>
</table>
</div>`}`, true);
}

export function requestPages(app: HttpServer, db: Database, requests: Requests, node: NodeIdentity, federation: Federation): void {
  app.get(STYLESHEET_PATH, { config: { access: PUBLIC }, schema: { hide: true } }, (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLESHEET),
  );

  app.get(LIST_PAGE, { config, schema: { hide: true, querystring: ListFilter } }, async (request, reply) => {
    const filter = request.query;
    const rows = await listRequests(db, {
      side: filter.side || undefined, state: filter.state || undefined, kind: filter.kind || undefined, limit: LIST_LIMIT,
    });
    return reply.type(HTML).send(listPage(requestsContext(request, node), filter, rows, draftable(rolesOf(request))));
  });

  // ---- the draft form, for a new draft and to change one

  /** The States a basis can be proposed for: those of the treaties of this kind and of the peers, but this node's own. */
  function proposalStates(kind: string, peers: Peer[], treaties: Treaty[]): string[] {
    const covering = treaties.filter((treaty) => (treaty.covers as string[]).includes(kind));
    const states = new Set([...covering.flatMap((treaty) => treaty.parties.map((party) => party.state)), ...peers.map((peer) => peer.state)]);
    states.delete(node.state);
    return [...states].filter((state) => /^[A-Z]{2}$/.test(state)).sort();
  }

  async function proposal(kind: string, state: string | undefined): Promise<Proposal | undefined> {
    if (!state || state === node.state || !isRequestKind(kind)) return undefined;
    try {
      return await proposeBasis(db, { from: node.state, to: state, kind, on: today() });
    } catch (error) {
      // This node's State is not a code the table knows, for instance: no proposal; the service says why when the draft is saved.
      if (error instanceof HttpProblem && error.status < 500) return undefined;
      throw error;
    }
  }

  /** Everything the form shows besides what was typed. `chosen` is the State asked for help, if the reader or the draft named one. */
  async function draftView(kind: string, editing: RequestRow | undefined, chosen: string | undefined): Promise<Omit<DraftView, 'values' | 'problems'>> {
    const peers = await activePeers(db);
    const states = proposalStates(kind, peers, await listTreaties(db));
    // One foreign State among the peers: that is where the request goes in the end.
    const foreign = [...new Set(peers.map((peer) => peer.state).filter((state) => state !== node.state))];
    const proposalState = chosen || (foreign.length === 1 ? foreign[0] : undefined);
    return { kind, editing, peers, proposalStates: states, proposalState, proposal: await proposal(kind, proposalState), related: await related(kind) };
  }

  /** For each field of the kind that names another request (the preservation that kept the data), this node's requests it may name. */
  async function related(kind: string): Promise<Record<string, RequestOption[]>> {
    const found: Record<string, RequestOption[]> = {};
    for (const spec of (draftLayout(kind) ?? []).filter((candidate) => candidate.control === 'request')) {
      const machine = kindOf(spec.name)!.machine;
      const rows = await listRequests(db, { kind: spec.name, side: 'requester', limit: LIST_LIMIT });
      // Those that left and still stand: a draft kept nothing, a refused or ended one keeps nothing now.
      found[spec.name] = rows.filter((row) => !machine.drafting.includes(row.state) && !machine.final.includes(row.state)).map((row) => ({
        id: row.id,
        label: `${typeof row.fields.caseReference === 'string' && row.fields.caseReference ? row.fields.caseReference : shortId(row.id)} · ${row.executor} · ${shortId(row.id)}`,
      }));
    }
    return found;
  }

  /** The kind of a form asked for (by default the first the reader may draft): one this node has a form for, and the reader may draft. */
  const formKind = (request: FastifyRequest, kind: string | undefined) => {
    const name = kind ?? draftable(rolesOf(request))[0] ?? 'preservation';
    if (!DRAFT_FORMS.includes(name as (typeof KIND_NAMES)[number])) throw notFound(`the draft form for ${name} requests`);
    if (!draftable(rolesOf(request)).includes(name as (typeof KIND_NAMES)[number])) throw new HttpProblem(403, 'forbidden', `your role does not draft ${name} requests`);
    return name;
  };

  const statusOf = (problems: FieldProblem[]) =>
    problems.some((problem) => problem.problem === 'treaty-not-in-force') ? 409
      : problems.some((problem) => ['unknown-recipient', 'requested-state-missing'].includes(problem.problem)) ? 422 : 400;

  /** Saves a draft from the form: a new one, or the one being changed; answers with its page, or the form again with what is wrong. */
  async function saveDraft(request: FastifyRequest, body: DraftBodyValue, reply: FastifyReply, kindName: string, editing: RequestRow | undefined, chosen: string | undefined) {
    const values = draftValues(kindName, body);
    const executor = editing ? editing.executor : values.executor;
    if (editing) values.executor = executor;
    const built = buildDraft(kindName, values);
    const input = { fields: built.fields, ...(built.requestedState ? { requestedState: built.requestedState } : {}), ...(built.basis ? { basis: built.basis } : {}) };
    let problems: FieldProblem[];
    if (built.local.length === 0) {
      try {
        if (editing) {
          await requests.revise(actorOf(request), editing.id, input);
          return reply.redirect(`${requestPath(editing.id)}?done=revise`, 303);
        }
        const id = await requests.draft(actorOf(request), { kind: kindName, executor, ...input });
        return reply.redirect(`${requestPath(id)}?done=draft`, 303);
      } catch (error) {
        if (!(error instanceof HttpProblem) || !Array.isArray(error.extra.errors)) throw error;
        problems = error.extra.errors as FieldProblem[];
      }
    } else {
      // The form is refused for its own reasons: what the service would refuse is told at the same time, not one round later.
      const told = new Set(built.local.map((problem) => problem.field));
      const found = await requests.draftProblems(actorOf(request), { kind: kindName, executor, ...input });
      problems = [...built.local, ...found.filter((problem) => !told.has(problem.field))];
    }
    const context = requestsContext(request, node);
    const view = await draftView(kindName, editing, chosen ?? built.requestedState);
    const placed = problems.map((problem) => placeDraftProblem(context, kindName, problem, built.rowOf));
    return reply.code(statusOf(problems)).type(HTML).send(draftPage(context, { ...view, values, problems: placed }));
  }

  app.get(NEW_PAGE, { config: draftConfig, schema: { hide: true, querystring: DraftQuery } }, async (request, reply) => {
    const kind = formKind(request, request.query.kind);
    const context = requestsContext(request, node);
    const view = await draftView(kind, undefined, request.query.state || undefined);
    const values = blankDraft(kind, context.locale);
    if (view.proposalState) values.requestedState = view.proposalState;
    return reply.type(HTML).send(draftPage(context, { ...view, values, problems: [] }));
  });

  app.post(NEW_PAGE, { config: draftConfig, schema: { hide: true, querystring: DraftQuery, body: DraftBody } }, async (request, reply) =>
    saveDraft(request, request.body, reply, formKind(request, request.query.kind), undefined, request.query.state || undefined));

  /** A draft the reader may change: still on this node, never submitted; anything else is told on the request's page. */
  async function draftToChange(request: FastifyRequest, id: string): Promise<RequestRow | string> {
    const row = await findOrFail(id);
    const kind = kindOf(row.kind);
    if (!hasForm(row.kind)) throw notFound(`the draft form for ${row.kind} requests`);
    if (row.side !== 'requester' || !kind || row.state !== kind.machine.initial) {
      const context = requestsContext(request, node);
      return showRequest(request, id, { failed: { action: 'revise', message: context.t('error.notDraft'), problems: [], values: {} } });
    }
    return row;
  }

  const EditQuery = Type.Object({ state: Type.Optional(Type.String({ pattern: '^([A-Z]{2})?$' })) }, { additionalProperties: false });

  app.get(`${LIST_PAGE}/:id/edit`, { config: draftConfig, schema: { hide: true, params: RequestParams, querystring: EditQuery } }, async (request, reply) => {
    const row = await draftToChange(request, request.params.id);
    if (typeof row === 'string') return reply.code(409).type(HTML).send(row);
    const context = requestsContext(request, node);
    const values = valuesOf(row, context.locale);
    const chosen = request.query.state || values.requestedState || undefined;
    if (request.query.state) values.requestedState = request.query.state;
    const view = await draftView(row.kind, row, chosen);
    await requests.audit(db, actorOf(request), 'requests.read', row.id);
    return reply.type(HTML).send(draftPage(context, { ...view, values, problems: [] }));
  });

  app.post(`${LIST_PAGE}/:id/edit`, { config: draftConfig, schema: { hide: true, params: RequestParams, querystring: EditQuery, body: DraftBody } }, async (request, reply) => {
    const row = await draftToChange(request, request.params.id);
    if (typeof row === 'string') return reply.code(409).type(HTML).send(row);
    return saveDraft(request, request.body, reply, row.kind, row, request.query.state || undefined);
  });

  // ---- one request

  async function findOrFail(id: string): Promise<RequestRow> {
    const row = UUID.test(id) ? await findRequest(db, id) : undefined;
    if (!row) throw notFound(`request ${id}`);
    return row;
  }

  /** A draft checked against its recipient's requirements, for those who would send it on its way; a node that cannot be reached is said to be so. */
  async function findingsOf(context: RequestsContext, row: RequestRow, actions: string[]): Promise<Findings | undefined> {
    const kind = kindOf(row.kind);
    const leaving = kind && row.side === 'requester' && actions.some((action) => {
      const step = transitionOf(kind.machine, row.state, action, row.side);
      return step !== undefined && readiesToLeave(kind.machine, step);
    });
    if (!leaving) return undefined;
    try {
      const found = await requests.check(row);
      const place = (problem: FieldProblem) => placeDraftProblem(context, row.kind, problem, []);
      return { problems: found.problems.map(place), warnings: found.warnings.map(place), unavailable: false };
    } catch (error) {
      if (error instanceof HttpProblem) return { problems: [], warnings: [], unavailable: true };
      throw error;
    }
  }

  async function showRequest(request: FastifyRequest, id: string, extras: Partial<Pick<RequestView, 'done' | 'added' | 'failed'>>): Promise<string> {
    const row = await findOrFail(id);
    const [events, children, peers, treaties, files] = await Promise.all([eventsOf(db, id), childrenOf(db, id), activePeers(db), listTreaties(db), filesOf(db, id)]);
    // A request names people and their accounts: every reading is recorded, as the API's are.
    await requests.recordReading(actorOf(request), id, 'viewed', 'requests.read', files);
    const context = requestsContext(request, node);
    const kind = kindOf(row.kind);
    const actions = requests.actionsFor(row, rolesOf(request));
    const view: RequestView = {
      row, events, peers, actions, files,
      children: children.map((child) => ({ id: child.id, executor: child.executor, state: child.state })),
      treaties: new Map(treaties.map((treaty) => [treaty.id, treaty.shortTitle])),
      mayEdit: hasForm(row.kind) && row.side === 'requester' && row.state === kind!.machine.initial && rolesOf(request).some((role) => draftingRoles(kind!).includes(role)),
      mayUpload: !isFinal(row) && actions.some((action) => sendsFiles(row.kind, action)),
      mayReadCode: mayReadCode(row, rolesOf(request), request.actor.name),
      uploadLimit,
      findings: await findingsOf(context, row, actions),
      done: extras.done,
      added: extras.added,
      failed: extras.failed,
    };
    return requestPage(context, view);
  }

  app.get(`${LIST_PAGE}/:id`, { config, schema: { hide: true, params: RequestParams, querystring: RequestQuery } }, async (request, reply) =>
    reply.type(HTML).send(await showRequest(request, request.params.id, { done: request.query.done, added: request.query.added })));

  app.post(`${LIST_PAGE}/:id/actions/:action`, { config, schema: { hide: true, params: StepParams, body: StepBody } }, async (request, reply) => {
    const { id, action } = request.params;
    const row = await findOrFail(id);
    const body: Record<string, string | string[]> = { ...request.body };
    delete body[CSRF_FIELD];
    const to = typeof body.to === 'string' ? body.to : '';
    try {
      await requests.act(actorOf(request), id, action, noteFrom(row.kind, action, body));
      return reply.redirect(`${requestPath(id)}?done=${action}`, 303);
    } catch (error) {
      if (!(error instanceof HttpProblem)) throw error;
      const context = requestsContext(request, node);
      const { t } = context;
      const values = typedValues(row.kind, action, body);
      const step = actionLabel(context, action, row.kind);
      const refused = (message: string): FailedStep => ({ action, message, problems: [], values });
      const toField = (message: string): FailedStep => ({ action, problems: [{ id: `${action}-to`, label: t('note.to'), message }], values });
      let failed: FailedStep;
      switch (error.slug) {
        case 'invalid-fields': {
          const staged = (await filesOf(db, id)).filter((file) => file.seq === null);
          failed = { action, problems: (error.extra.errors as FieldProblem[]).map((problem) => placeNoteProblem(context, row.kind, action, problem, staged)), values };
          break;
        }
        case 'invalid-transition': {
          const now = await findOrFail(id);
          failed = refused(t('error.transition', { step, state: stateLabel(context, now.state, now.kind) }));
          break;
        }
        case 'invalid-forward':
          failed = toField(t('error.forwardThird'));
          break;
        case 'unknown-recipient':
          failed = action === 'forward' ? toField(t('error.unknownPeer', { node: to })) : refused(t('error.unknownPeer', { node: row.side === 'requester' ? row.executor : row.requester }));
          break;
        case 'forbidden':
          failed = refused(t('error.forbidden', { step }));
          break;
        case 'requirements-not-met':
          failed = {
            ...refused(t('error.requirements', { node: action === 'forward' ? to : row.executor })),
            details: (error.extra.errors as FieldProblem[]).map((problem) => placeDraftProblem(context, row.kind, problem, [])),
          };
          break;
        case 'confirmation-code-wrong':
          failed = {
            action, values,
            problems: [{ ...placeNoteProblem(context, row.kind, action, { field: '/code', problem: error.slug, params: {} }), message: t('error.confirmation-code-wrong', { attempts: Number(error.extra.attemptsLeft ?? 0) }) }],
          };
          break;
        case 'profile-unavailable':
          failed = refused(t('error.profileUnavailable', { node: action === 'forward' ? to : row.executor }));
          break;
        default: {
          // The refusals that need no more than their name (four-eyes, a file not added first): told in words.
          const key = `error.${error.slug}`;
          if (!hasKey(key)) throw error;
          failed = refused(t(key as MessageKey, { step, size: fileSize(context, uploadLimit) }));
        }
      }
      return reply.code(error.status).type(HTML).send(await showRequest(request, id, { failed }));
    }
  });

  // ---- adding a file to a request from a form without script: multipart/form-data, streamed into the node's encrypted store

  const uploadLimit = federation.config.federation.attachmentLimit;
  /** What the form that adds a file sent, read before the handler: the guard checks the form's token on the body, so the body is read first. */
  const uploads = new WeakMap<FastifyRequest, Upload>();

  void app.register(async (scope: HttpServer) => {
    // In a scope of its own, so that no other route takes multipart bodies. Busboy stops a file one byte over the limit.
    await scope.register(multipart, { limits: { fileSize: uploadLimit + 1, files: 1, fields: 4, parts: 5, fieldSize: 1000, headerPairs: 100 } });

    scope.addHook('preValidation', async (request) => {
      if (!request.isMultipart()) throw new HttpProblem(415, 'unsupported-media-type', 'send the form as multipart/form-data');
      const row = await findOrFail((request.params as { id: string }).id);
      let token: string | undefined;
      try {
        for await (const part of request.parts()) {
          if (part.type === 'field') {
            if (part.fieldname === CSRF_FIELD) token = String(part.value);
            continue;
          }
          // The file is read only once the form has shown that it comes from this node's page (the token comes first in it).
          const principal = request.principal;
          if (principal?.via === 'cookie' && token !== principal.csrfToken) {
            part.file.resume();
            throw new HttpProblem(403, 'csrf', 'this form has expired: reload the page and try again');
          }
          if (uploads.has(request) || part.fieldname !== 'file') {
            part.file.resume();
            continue;
          }
          const name = fileName(part.filename);
          if (name === '' || isFinal(row)) {
            part.file.resume();
            uploads.set(request, { problem: name === '' ? 'file-missing' : 'request-closed' });
            continue;
          }
          uploads.set(request, { file: await sealUpload(federation, part.file, uploadLimit, { mediaType: mediaTypeOf(part.mimetype), name }) });
        }
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'FST_REQ_FILE_TOO_LARGE' || (error instanceof HttpProblem && error.slug === 'file-too-large')) uploads.set(request, { problem: 'file-too-large' });
        else if (error instanceof HttpProblem) throw error;
        else throw new HttpProblem(400, 'invalid-form', 'the form could not be read: add one file at a time');
      }
      // For the guard's check of the form's token, as for any form.
      request.body = token === undefined ? {} : { [CSRF_FIELD]: token };
    });

    scope.post(`${LIST_PAGE}/:id/files`, { config, schema: { hide: true, params: RequestParams } }, async (request, reply) => {
      const { id } = request.params;
      let upload = uploads.get(request) ?? { problem: 'file-missing' };
      if ('file' in upload) {
        try {
          await requests.addFile(actorOf(request), id, upload.file);
          return reply.redirect(`${requestPath(id)}?added=${upload.file.sha256}`, 303);
        } catch (error) {
          if (!(error instanceof HttpProblem) || (error.slug !== 'too-many-files' && error.slug !== 'request-closed')) throw error;
          upload = { problem: error.slug };
        }
      }
      const context = requestsContext(request, node);
      const { t } = context;
      const message = t(`error.${upload.problem}`, { size: fileSize(context, uploadLimit), count: MAX_STAGED_FILES });
      const failed: FailedStep = upload.problem === 'request-closed' || upload.problem === 'too-many-files'
        ? { action: 'upload', message, problems: [], values: {} }
        : { action: 'upload', problems: [{ id: FILE_INPUT, label: t('files.upload.file'), message }], values: {} };
      const status = { 'file-missing': 400, 'file-too-large': 413, 'request-closed': 409, 'too-many-files': 409 }[upload.problem];
      return reply.code(status).type(HTML).send(await showRequest(request, id, { failed }));
    });
  });
}

type Upload = { file: Attachment } | { problem: 'file-missing' | 'file-too-large' | 'request-closed' | 'too-many-files' };

/** A file's name as the browser sent it, as the API takes one: no path, no control character, at most 255 characters. */
function fileName(sent: string | undefined): string {
  const base = (sent ?? '').split(/[\\/]/).at(-1) ?? '';
  return [...base.replace(/[\u0000-\u001f\u007f]/g, '').trim()].slice(0, 255).join('');
}

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;
const mediaTypeOf = (sent: string | undefined) => {
  const type = (sent ?? '').split(';')[0]!.trim().toLowerCase();
  return MEDIA_TYPE.test(type) ? type : 'application/octet-stream';
};

