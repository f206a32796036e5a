/**
 * The console page of this node's subscriptions to peers' collections: what each peer answered, a
 * form to subscribe, a button to cancel. Forms work without script and go through what the API calls.
 */
import { Type } from 'typebox';
import type { NodeIdentity } from '../../console/layout.ts';
import type { Federation } from '../../federation/service.ts';
import { type Peer, listPeers } from '../../federation/trust.ts';
import type { Database } from '../../platform/db/database.ts';
import { type SafeHtml, html } from '../../platform/http/html.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { StringEnum } from '../../platform/schema.ts';
import { TokenField } from '../../prevention/staff-forms.ts';
import { type PlacedProblem, HTML, code, csrf, described, errorSummary, fieldErrors, stateName, whenText } from '../../requests/page-common.ts';
import { listCollections } from '../collections.ts';
import { WALLET_SCOPE } from '../sharing/messages.ts';
import { subscribing } from '../sharing/routes.ts';
import { type SubscriptionView, cancelSubscription, listSubscriptions, subscribe } from '../sharing/settings.ts';
import { SUBSCRIPTIONS_PAGE, collectionPage, frame, notice, refusedWith } from './common.ts';
import { type IntelligenceContext, type MessageKey, intelligenceContext } from './messages.ts';

const SubscribeForm = Type.Object({ ...TokenField, peer: Type.String({ maxLength: 100 }), collectionId: Type.String({ maxLength: 200 }) }, { additionalProperties: false });
const Done = Type.Object({ done: Type.Optional(StringEnum(['subscribed', 'cancelled'] as const)) }, { additionalProperties: false });

/** The reasons this node's own sharing gives (sharing/service.ts, settings.ts), in the reader's language; another node's are shown as sent. */
const REASONS: Record<string, MessageKey> = {
  'this is not shared with your node': 'intel.reason.not-shared',
  'no longer shared with your node': 'intel.reason.no-longer-shared',
};

interface PageState {
  subscriptions: SubscriptionView[];
  peers: Peer[];
  /** The local collections' titles, by id. */
  titles: Map<string, string>;
  done?: 'subscribed' | 'cancelled' | undefined;
  form: { peer: string; collectionId: string; problems: PlacedProblem[] };
}

function stateOf(context: IntelligenceContext, subscription: SubscriptionView): SafeHtml | string {
  const { t } = context;
  if (subscription.state !== 'refused' || !subscription.reason) return t(`intel.state.${subscription.state}`);
  const known = REASONS[subscription.reason];
  return t('intel.refusedBecause', { reason: known ? t(known) : subscription.reason });
}

function subscriptionsPage(context: IntelligenceContext, state: PageState): string {
  const { t } = context;
  const { subscriptions, peers, form } = state;
  const peerName = (nodeId: string) => peers.find((peer) => peer.nodeId === nodeId)?.displayName ?? nodeId;
  const notices = { subscribed: t('intel.subscribed'), cancelled: t('intel.cancelled') };
  return frame(context, SUBSCRIPTIONS_PAGE, t('intel.subscriptions.title'), html`
<p>${t('intel.subscriptions.intro')}</p>
${notice(state.done && notices[state.done])}
${subscriptions.length === 0 ? html`<p>${t('intel.subscriptions.none')}</p>` : html`<div class="wide" role="region" aria-labelledby="subscriptions-caption" tabindex="0"><table>
<caption id="subscriptions-caption">${t('intel.subscriptions.caption', { count: subscriptions.length })}</caption>
<thead><tr><th scope="col">${t('intel.col.peer')}</th><th scope="col">${t('intel.col.theirs')}</th><th scope="col">${t('intel.col.state')}</th>
<th scope="col">${t('intel.col.local')}</th><th scope="col">${t('intel.col.requested')}</th><th scope="col">${t('intel.col.action')}</th></tr></thead>
<tbody>${subscriptions.map((subscription) => {
    const local = subscription.localCollection;
    return html`<tr>
<th scope="row" id="subscription-${subscription.id}">${peerName(subscription.peer)} ${code(subscription.peer)}</th>
<td>${subscription.collectionId === WALLET_SCOPE ? t('intel.scope.wallets') : code(subscription.collectionId)}</td>
<td>${stateOf(context, subscription)}</td>
<td>${local ? html`<a href="${collectionPage(local)}">${state.titles.get(local) ?? local}</a>` : t('intel.scope.wallets')}</td>
<td>${t('intel.requested', { when: whenText(context.shared, new Date(subscription.requestedAt)), name: subscription.requestedBy })}</td>
<td><form method="post" action="${SUBSCRIPTIONS_PAGE}/${subscription.id}/cancel">${csrf(context.shared)}<button type="submit" aria-describedby="subscription-${subscription.id}">${t('intel.cancel')}</button></form></td>
</tr>`;
  })}</tbody>
</table></div>`}
<h2 id="subscribe-heading">${t('intel.subscribe.heading')}</h2>
<form class="draft" method="post" action="${SUBSCRIPTIONS_PAGE}" aria-labelledby="subscribe-heading">
${csrf(context.shared)}
${errorSummary(context.shared, form.problems, 'subscribe-errors')}
<div class="field"><label for="sub-peer">${t('intel.field.peer')}</label>
${fieldErrors('sub-peer', form.problems)}
<select id="sub-peer" name="peer" required ${described('sub-peer', form.problems)}>
<option value="">${t('intel.field.peer.choose')}</option>
${peers.map((peer) => html`<option value="${peer.nodeId}" ${form.peer === peer.nodeId ? html`selected` : ''}>${context.shared.t('peer.option', { name: peer.displayName, node: peer.nodeId, state: stateName(context.shared, peer.state) })}</option>`)}
</select></div>
<div class="field"><label for="sub-collectionId">${t('intel.field.collectionId')}</label>
<span class="hint" id="sub-collectionId-hint">${t('intel.field.collectionId.hint')}</span>
${fieldErrors('sub-collectionId', form.problems)}
<input id="sub-collectionId" name="collectionId" dir="ltr" required autocomplete="off" spellcheck="false" maxlength="200" value="${form.collectionId}" ${described('sub-collectionId', form.problems, 'sub-collectionId-hint')}>
</div>
<div><button type="submit">${t('intel.subscribe.submit')}</button></div>
</form>`);
}

export function subscriptionPages(app: HttpServer, db: Database, federation: Federation, node: NodeIdentity): void {
  const config = { access: subscribing, page: true };
  const stateOfPage = async (form: PageState['form'], done?: PageState['done']): Promise<PageState> => ({
    subscriptions: await listSubscriptions(db), peers: await listPeers(db), titles: new Map((await listCollections(db)).map((collection) => [collection.id, collection.title])), done, form,
  });

  app.get(SUBSCRIPTIONS_PAGE, { config, schema: { hide: true, querystring: Done } }, async (request, reply) =>
    reply.type(HTML).send(subscriptionsPage(intelligenceContext(request, node), await stateOfPage({ peer: '', collectionId: '', problems: [] }, request.query.done))));

  app.post(SUBSCRIPTIONS_PAGE, { config, schema: { hide: true, body: SubscribeForm } }, async (request, reply) => {
    const context = intelligenceContext(request, node);
    const peer = request.body.peer.trim();
    // An id copied from a message may come in capitals or with spaces around it; the scope is written in small letters.
    const collectionId = request.body.collectionId.trim().toLowerCase();
    const refuse = async (status: number, problems: PlacedProblem[]) =>
      reply.code(status).type(HTML).send(subscriptionsPage(context, await stateOfPage({ peer, collectionId: request.body.collectionId, problems })));
    const peerControl = { id: 'sub-peer', label: context.t('intel.field.peer') };
    if (peer === '') return refuse(400, [{ ...peerControl, message: context.t('problem.peer-required') }]);
    try {
      await subscribe(db, federation, request, peer, collectionId);
    } catch (error) {
      const refused = refusedWith(context, error, (pointer) => (pointer === '/peer' ? peerControl : { id: 'sub-collectionId', label: context.t('intel.field.collectionId') }));
      if (!refused) throw error;
      return refuse(refused.status, refused.problems);
    }
    return reply.redirect(`${SUBSCRIPTIONS_PAGE}?done=subscribed`, 303);
  });

  app.post(`${SUBSCRIPTIONS_PAGE}/:id/cancel`, {
    config, schema: { hide: true, params: Type.Object({ id: Type.String({ format: 'uuid' }) }), body: Type.Object(TokenField, { additionalProperties: false }) },
  }, async (request, reply) => {
    await cancelSubscription(db, federation, request, request.params.id);
    return reply.redirect(`${SUBSCRIPTIONS_PAGE}?done=cancelled`, 303);
  });
}
