/**
 * The console pages of this node's collections: the list (and, for the administrator, a form to make
 * one), each collection with who may use it and the peers it is shared with, and the sharing of the
 * cryptocurrency-abuse database. Forms work without script and go through what the API calls.
 */
import { type Static, Type } from 'typebox';
import type { NodeIdentity } from '../../console/layout.ts';
import { PEERS_PAGE } from '../../console/federation-pages.ts';
import type { Federation } from '../../federation/service.ts';
import { type Peer, listPeers } from '../../federation/trust.ts';
import { ROLES, type Role } from '../../identity/roles.ts';
import type { Database } from '../../platform/db/database.ts';
import { type SafeHtml, html } from '../../platform/http/html.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { StringEnum } from '../../platform/schema.ts';
import { TokenField } from '../../prevention/staff-forms.ts';
import { type PlacedProblem, HTML, code, csrf, described, errorSummary, fieldErrors, stateName } from '../../requests/page-common.ts';
import { administeringCollections, readingCollections } from '../collection-routes.ts';
import {
  type CollectionView, DESCRIPTION_MAX, GRANTABLE_ROLES, type Permission, TITLE_MAX, collectionView, createCollection, listCollections, setPermissions,
} from '../collections.ts';
import { ScopeSchema, WALLET_SCOPE } from '../sharing/messages.ts';
import { administeringSharing } from '../sharing/routes.ts';
import { type Sharing, setSharing, sharingOf } from '../sharing/settings.ts';
import { COLLECTIONS_PAGE, Ticked, WALLET_SHARING_PAGE, collectionPage, frame, notice, refusedWith, roleName, ticked } from './common.ts';
import { type IntelligenceContext, intelligenceContext } from './messages.ts';

const RoleValue = StringEnum(ROLES);
const Rights = { read: Ticked(RoleValue), write: Ticked(RoleValue) };
/** Longer than the API allows, so that a title too long is told beside its field rather than on an error page. */
const CreateForm = Type.Object({
  ...TokenField, title: Type.String({ maxLength: 4 * TITLE_MAX }), description: Type.Optional(Type.String({ maxLength: 4 * DESCRIPTION_MAX })), ...Rights,
}, { additionalProperties: false });
const RightsForm = Type.Object({ ...TokenField, ...Rights }, { additionalProperties: false });
const NodeIdValue = Type.String({ minLength: 1, maxLength: 100 });
const SharingForm = Type.Object({ ...TokenField, peer: Ticked(NodeIdValue), amber: Ticked(NodeIdValue) }, { additionalProperties: false });
const Done = Type.Object({ done: Type.Optional(StringEnum(['created', 'permissions', 'sharing'] as const)) }, { additionalProperties: false });
type Done = NonNullable<Static<typeof Done>['done']>;

/** A new collection is opened as the node's first one is: written by analysts, read by investigators and contact points. */
const FIRST_RIGHTS: Permission[] = [
  { role: 'investigator', canRead: true, canWrite: false }, { role: 'contact_point', canRead: true, canWrite: false }, { role: 'analyst', canRead: true, canWrite: true },
];

/** The rights ticked, one per role, in the order of the roles. */
function rightsOf(form: { read?: string | string[]; write?: string | string[] }): Permission[] {
  const [read, write] = [ticked(form.read), ticked(form.write)];
  return ROLES.filter((role) => read.includes(role) || write.includes(role)).map((role) => ({ role, canRead: read.includes(role), canWrite: write.includes(role) }));
}

const rolesWith = (context: IntelligenceContext, permissions: readonly Permission[], right: 'canRead' | 'canWrite') => {
  const roles = permissions.filter((permission) => permission[right]).map((permission) => roleName(context, permission.role));
  return roles.length > 0 ? new Intl.ListFormat(context.shared.locale, { type: 'conjunction' }).format(roles) : context.t('intel.roles.none');
};

function sourceOf(context: IntelligenceContext, collection: CollectionView): SafeHtml | string {
  const { subscription } = collection;
  if (!subscription) return context.t('intel.source.here');
  return context.t('intel.source.peer', { peer: subscription.peer, state: context.t(`intel.state.${subscription.state}`) });
}

/** Where a refusal of the rights points: the box of the role at that place in the list sent. */
function rightsControl(context: IntelligenceContext, prefix: string, permissions: readonly Permission[], fromPeer: boolean) {
  return (pointer: string) => {
    const [, , index, field] = pointer.split('/');
    const role = permissions[Number(index)]?.role;
    if (!role) return { id: undefined, label: context.t('intel.rights.legend') };
    // A collection filled by a subscription has no write boxes: its refusal goes beside the role's read box.
    return { id: `${prefix}-${field === 'canWrite' && !fromPeer ? 'write' : 'read'}-${role}`, label: roleName(context, role) };
  };
}

function rightsFieldset(context: IntelligenceContext, prefix: string, permissions: readonly Permission[], problems: readonly PlacedProblem[], fromPeer: boolean): SafeHtml {
  const { t } = context;
  const box = (role: Role, column: 'read' | 'write') => {
    const id = `${prefix}-${column}-${role}`;
    const on = permissions.some((permission) => permission.role === role && (column === 'read' ? permission.canRead : permission.canWrite));
    return html`${fieldErrors(id, problems)}<div class="choice"><input type="checkbox" id="${id}" name="${column}" value="${role}" ${on ? html`checked` : ''}
  aria-labelledby="${prefix}-col-${column} ${prefix}-role-${role}" ${described(id, problems)}></div>`;
  };
  return html`<fieldset aria-describedby="${prefix}-rights-hint">
<legend>${t('intel.rights.legend')}</legend>
<p class="hint" id="${prefix}-rights-hint">${t('intel.rights.hint')}${fromPeer ? html` ${t('intel.rights.fromPeer')}` : ''}</p>
<table>
<thead><tr><th scope="col">${t('intel.rights.role')}</th><th scope="col" id="${prefix}-col-read">${t('intel.rights.read')}</th>${fromPeer ? '' : html`<th scope="col" id="${prefix}-col-write">${t('intel.rights.write')}</th>`}</tr></thead>
<tbody>${GRANTABLE_ROLES.map((role) => html`<tr><th scope="row" id="${prefix}-role-${role}">${roleName(context, role)}</th><td>${box(role, 'read')}</td>${fromPeer ? '' : html`<td>${box(role, 'write')}</td>`}</tr>`)}</tbody>
</table>
</fieldset>`;
}

interface CreateState {
  fields: { title: string; description: string; permissions: Permission[] };
  problems: PlacedProblem[];
}

function listPage(context: IntelligenceContext, node: NodeIdentity, collections: readonly CollectionView[], create: CreateState | undefined): string {
  const { t } = context;
  const field = (name: 'title' | 'description', control: SafeHtml, hint?: SafeHtml) => html`<div class="field"><label for="new-${name}">${t(`intel.field.${name}`)}${name === 'description' ? html` <span class="required">${t('intel.optional')}</span>` : ''}</label>
${hint ?? ''}${fieldErrors(`new-${name}`, create?.problems ?? [])}${control}</div>`;
  return frame(context, COLLECTIONS_PAGE, t('intel.collections.title'), html`
<p>${t('intel.collections.intro', { root: `/taxii2/${node.nodeId}/` })}</p>
${collections.length === 0 ? html`<p>${t('intel.collections.none')}</p>` : html`<div class="wide" role="region" aria-labelledby="collections-caption" tabindex="0"><table>
<caption id="collections-caption">${t('intel.collections.caption', { count: collections.length })}</caption>
<thead><tr><th scope="col">${t('intel.col.title')}</th><th scope="col">${t('intel.col.objects')}</th><th scope="col">${t('intel.col.readers')}</th>
<th scope="col">${t('intel.col.writers')}</th><th scope="col">${t('intel.col.source')}</th></tr></thead>
<tbody>${collections.map((collection) => html`<tr>
<th scope="row"><a href="${collectionPage(collection.id)}">${collection.title}</a></th><td>${t('intel.objects', { count: collection.objects })}</td>
<td>${rolesWith(context, collection.permissions, 'canRead')}</td><td>${rolesWith(context, collection.permissions, 'canWrite')}</td><td>${sourceOf(context, collection)}</td></tr>`)}</tbody>
</table></div>`}
${create ? html`<h2 id="wallets-heading">${t('intel.wallets.heading')}</h2>
<p>${t('intel.wallets.intro')} <a href="${WALLET_SHARING_PAGE}">${t('intel.wallets.link')}</a></p>
<h2 id="create-heading">${t('intel.create.heading')}</h2>
<form class="draft" method="post" action="${COLLECTIONS_PAGE}" aria-labelledby="create-heading">
${csrf(context.shared)}
${errorSummary(context.shared, create.problems, 'create-errors')}
${field('title', html`<input id="new-title" name="title" required maxlength="${TITLE_MAX}" value="${create.fields.title}" ${described('new-title', create.problems, 'new-title-hint')}>`,
    html`<span class="hint" id="new-title-hint">${t('intel.field.title.hint')}</span>`)}
${field('description', html`<textarea id="new-description" name="description" rows="3" maxlength="${DESCRIPTION_MAX}" ${described('new-description', create.problems)}>${create.fields.description}</textarea>`)}
${rightsFieldset(context, 'new', create.fields.permissions, create.problems, false)}
<div><button type="submit">${t('intel.create.submit')}</button></div>
</form>` : ''}`);
}

interface SharingState {
  scope: string;
  peers: Peer[];
  value: Sharing;
  problems: PlacedProblem[];
}

/** Where a refusal of the sharing points: the box of the peer at that place in the list sent. */
function sharingControl(context: IntelligenceContext, sent: Sharing, peers: readonly Peer[]) {
  return (pointer: string) => {
    const [, list, index] = pointer.split('/');
    const peer = list === 'amberPeers' ? sent.amberPeers[Number(index)] : sent.peers[Number(index)];
    const known = peers.find((candidate) => candidate.nodeId === peer);
    return { id: known ? `share-${list === 'amberPeers' ? 'amber' : 'peer'}-${known.nodeId}` : undefined, label: known?.displayName ?? peer ?? context.t('intel.sharing.peer') };
  };
}

function sharingSection(context: IntelligenceContext, state: SharingState): SafeHtml {
  const { t } = context;
  const { peers, value, problems } = state;
  const box = (peer: Peer, column: 'peer' | 'amber') => {
    const id = `share-${column}-${peer.nodeId}`;
    const on = (column === 'peer' ? value.peers : value.amberPeers).includes(peer.nodeId);
    return html`${fieldErrors(id, problems)}<div class="choice"><input type="checkbox" id="${id}" name="${column}" value="${peer.nodeId}" ${on ? html`checked` : ''}
  aria-labelledby="share-col-${column} share-name-${peer.nodeId}" ${described(id, problems)}></div>`;
  };
  return html`<section aria-labelledby="sharing-heading">
<h2 id="sharing-heading">${t('intel.sharing.heading')}</h2>
<p>${t('intel.sharing.intro')}</p>
${peers.length === 0 ? html`<p>${t('intel.sharing.noPeers')} <a href="${PEERS_PAGE}">${t('intel.sharing.addPeers')}</a></p>` : html`
<form class="draft" method="post" action="${COLLECTIONS_PAGE}/${state.scope}/sharing" aria-labelledby="sharing-heading">
${csrf(context.shared)}
${errorSummary(context.shared, problems, 'sharing-errors')}
<div class="wide" role="region" aria-labelledby="sharing-caption" tabindex="0"><table>
<caption id="sharing-caption">${t('intel.sharing.caption')}</caption>
<thead><tr><th scope="col">${t('intel.sharing.peer')}</th><th scope="col" id="share-col-peer">${t('intel.sharing.may')}</th><th scope="col" id="share-col-amber">${t('intel.sharing.amber')}</th></tr></thead>
<tbody>${peers.map((peer) => html`<tr><th scope="row" id="share-name-${peer.nodeId}">${context.shared.t('peer.option', { name: peer.displayName, node: peer.nodeId, state: stateName(context.shared, peer.state) })}</th>
<td>${box(peer, 'peer')}</td><td>${box(peer, 'amber')}</td></tr>`)}</tbody>
</table></div>
<div><button type="submit">${t('intel.sharing.submit')}</button></div>
</form>`}
</section>`;
}

interface CollectionState {
  collection: CollectionView;
  done?: Done | undefined;
  /** The administrator's forms; an analyst sees the collection only. */
  admin?: { rights: { permissions: Permission[]; problems: PlacedProblem[] }; sharing: SharingState };
}

function collectionPageOf(context: IntelligenceContext, node: NodeIdentity, state: CollectionState): string {
  const { t } = context;
  const { collection, admin } = state;
  const fromPeer = collection.subscription !== null;
  const notices: Record<Done, string> = { created: t('intel.created'), permissions: t('intel.permissions.saved'), sharing: t('intel.sharing.saved') };
  return frame(context, '', collection.title, html`
${notice(state.done && notices[state.done])}
<dl class="facts">
<div><dt>${t('intel.fact.id')}</dt><dd>${code(collection.id)}</dd></div>
<div><dt>${t('intel.fact.taxii')}</dt><dd>${code(`/taxii2/${node.nodeId}/collections/${collection.id}/objects/`)}</dd></div>
${collection.description ? html`<div><dt>${t('intel.fact.description')}</dt><dd>${collection.description}</dd></div>` : ''}
<div><dt>${t('intel.col.objects')}</dt><dd>${t('intel.objects', { count: collection.objects })}</dd></div>
<div><dt>${t('intel.col.source')}</dt><dd>${sourceOf(context, collection)}</dd></div>
<div><dt>${t('intel.col.readers')}</dt><dd>${rolesWith(context, collection.permissions, 'canRead')}</dd></div>
<div><dt>${t('intel.col.writers')}</dt><dd>${rolesWith(context, collection.permissions, 'canWrite')}</dd></div>
</dl>
${admin ? html`<form class="draft" method="post" action="${collectionPage(collection.id)}/permissions" aria-label="${t('intel.rights.legend')}">
${csrf(context.shared)}
${errorSummary(context.shared, admin.rights.problems, 'rights-errors')}
${rightsFieldset(context, 'rights', admin.rights.permissions, admin.rights.problems, fromPeer)}
<div><button type="submit">${t('intel.permissions.submit')}</button></div>
</form>
${sharingSection(context, admin.sharing)}` : ''}`);
}

function walletSharingPage(context: IntelligenceContext, sharing: SharingState, done: Done | undefined): string {
  const { t } = context;
  return frame(context, '', t('intel.wallets.heading'), html`
${notice(done === 'sharing' ? t('intel.sharing.saved') : undefined)}
<p>${t('intel.wallets.intro')}</p>
${sharingSection(context, sharing)}`);
}

export function collectionPages(app: HttpServer, db: Database, federation: Federation, node: NodeIdentity): void {
  const isAdmin = (roles: readonly string[]) => roles.includes('node_admin');
  const sharingState = async (scope: string, entered?: Sharing, problems: PlacedProblem[] = []): Promise<SharingState> =>
    ({ scope, peers: await listPeers(db), value: entered ?? await sharingOf(db, scope), problems });
  const collectionState = async (id: string, roles: readonly string[], change: Partial<NonNullable<CollectionState['admin']>> = {}): Promise<CollectionState> => {
    const collection = await collectionView(db, id);
    if (!isAdmin(roles)) return { collection };
    return { collection, admin: { rights: change.rights ?? { permissions: collection.permissions, problems: [] }, sharing: change.sharing ?? await sharingState(collection.id) } };
  };
  const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });

  app.get(COLLECTIONS_PAGE, { config: { access: readingCollections, page: true }, schema: { hide: true } }, async (request, reply) => {
    const context = intelligenceContext(request, node);
    const create = isAdmin(request.principal!.roles) ? { fields: { title: '', description: '', permissions: FIRST_RIGHTS }, problems: [] } : undefined;
    return reply.type(HTML).send(listPage(context, node, await listCollections(db), create));
  });

  app.post(COLLECTIONS_PAGE, { config: { access: administeringCollections, page: true }, schema: { hide: true, body: CreateForm } }, async (request, reply) => {
    const context = intelligenceContext(request, node);
    const fields = { title: request.body.title, description: request.body.description ?? '', permissions: rightsOf(request.body) };
    try {
      const made = await createCollection(db, request, fields);
      return reply.redirect(`${collectionPage(made.id)}?done=created`, 303);
    } catch (error) {
      const refused = refusedWith(context, error, (pointer) => (pointer === '/title' || pointer === '/description'
        ? { id: `new-${pointer.slice(1)}`, label: context.t(`intel.field.${pointer.slice(1) as 'title' | 'description'}`) }
        : rightsControl(context, 'new', fields.permissions, false)(pointer)));
      if (!refused) throw error;
      return reply.code(refused.status).type(HTML).send(listPage(context, node, await listCollections(db), { fields, problems: refused.problems }));
    }
  });

  app.get(WALLET_SHARING_PAGE, { config: { access: administeringSharing, page: true }, schema: { hide: true, querystring: Done } }, async (request, reply) =>
    reply.type(HTML).send(walletSharingPage(intelligenceContext(request, node), await sharingState(WALLET_SCOPE), request.query.done)));

  app.get(`${COLLECTIONS_PAGE}/:id`, { config: { access: readingCollections, page: true }, schema: { hide: true, params: Id, querystring: Done } }, async (request, reply) => {
    const state = await collectionState(request.params.id, request.principal!.roles);
    return reply.type(HTML).send(collectionPageOf(intelligenceContext(request, node), node, { ...state, done: request.query.done }));
  });

  app.post(`${COLLECTIONS_PAGE}/:id/permissions`, { config: { access: administeringCollections, page: true }, schema: { hide: true, params: Id, body: RightsForm } }, async (request, reply) => {
    const { id } = request.params;
    const permissions = rightsOf(request.body);
    try {
      await setPermissions(db, request, id, permissions);
      return reply.redirect(`${collectionPage(id)}?done=permissions`, 303);
    } catch (error) {
      const context = intelligenceContext(request, node);
      const fromPeer = (await collectionView(db, id)).subscription !== null;
      const refused = refusedWith(context, error, rightsControl(context, 'rights', permissions, fromPeer));
      if (!refused) throw error;
      const state = await collectionState(id, request.principal!.roles, { rights: { permissions, problems: refused.problems } });
      return reply.code(refused.status).type(HTML).send(collectionPageOf(context, node, state));
    }
  });

  app.post(`${COLLECTIONS_PAGE}/:id/sharing`, {
    config: { access: administeringSharing, page: true }, schema: { hide: true, params: Type.Object({ id: ScopeSchema }), body: SharingForm },
  }, async (request, reply) => {
    const scope = request.params.id;
    const sent = { peers: ticked(request.body.peer), amberPeers: ticked(request.body.amber) };
    const back = scope === WALLET_SCOPE ? WALLET_SHARING_PAGE : collectionPage(scope);
    try {
      await setSharing(db, federation, request, scope, sent);
      return reply.redirect(`${back}?done=sharing`, 303);
    } catch (error) {
      const context = intelligenceContext(request, node);
      const peers = await listPeers(db);
      const refused = refusedWith(context, error, sharingControl(context, sent, peers));
      if (!refused) throw error;
      const sharing = await sharingState(scope, sent, refused.problems);
      if (scope === WALLET_SCOPE) return reply.code(refused.status).type(HTML).send(walletSharingPage(context, sharing, undefined));
      return reply.code(refused.status).type(HTML).send(collectionPageOf(context, node, await collectionState(scope, request.principal!.roles, { sharing })));
    }
  });
}
