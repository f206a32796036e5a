import { base64url, decodeProtectedHeader } from 'jose';
import { type Static, type TString, Type } from 'typebox';
import type { Receipt } from '../federation/receipts.ts';
import type { Federation } from '../federation/service.ts';
import { type Peer, listPeers } from '../federation/trust.ts';
import { CSRF_FIELD } from '../identity/guard.ts';
import { ADMIN } from '../identity/roles.ts';
import { NODE_KINDS } from '../platform/config.ts';
import { type SafeHtml, html } from '../platform/http/html.ts';
import { HttpProblem } from '../platform/http/problem.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { StringEnum } from '../platform/schema.ts';
import { regionName } from '../platform/i18n/locales.ts';
import {
  DIRECTIONS, FEDERATION_PURPOSE, type LoggedMessage, MESSAGE_STATES, PEER_CHANGES, type PeerChange, changePeer, listMessages, retryMessage, trustPeer,
} from '../federation/admin.ts';
import { type NodeIdentity, type PageContext, page, pageContext } from './layout.ts';

export const PEERS_PAGE = '/admin/federation/peers';
export const MESSAGES_PAGE = '/admin/federation/messages';

const HTML = 'text/html; charset=utf-8';
/** The most messages one page shows: the newest ones, which are those an administrator acts on. */
const LOG_LIMIT = 100;
const NODE_ID = '[a-z0-9][a-z0-9-]{1,62}';
const NodeId = Type.String({ pattern: `^${NODE_ID}$` });
const FINGERPRINT = /^[A-Za-z0-9_-]{43}$/;

const config = { access: { roles: ADMIN, purpose: FEDERATION_PURPOSE }, page: true };

/** A form's body: the session's CSRF token and the fields given, nothing else. */
const form = <Fields extends Record<string, TString>>(fields: Fields) =>
  Type.Object({ [CSRF_FIELD]: Type.String({ maxLength: 100 }), ...fields }, { additionalProperties: false });

/** The log's filters as a GET form sends them: an empty value is "all". */
const LogFilter = Type.Object({
  direction: Type.Optional(StringEnum(['', ...DIRECTIONS] as const)),
  state: Type.Optional(StringEnum(['', ...MESSAGE_STATES] as const)),
  peer: Type.Optional(Type.String({ pattern: `^(${NODE_ID})?$` })),
}, { additionalProperties: false });
type LogQuery = Static<typeof LogFilter>;

/** A query string of the values given, without the empty ones. */
const queryOf = (values: Record<string, string | undefined>) =>
  new URLSearchParams(Object.entries(values).filter((entry): entry is [string, string] => Boolean(entry[1]))).toString();

/** What the trust list says after each change, and the status the peer must have for the notice to be true. */
const DONE = {
  added: { message: 'fed.peers.added', status: undefined },
  suspended: { message: 'fed.peers.suspended', status: 'suspended' },
  activated: { message: 'fed.peers.activated', status: 'active' },
} as const;
type Done = keyof typeof DONE;
const DONE_BY_CHANGE: Record<PeerChange, Done> = { suspend: 'suspended', activate: 'activated' };

/** The two pages, as links; the current one is marked for assistive technology. */
export function federationLinks({ t }: PageContext, current?: string): SafeHtml {
  const links = [[PEERS_PAGE, t('fed.peers.title')], [MESSAGES_PAGE, t('fed.messages.title')]] as const;
  return html`<ul>${links.map(([href, label]) => html`<li><a href="${href}" ${href === current ? html`aria-current="page"` : ''}>${label}</a></li>`)}</ul>`;
}

function frame(context: PageContext, current: string, title: string, body: SafeHtml): string {
  return page(context, title, html`
<h1>${title}</h1>
<nav class="local" aria-label="${context.t('fed.nav')}">${federationLinks(context, current)}</nav>
${body}`, { tables: true });
}

const csrf = ({ request }: PageContext) => html`<input type="hidden" name="${CSRF_FIELD}" value="${request.principal!.csrfToken}">`;
const code = (text: string) => html`<code dir="ltr">${text}</code>`;

function kindName({ t }: PageContext, kind: string): string {
  const known = NODE_KINDS.find((candidate) => candidate === kind);
  return known ? t(`fed.kind.${known}`) : kind;
}

/** A State by its name in the reader's language, with its ISO code, which is what peers publish. */
function stateName({ t, locale }: PageContext, code: string): string {
  const name = regionName(code, locale);
  return name ? t('fed.stateName', { name, code }) : code;
}

/** Date and time, each kept whole, so that a narrow column breaks the line between them and nowhere else. */
function when({ locale }: PageContext, date: Date): SafeHtml {
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(date);
  const time = new Intl.DateTimeFormat(locale, { timeStyle: 'medium' }).format(date);
  return html`<time datetime="${date.toISOString()}"><span class="whole">${day}</span> <span class="whole">${time}</span></time>`;
}

interface PeersView {
  /** A change just made, told from the trust list as it now stands. */
  done?: { what: Done; nodeId: string };
  /** A refusal: on the add form when a field is named, else at the top of the page. */
  error?: { message: string; field?: 'url' | 'fingerprint' };
  entered?: { url: string; fingerprint: string };
}

function peersPage(context: PageContext, federation: Federation, peers: Peer[], view: PeersView): string {
  const { t } = context;
  const self = federation.metadata();
  const { error, entered } = view;
  // The notice comes from a link anyone could forge: it is shown only if the trust list bears it out.
  const done = view.done && DONE[view.done.what];
  const peer = view.done && peers.find((candidate) => candidate.nodeId === view.done!.nodeId);
  const notice = done && peer && (done.status === undefined || done.status === peer.status) ? t(done.message, { node: peer.nodeId }) : undefined;
  const fieldError = (field: 'url' | 'fingerprint') => error?.field === field;
  const field = (name: 'url' | 'fingerprint', label: string, hint: string, extra: SafeHtml) => html`
  <div><label for="peer-${name}">${label}</label>
  <span class="hint" id="peer-${name}-hint">${hint}</span>
  <input id="peer-${name}" name="${name}" dir="ltr" required autocomplete="off" autocapitalize="none" spellcheck="false" value="${entered?.[name] ?? ''}" ${extra}
    aria-describedby="peer-${name}-hint${fieldError(name) ? ' add-error' : ''}" ${fieldError(name) ? html`aria-invalid="true" autofocus` : ''}></div>`;

  return frame(context, PEERS_PAGE, t('fed.peers.title'), html`
<p>${t('fed.peers.intro')}</p>
${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
${error && !error.field ? html`<p class="error" role="alert">${error.message}</p>` : ''}
<h2>${t('fed.self.heading')}</h2>
<dl class="facts">
  <div><dt>${t('fed.field.id')}</dt><dd>${code(self.nodeId)}</dd></div>
  <div><dt>${t('fed.field.name')}</dt><dd>${self.displayName}</dd></div>
  <div><dt>${t('fed.field.state')}</dt><dd>${stateName(context, self.state)}</dd></div>
  <div><dt>${t('fed.field.kind')}</dt><dd>${kindName(context, self.kind)}</dd></div>
  <div><dt>${t('fed.field.fingerprint')}</dt><dd>${code(self.fingerprint)}</dd></div>
</dl>
<p class="hint">${t('fed.self.hint')}</p>
<h2>${t('fed.peers.heading')}</h2>
${peers.length === 0 ? html`<p>${t('fed.peers.none')}</p>` : html`
<div class="wide" role="region" aria-labelledby="peers-caption" tabindex="0">
<table>
<caption id="peers-caption">${t('fed.peers.caption', { count: peers.length })}</caption>
<thead><tr>
  <th scope="col">${t('fed.field.id')}</th><th scope="col">${t('fed.field.name')}</th><th scope="col">${t('fed.field.state')}</th><th scope="col">${t('fed.field.kind')}</th>
  <th scope="col">${t('fed.field.url')}</th><th scope="col">${t('fed.field.fingerprint')}</th><th scope="col">${t('fed.field.status')}</th><th scope="col">${t('fed.field.action')}</th>
</tr></thead>
<tbody>${peers.map((peer) => {
    const change: PeerChange = peer.status === 'active' ? 'suspend' : 'activate';
    return html`
<tr>
  <th scope="row" id="peer-${peer.nodeId}">${code(peer.nodeId)}</th><td>${peer.displayName}</td><td>${stateName(context, peer.state)}</td><td>${kindName(context, peer.kind)}</td>
  <td>${code(peer.url)}</td><td>${code(peer.fingerprint)}</td><td>${t(`fed.status.${peer.status}`)}</td>
  <td><form method="post" action="${PEERS_PAGE}/${peer.nodeId}/${change}">${csrf(context)}<button type="submit" aria-describedby="peer-${peer.nodeId}">${t(`fed.peers.${change}`)}</button></form></td>
</tr>`;
  })}</tbody>
</table>
</div>`}
<h2 id="add-heading">${t('fed.add.heading')}</h2>
<p>${t('fed.add.intro')}</p>
${error?.field ? html`<p class="error" id="add-error" role="alert">${error.message}</p>` : ''}
<form class="stack" method="post" action="${PEERS_PAGE}" aria-labelledby="add-heading" novalidate>
  ${csrf(context)}
  ${field('url', t('fed.add.url'), t('fed.add.url.hint'), html`type="url" maxlength="2000"`)}
  ${field('fingerprint', t('fed.field.fingerprint'), t('fed.add.fingerprint.hint'), html`maxlength="100"`)}
  <div><button type="submit">${t('fed.add.submit')}</button></div>
</form>`);
}

/** What a receipt says, for the reader; the outbox keeps only receipts it has verified, the inbox only its own. */
function receiptDetails(context: PageContext, jws: string): SafeHtml {
  const { t } = context;
  const { kid } = decodeProtectedHeader(jws);
  const receipt = JSON.parse(new TextDecoder().decode(base64url.decode(jws.split('.')[1]!))) as Receipt;
  return html`<details><summary>${t('fed.receipt.show')}</summary>
<dl class="facts">
  <div><dt>${t('fed.receipt.signer')}</dt><dd>${code(receipt.to)}</dd></div>
  <div><dt>${t('fed.receipt.at')}</dt><dd>${when(context, new Date(receipt.receivedAt))}</dd></div>
  <div><dt>${t('fed.receipt.key')}</dt><dd>${code(String(kid))}</dd></div>
  <div><dt>${t('fed.receipt.digest')}</dt><dd>${code(receipt.digest)}</dd></div>
  <div><dt>${t('fed.receipt.jws')}</dt><dd><code dir="ltr" class="blob">${jws}</code></dd></div>
</dl></details>`;
}

interface MessagesView {
  filter: LogQuery;
  peers: string[];
  messages: LoggedMessage[];
  retried?: boolean;
  error?: string;
}

function messagesPage(context: PageContext, view: MessagesView): string {
  const { t } = context;
  const { filter, messages } = view;
  const choice = (name: keyof LogQuery, label: string, options: readonly (readonly [string, string])[]) => html`
  <div><label for="filter-${name}">${label}</label>
  <select id="filter-${name}" name="${name}">
    <option value="">${t('fed.filter.all')}</option>
    ${options.map(([value, text]) => html`<option value="${value}" ${filter[name] === value ? html`selected` : ''}>${text}</option>`)}
  </select></div>`;
  // The retry form, beside the status it changes, carries the filters, so that the reader comes back to the same view.
  const back = queryOf(filter);

  return frame(context, MESSAGES_PAGE, t('fed.messages.title'), html`
<p>${t('fed.messages.intro')}</p>
${view.retried ? html`<p class="notice" role="status">${t('fed.messages.retried')}</p>` : ''}
${view.error ? html`<p class="error" role="alert">${view.error}</p>` : ''}
<h2 id="filter-heading">${t('fed.filter.heading')}</h2>
<form class="filters" method="get" action="${MESSAGES_PAGE}" aria-labelledby="filter-heading">
  ${choice('direction', t('fed.field.direction'), DIRECTIONS.map((direction) => [direction, t(`fed.direction.${direction}`)] as const))}
  ${choice('state', t('fed.field.status'), MESSAGE_STATES.map((state) => [state, t(`fed.state.${state}`)] as const))}
  ${choice('peer', t('fed.field.peer'), view.peers.map((peer) => [peer, peer] as const))}
  <div><button type="submit">${t('fed.filter.submit')}</button></div>
</form>
<h2>${t('fed.messages.heading')}</h2>
${messages.length === 0 ? html`<p>${t('fed.messages.none')}</p>` : html`
<div class="wide" role="region" aria-labelledby="messages-caption" tabindex="0">
<table>
<caption id="messages-caption">${t('fed.messages.caption', { count: messages.length, limit: LOG_LIMIT })}</caption>
<thead><tr>
  <th scope="col">${t('fed.field.message')}</th><th scope="col">${t('fed.field.direction')}</th><th scope="col">${t('fed.field.peer')}</th><th scope="col">${t('fed.field.type')}</th>
  <th scope="col">${t('fed.field.status')}</th><th scope="col">${t('fed.field.attempts')}</th><th scope="col">${t('fed.field.created')}</th><th scope="col">${t('fed.field.settled')}</th>
  <th scope="col">${t('fed.field.error')}</th><th scope="col">${t('fed.field.receipt')}</th>
</tr></thead>
<tbody>${messages.map((message) => html`
<tr>
  <th scope="row" id="msg-${message.msgId}"><code dir="ltr" class="uuid">${message.msgId}</code></th><td>${t(`fed.direction.${message.direction}`)}</td><td>${code(message.peer)}</td><td>${code(message.type)}</td>
  <td>${t(`fed.state.${message.state}`)}${message.direction === 'sent' && message.state === 'dead' ? html`
    <form method="post" action="${MESSAGES_PAGE}/${message.msgId}/retry${back ? `?${back}` : ''}">${csrf(context)}<button type="submit" aria-describedby="msg-${message.msgId}">${t('fed.messages.retry')}</button></form>` : ''}</td>
  <td>${message.attempts}</td><td>${when(context, message.createdAt)}</td><td>${message.settledAt ? when(context, message.settledAt) : ''}</td>
  <td>${message.lastError ? html`<code dir="ltr" class="blob">${message.lastError}</code>` : ''}</td>
  <td>${message.receipt ? receiptDetails(context, message.receipt) : t('fed.receipt.none')}</td>
</tr>`)}</tbody>
</table>
</div>`}`);
}

/** A refusal of the trust logic the administrator can act on, in their language, on the page itself, with the API's status. */
function addRefusal(problem: HttpProblem, { t }: PageContext, url: string): (NonNullable<PeersView['error']> & { status: number }) | undefined {
  const { status } = problem;
  switch (problem.slug) {
    case 'peer-unreachable': return { status, message: t('fed.error.unreachable', { url }), field: 'url' };
    case 'peer-metadata-invalid': return { status, message: t('fed.error.invalid', { url }), field: 'url' };
    case 'fingerprint-mismatch': return { status, message: t('fed.error.mismatch', { url }), field: 'fingerprint' };
    case 'peer-is-self': return { status, message: t('fed.error.self'), field: 'url' };
    case 'peer-exists': return { status, message: t('fed.error.exists', { node: String(problem.extra.nodeId) }), field: 'url' };
    default: return undefined;
  }
}

/** The administrator's pages for the federation: the trust list and the message log, with their forms. */
export function federationPages(app: HttpServer, federation: Federation, node: NodeIdentity): void {
  const db = federation.db;

  app.get(PEERS_PAGE, {
    config,
    schema: { hide: true, querystring: Type.Object({ done: Type.Optional(StringEnum(Object.keys(DONE) as Done[])), peer: Type.Optional(NodeId) }, { additionalProperties: false }) },
  }, async (request, reply) => {
    const { done, peer } = request.query;
    const view: PeersView = done && peer ? { done: { what: done, nodeId: peer } } : {};
    return reply.type(HTML).send(peersPage(pageContext(request, node), federation, await listPeers(db), view));
  });

  app.post(PEERS_PAGE, {
    config,
    // Lengths only: a malformed address or fingerprint is told on the page, not as a bare 400.
    schema: { hide: true, body: form({ url: Type.String({ maxLength: 2000 }), fingerprint: Type.String({ maxLength: 100 }) }) },
  }, async (request, reply) => {
    const context = pageContext(request, node);
    const entered = { url: request.body.url.trim(), fingerprint: request.body.fingerprint.trim() };
    const refuse = async (status: number, { message, field }: NonNullable<PeersView['error']>) =>
      reply.code(status).type(HTML).send(peersPage(context, federation, await listPeers(db), { error: { message, field }, entered }));
    if (!/^https?:\/\//.test(entered.url) || !URL.canParse(entered.url)) return refuse(400, { message: context.t('fed.error.url'), field: 'url' });
    if (!FINGERPRINT.test(entered.fingerprint)) return refuse(400, { message: context.t('fed.error.fingerprint'), field: 'fingerprint' });
    try {
      const added = await trustPeer(federation, request, entered.url, entered.fingerprint);
      return reply.redirect(`${PEERS_PAGE}?done=added&peer=${added.nodeId}`, 303);
    } catch (error) {
      const refusal = error instanceof HttpProblem ? addRefusal(error, context, entered.url) : undefined;
      if (!refusal) throw error;
      return refuse(refusal.status, refusal);
    }
  });

  app.post(`${PEERS_PAGE}/:nodeId/:change`, {
    config,
    schema: { hide: true, params: Type.Object({ nodeId: NodeId, change: StringEnum(Object.keys(PEER_CHANGES) as PeerChange[]) }), body: form({}) },
  }, async (request, reply) => {
    const { nodeId, change } = request.params;
    try {
      await changePeer(federation, request, nodeId, change);
      return reply.redirect(`${PEERS_PAGE}?done=${DONE_BY_CHANGE[change]}&peer=${nodeId}`, 303);
    } catch (error) {
      // Another administrator may have removed the peer since this page was loaded.
      if (!(error instanceof HttpProblem && error.status === 404)) throw error;
      const context = pageContext(request, node);
      return reply.code(404).type(HTML).send(peersPage(context, federation, await listPeers(db), { error: { message: context.t('fed.error.noPeer', { node: nodeId }) } }));
    }
  });

  async function showLog(context: PageContext, filter: LogQuery, extra: Pick<MessagesView, 'retried' | 'error'>): Promise<string> {
    const messages = await listMessages(db, { direction: filter.direction || undefined, state: filter.state || undefined, peer: filter.peer || undefined, limit: LOG_LIMIT });
    // Peers once trusted and since removed still have messages in the log: they can be chosen too.
    const peers = [...new Set([...(await listPeers(db)).map((peer) => peer.nodeId), ...(filter.peer ? [filter.peer] : [])])].sort();
    return messagesPage(context, { filter, peers, messages, ...extra });
  }

  app.get(MESSAGES_PAGE, {
    config,
    schema: { hide: true, querystring: Type.Object({ ...LogFilter.properties, retried: Type.Optional(Type.Boolean()) }, { additionalProperties: false }) },
  }, async (request, reply) => {
    const { retried, ...filter } = request.query;
    return reply.type(HTML).send(await showLog(pageContext(request, node), filter, { retried }));
  });

  app.post(`${MESSAGES_PAGE}/:msgId/retry`, {
    config,
    schema: { hide: true, params: Type.Object({ msgId: Type.String({ format: 'uuid' }) }), querystring: LogFilter, body: form({}) },
  }, async (request, reply) => {
    const filter = request.query;
    try {
      await retryMessage(federation, request, request.params.msgId);
      return reply.redirect(`${MESSAGES_PAGE}?${queryOf({ ...filter, retried: 'true' })}`, 303);
    } catch (error) {
      // Pressed twice, or from a page loaded before the message was retried or delivered.
      if (!(error instanceof HttpProblem && (error.status === 404 || error.status === 409))) throw error;
      const context = pageContext(request, node);
      const message = context.t(error.status === 404 ? 'fed.error.noMessage' : 'fed.error.notDead');
      return reply.code(error.status).type(HTML).send(await showLog(context, filter, { error: message }));
    }
  });
}
